import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from '../core/framework';
import { BootstrapStack, bootstrapStackName } from '../stacks/bootstrap-stack';
import { checkEnvironment, checkEnvironmentsApart } from '../stacks/check-environment';
import { EnvironmentConfig } from '../stacks/environment-config';
import { EnvironmentStack } from '../stacks/environment-stack';
import { WIRING_FILE } from '../contract/wiring-file';
import { wiringMarkdown } from '../stacks/wiring-diagram';
import { buildModules, writeGenerated } from './write-generated';
import { LOCAL_AWS_ENDPOINT_VARIABLE, localAwsEndpointFrom } from '../core/local-endpoint';
import { RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { buildReleaseManifest } from './build-release-manifest';
import { addProblemCheck, problem, ValidationError } from '../core/problems';
import { collectProblems } from './collect-problems';
import { withoutTokenStackTraces } from './without-token-stack-traces';
import { applyImportFiles } from './apply-imports';

export interface SynthOptions {
  /** Where to write the output. @default `$CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out` */
  readonly outdir?: string;
  /**
   * Where to also write the generated Terraform modules and a copy of every stack, for
   * plain-Terraform pipelines and for review. @default not written
   */
  readonly generatedDir?: string;
  /** Environment variables to read the local-endpoint override from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the import files written by `npm run adopt` are (`<env>.json`). @default envs/imports */
  readonly importsDirectory?: string;
}

/**
 * Builds the construct tree: per environment, its stack and its bootstrap stack. Every config is
 * checked against the schema first, and only a config of the right shape is built; the
 * problems found are kept on the app for synthesize() to report with those of the constructs.
 * Nothing is written yet.
 */
export function buildApp(environments: readonly EnvironmentConfig[], options: SynthOptions = {}): App {
  // Validation runs once, over every stack, in synthesize(); cdktf's per-stack pass would
  // repeat it and stop at the first bad stack.
  const app = new App({ outdir: outputDirectory(options), skipValidation: true });
  const local = localAwsEndpointFrom(options.env ?? process.env);
  const problems = [...local.problems];
  const checked: EnvironmentConfig[] = [];
  // The configs come from envs/ code that `cdktf synth` runs without type checking: any of
  // them may be anything, and each is checked on its own before any construct is built.
  const list: unknown = environments;
  if (!Array.isArray(list)) problems.push(problem('wrong-type', 'environments', list, 'must be a list of environment configs'));
  (Array.isArray(list) ? list : []).forEach((input: unknown, i) => {
    const { config, problems: found } = checkEnvironment(input);
    const label = environmentLabel(input, i);
    problems.push(...found.map((p) => ({ ...p, environment: label, path: label })));
    if (config) checked.push(config);
  });
  const built: EnvironmentConfig[] = [];
  for (const environment of checked) {
    // A taken name is reported, by checkEnvironmentsApart or below, instead of crashing here.
    if (app.node.tryFindChild(environment.name)) continue;
    new EnvironmentStack(app, environment, local.endpoint);
    built.push(environment);
  }
  for (const environment of built) {
    const name = bootstrapStackName(environment.name);
    if (app.node.tryFindChild(name)) {
      problems.push(problem('bootstrap-name-taken', `${name}: name`, name, 'is the bootstrap stack of another environment; rename the environment'));
    } else {
      new BootstrapStack(app, environment, local.endpoint);
    }
  }
  problems.push(...applyImportFiles(app, built, options.importsDirectory, local.endpoint !== undefined));
  addProblemCheck(app, () => [...problems, ...checkEnvironmentsApart(checked)]);
  return app;
}

/** How problems name an environment: by its name, or by its place in the list when it has none. */
function environmentLabel(input: unknown, index: number): string {
  const name = typeof input === 'object' && input !== null && 'name' in input ? input.name : undefined;
  return typeof name === 'string' && name !== '' ? name : `environments[${index}]`;
}

/** Whether the stacks talk to an AWS API emulator on this machine instead of AWS. */
export function usesLocalEndpoint(options: SynthOptions): boolean {
  return localAwsEndpointFrom(options.env ?? process.env).endpoint !== undefined;
}

/**
 * Synthesizes every environment (and, with `generatedDir`, every module), or nothing: all
 * problems are collected first and reported together in a {@link ValidationError}, before any
 * file is written.
 */
export function synthesize(environments: readonly EnvironmentConfig[], options: SynthOptions = {}): App {
  return withoutTokenStackTraces(() => {
    const app = buildApp(environments, options);
    // generated/ is committed and read by real pipelines: it never holds local endpoints.
    const writesGenerated = options.generatedDir !== undefined && !usesLocalEndpoint(options);
    if (options.generatedDir !== undefined && !writesGenerated) {
      process.stdout.write(`${LOCAL_AWS_ENDPOINT_VARIABLE} is set: ${options.generatedDir}/ is left as it is.\n`);
    }
    const modules = writesGenerated ? buildModules() : undefined;
    try {
      const problems = [...collectProblems(app), ...(modules ? collectProblems(modules) : [])];
      if (problems.length > 0) {
        removeEmptyOutputDirectories(app.outdir);
        throw new ValidationError(problems);
      }
      // cdktf writes each stack's assets next to it but never removes one a stack no longer has
      // (a function taken out leaves its placeholder): start every stack's assets afresh.
      for (const stack of app.node.children.filter(TerraformStack.isStack)) {
        fs.rmSync(path.join(app.outdir, 'stacks', stack.node.id, 'assets'), { recursive: true, force: true });
      }
      app.synth();
      for (const stack of app.node.children.filter((child): child is EnvironmentStack => child instanceof EnvironmentStack)) {
        fs.writeFileSync(
          path.join(app.outdir, 'stacks', stack.node.id, RELEASE_MANIFEST_FILE),
          `${JSON.stringify(buildReleaseManifest(stack), null, 2)}\n`,
        );
        fs.writeFileSync(path.join(app.outdir, 'stacks', stack.node.id, WIRING_FILE), wiringMarkdown(stack.config));
      }
      if (modules && options.generatedDir !== undefined) {
        modules.synth();
        writeGenerated(modules, app, options.generatedDir);
      }
      return app;
    } finally {
      // The modules' scratch output, whether synthesis went through or stopped.
      if (modules) fs.rmSync(modules.outdir, { recursive: true, force: true });
    }
  });
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
