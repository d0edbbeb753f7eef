import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { checkEnvironmentsApart, EnvironmentConfig } from './environment';
import { EnvironmentStack } from './environment-stack';
import { buildModules, writeGenerated } from './generated';
import { collectProblems, ValidationError } from './validation';

export interface SynthOptions {
  /** Where to write the output. @default `$CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out` */
  readonly outdir?: string;
  /**
   * Where to also write the generated Terraform modules and a copy of every stack, for
   * plain-Terraform pipelines and for review. @default not written
   */
  readonly generatedDir?: string;
}

/** Builds the construct tree: one stack per environment. Nothing is validated or written yet. */
export function buildApp(environments: readonly EnvironmentConfig[], options: SynthOptions = {}): App {
  // Validation runs once, over every stack, in synthesize(); cdktf's per-stack pass would
  // repeat it and stop at the first bad stack.
  const app = new App({ outdir: outputDirectory(options), skipValidation: true });
  const names = new Set<string>();
  for (const environment of environments) {
    if (names.has(environment.name)) continue; // reported by checkEnvironmentsApart
    names.add(environment.name);
    new EnvironmentStack(app, environment);
  }
  app.node.addValidation({ validate: () => checkEnvironmentsApart(environments) });
  return app;
}

/**
 * Synthesizes every environment (and, with `generatedDir`, every module), or nothing: all
 * problems are collected first and reported together in a {@link ValidationError}, before any
 * file is written.
 */
export function synthesize(environments: readonly EnvironmentConfig[], options: SynthOptions = {}): App {
  const app = buildApp(environments, options);
  const modules = options.generatedDir === undefined ? undefined : buildModules();
  const problems = [...collectProblems(app), ...(modules ? collectProblems(modules) : [])];
  if (problems.length > 0) {
    removeEmptyOutputDirectories(app.outdir);
    if (modules) fs.rmSync(modules.outdir, { recursive: true, force: true });
    throw new ValidationError(problems);
  }
  app.synth();
  if (modules && options.generatedDir !== undefined) {
    modules.synth();
    writeGenerated(modules, app, options.generatedDir);
  }
  return app;
}

/** Entry point of `main.ts`: the process exit code, with problems printed to stderr. */
export function runSynth(environments: readonly EnvironmentConfig[], options: SynthOptions = {}): number {
  try {
    synthesize(environments, options);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function outputDirectory(options: SynthOptions): string {
  return options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
}

/**
 * cdktf's App creates its output directories when it is constructed. When synthesis stops,
 * remove them again if they are still empty, so a failed first synth leaves nothing behind;
 * earlier output is left exactly as it was.
 */
function removeEmptyOutputDirectories(outdir: string): void {
  for (const directory of [path.join(outdir, 'stacks'), outdir]) {
    try {
      fs.rmdirSync(directory);
    } catch {
      // not empty (earlier output) or already gone: keep it as it is
    }
  }
}
