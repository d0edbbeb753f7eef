import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ReleaseManifest } from '../contract/release-manifest';
import { formatProblem, problem } from '../core/problems';
import { check, RULES } from '../core/rules';
import { DEFAULT_CONCURRENCY, UsageError } from './context';
import { DURATION_RULE, parseDuration } from './durations';
import { unversioned } from './functions';
import { AT_ONCE, PromoteStrategy } from './promote';
import { RollbackTarget } from './rollback';

export const COMMANDS = [
  'layer build',
  'layer publish',
  'layer release',
  'functions update',
  'functions package',
  'functions publish',
  'functions promote',
  'rollback',
] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  env: { type: 'string' },
  layer: { type: 'string' },
  'version-arn': { type: 'string' },
  'to-version': { type: 'string' },
  package: { type: 'string' },
  functions: { type: 'string' },
  function: { type: 'string' },
  previous: { type: 'boolean' },
  canary: { type: 'string' },
  linear: { type: 'string' },
  interval: { type: 'string' },
  concurrency: { type: 'string' },
  source: { type: 'string' },
  include: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
type Option = keyof typeof OPTIONS;
const isOption = (name: string): name is Option => name in OPTIONS;

/** The options each command takes besides --env, --dry-run, --json and --help. */
const COMMAND_OPTIONS: Readonly<Record<Command, readonly Option[]>> = {
  'layer build': ['layer'],
  'layer publish': ['layer'],
  'layer release': ['layer', 'concurrency'],
  // one of --layer [--version-arn] or --package [--functions]
  'functions update': ['layer', 'version-arn', 'package', 'functions', 'concurrency'],
  // builds a zip on this machine: --env is optional there, and unused
  'functions package': ['source', 'include', 'out'],
  'functions publish': ['functions', 'concurrency'],
  // all at once, or one of --canary <pct> / --linear <pct>, with --interval <duration>
  'functions promote': ['functions', 'canary', 'linear', 'interval', 'concurrency'],
  // one of --layer <key> --to-version <n> or --function <key|all> with --to-version <n> or --previous
  rollback: ['layer', 'function', 'to-version', 'previous', 'concurrency'],
};

/** What `rollback --function` takes instead of a key: every function of the manifest. */
export const ALL_FUNCTIONS = 'all';

/** The most functions `--concurrency` may update at once. */
export const MAX_CONCURRENCY = 100;

/** A release to run, with every argument checked. */
export type ReleaseRequest = {
  readonly environment: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** Functions updated at once, when --concurrency is given. */
  readonly concurrency?: number;
} & (
  | { readonly command: 'layer build' | 'layer publish' | 'layer release'; readonly layer: string }
  | { readonly command: 'functions update'; readonly layer: string; readonly versionArn?: string }
  | { readonly command: 'functions update'; readonly packageFile: string; readonly functions?: readonly string[] }
  | { readonly command: 'rollback'; readonly layer: string; readonly toVersion: number }
  | { readonly command: 'functions publish'; readonly functions?: readonly string[] }
  | { readonly command: 'functions promote'; readonly functions?: readonly string[]; readonly strategy: PromoteStrategy }
  | { readonly command: 'rollback'; readonly functionKey: string; readonly target: RollbackTarget }
);

/**
 * The release the arguments ask for, or 'help'. Everything that can be checked without the
 * manifest is: the command, unknown, repeated, missing and misplaced options, and each value's
 * form. Throws a {@link UsageError} with every problem.
 */
export function readArguments(argv: readonly string[], root = process.cwd()): ReleaseRequest | PackageRequest | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, tokens: true, options: OPTIONS });
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    const known = Object.keys(OPTIONS).map((name) => `--${name}`);
    throw new UsageError([unknown ? `${unknown}: unknown option; options: ${known.join(', ')}` : (error as Error).message.replace(/\n/g, ' ')]);
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return 'help';
  const problems: string[] = [];
  const refuse = refuser(problems);

  const given = new Map<Option, string[]>();
  for (const token of tokens) {
    if (token.kind === 'option' && isOption(token.name)) given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, all] of given) {
    if (all.length < 2) continue;
    if (OPTIONS[name].type === 'boolean') problems.push(`--${name} is given ${all.length} times; give it once`);
    else refuse(`--${name}`, all, `is given ${all.length} times; give it once`);
  }

  const command = COMMANDS.find((c) => positionals.slice(0, c.split(' ').length).join(' ') === c);
  if (!command) {
    throw new UsageError([`${positionals.length ? `unknown command "${positionals.join(' ')}"` : 'no command'}; commands: ${COMMANDS.join(', ')}`, ...problems]);
  }
  const extra = positionals.slice(command.split(' ').length);
  if (extra.length > 0) refuse('arguments', extra, `${command} takes options only, no further arguments`);

  const { env, layer, package: packageFile } = values;
  /** Whether an option has a value to check further; an empty one is refused. */
  const present = (name: Option, value: string | undefined): value is string => {
    if (value !== undefined && value.trim() === '') refuse(`--${name}`, value, 'must not be empty');
    return value !== undefined && value.trim() !== '';
  };
  // functions package builds a zip on this machine: no environment
  if (env === undefined) {
    if (command !== 'functions package') problems.push('--env is required');
  } else if (present('env', env)) problems.push(...check('--env', env, RULES.environmentName).map(formatProblem));

  for (const name of given.keys()) {
    if (['env', 'dry-run', 'json'].includes(name) || COMMAND_OPTIONS[command].includes(name)) continue;
    const takes = COMMAND_OPTIONS[command].map((o) => `--${o}`).join(', ');
    refuse(`--${name}`, values[name], `${command} does not take this option (it takes ${takes} besides --env, --dry-run and --json)`);
  }
  const needs = (name: Option, what: string) => values[name] === undefined && problems.push(`${command} needs --${name} ${what}`);
  if (command === 'functions update') {
    if (layer !== undefined && packageFile !== undefined) {
      problems.push('functions update takes --layer or --package, not both: release a layer and a code package in two runs');
    } else if (layer === undefined && packageFile === undefined) {
      problems.push('functions update needs --layer <key> or --package <zip>');
    } else if (layer !== undefined && values.functions !== undefined) {
      refuse('--functions', values.functions, 'goes with --package; with --layer, every function using the layer moves');
    } else if (packageFile !== undefined && values['version-arn'] !== undefined) {
      refuse('--version-arn', values['version-arn'], 'goes with --layer, not --package');
    }
  } else if (command === 'rollback') {
    checkRollback(values, problems, refuse, needs);
  } else if (command === 'functions promote') {
    checkPromote(values, problems, refuse);
  } else if (command === 'functions package') {
    needs('source', '<dir>, the directory to package');
    needs('out', '<zip>, the file to write');
  } else if (command !== 'functions publish') {
    needs('layer', '<key>');
  }

  // The values of the options this command takes; one it does not take is refused above, once.
  const takes = (name: Option, value: string | undefined): value is string => COMMAND_OPTIONS[command].includes(name) && present(name, value);
  takes('layer', layer);
  const versionOf = values.function !== undefined ? 'function' : 'layer';
  const toVersion = takes('to-version', values['to-version']) ? readVersion(values['to-version'], versionOf, refuse) : undefined;
  if (takes('function', values.function) && values.function.includes(',')) {
    refuse('--function', values.function, `names one function key, or ${ALL_FUNCTIONS} for every function; for some of them, run once per function`);
  }
  const percent = (name: 'canary' | 'linear') => (takes(name, values[name]) ? readPercent(name, values[name], refuse) : undefined);
  const canary = percent('canary');
  const linear = percent('linear');
  const intervalMs = takes('interval', values.interval) ? readDuration(values.interval, refuse) : undefined;
  if (takes('version-arn', values['version-arn'])) problems.push(...check('--version-arn', values['version-arn'], RULES.layerVersionArn).map(formatProblem));
  if (takes('package', packageFile)) checkPackage(packageFile, path.resolve(root, packageFile), refuse);
  const functions = takes('functions', values.functions) ? readFunctionKeys(values.functions, refuse) : undefined;
  const concurrency = takes('concurrency', values.concurrency) ? readConcurrency(values.concurrency, refuse) : undefined;
  const source = takes('source', values.source) ? checkSource(values.source, path.resolve(root, values.source), refuse) : undefined;
  const include = takes('include', values.include) ? readInclude(values.include, source, refuse) : undefined;
  const out = takes('out', values.out) ? checkOut(values.out, path.resolve(root, values.out), source, include, refuse) : undefined;
  if (problems.length > 0) throw new UsageError(problems);

  // Every check above passed: the options each command needs are there.
  const dryRun = values['dry-run'] ?? false;
  const json = values.json ?? false;
  if (command === 'functions package') return { command, dryRun, json, source: source!, out: out!, ...(include ? { include } : {}) };
  const common = { environment: env!, dryRun, json, ...(concurrency === undefined ? {} : { concurrency }) };
  switch (command) {
    case 'functions update':
      return packageFile !== undefined
        ? { ...common, command, packageFile: path.resolve(root, packageFile), ...(functions ? { functions } : {}) }
        : { ...common, command, layer: layer!, ...(values['version-arn'] ? { versionArn: values['version-arn'] } : {}) };
    case 'rollback':
      return layer !== undefined
        ? { ...common, command, layer, toVersion: toVersion! }
        : { ...common, command, functionKey: values.function!.trim(), target: values.previous ? 'previous' : { version: toVersion! } };
    case 'functions publish':
      return { ...common, command, ...(functions ? { functions } : {}) };
    case 'functions promote': {
      const strategy: PromoteStrategy =
        canary !== undefined ? { kind: 'canary', percent: canary, intervalMs: intervalMs! } : linear !== undefined ? { kind: 'linear', percent: linear, intervalMs: intervalMs! } : AT_ONCE;
      return { ...common, command, strategy, ...(functions ? { functions } : {}) };
    }
    default:
      return { ...common, command, layer: layer! };
  }
}

/** A code package to build on this machine, with every argument checked; paths are absolute. */
export interface PackageRequest {
  readonly command: 'functions package';
  readonly dryRun: boolean;
  readonly json: boolean;
  /** The directory packaged; entry paths are relative to it. */
  readonly source: string;
  /** Only these top-level entries of the directory. @default all of them */
  readonly include?: readonly string[];
  /** The zip file written. */
  readonly out: string;
}

/** Records one refused argument: its field as the user wrote it, the value and the rule it breaks. */
type Refuse = (field: string, value: unknown, rule: string) => void;

/** A {@link Refuse} that adds each refusal to `problems`, as a formatted `release-argument` problem. */
function refuser(problems: string[]): Refuse {
  return (field, value, rule) => void problems.push(formatProblem(problem('release-argument', field, value, rule)));
}

function readConcurrency(value: string, refuse: Refuse): number | undefined {
  if (/^[1-9][0-9]*$/.test(value) && Number(value) <= MAX_CONCURRENCY) return Number(value);
  refuse('--concurrency', value, `must be a whole number from 1 to ${MAX_CONCURRENCY}: how many functions are worked on at once (default ${DEFAULT_CONCURRENCY})`);
  return undefined;
}

/** Names a code package never holds: Python's caches differ from build to build. */
export function isPythonCache(name: string): boolean {
  return name === '__pycache__' || name.endsWith('.pyc');
}

/** The directory to package, resolved, if it is one. */
function checkSource(value: string, resolved: string, refuse: Refuse): string | undefined {
  if (!fs.existsSync(resolved)) return void refuse('--source', value, 'must be an existing directory: no such directory');
  if (!fs.statSync(resolved).isDirectory()) return void refuse('--source', value, 'must be a directory; this is a file');
  return resolved;
}

/** Top-level entries of the source directory, each named once and there. */
function readInclude(list: string, source: string | undefined, refuse: Refuse): string[] | undefined {
  const names = list.split(',').map((name) => name.trim());
  const empty = names.flatMap((name, index) => (name === '' ? [index + 1] : []));
  if (empty.length > 0) return void refuse('--include', list, `has an empty item (item ${empty.join(', ')}); give names separated by commas, such as app,lambdas`);
  const twice = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (twice.length > 0) return void refuse('--include', list, `names ${twice.join(', ')} more than once`);
  const nested = names.filter((name) => name.includes('/') || name.includes('\\') || name === '.' || name === '..');
  if (nested.length > 0) return void refuse('--include', list, `${nested.join(', ')}: must be names of entries directly in --source, not paths`);
  const caches = names.filter(isPythonCache);
  if (caches.length > 0) return void refuse('--include', list, `${caches.join(', ')}: Python caches (__pycache__/, *.pyc) are never packaged`);
  if (source === undefined) return names;
  const missing = names.filter((name) => !fs.existsSync(path.join(source, name)));
  if (missing.length > 0) return void refuse('--include', list, `${missing.join(', ')}: no such entry in --source; it has ${fs.readdirSync(source).sort().join(', ') || 'nothing'}`);
  return names;
}

/** The zip to write: a .zip path, not a directory, and not inside what is packaged (it would package itself). */
function checkOut(value: string, resolved: string, source: string | undefined, include: readonly string[] | undefined, refuse: Refuse): string | undefined {
  if (!value.endsWith('.zip')) return void refuse('--out', value, 'must be a .zip file');
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) return void refuse('--out', value, 'must be a file; this is a directory');
  if (source !== undefined) {
    const inside = path.relative(source, resolved);
    const top = inside.split(path.sep)[0];
    if (!inside.startsWith('..') && !path.isAbsolute(inside) && (include === undefined || include.includes(top))) {
      return void refuse('--out', value, 'must not be inside what is packaged: the next package would contain this one');
    }
  }
  return resolved;
}

function readVersion(value: string, of: 'layer' | 'function', refuse: Refuse): number | undefined {
  if (/^[1-9][0-9]*$/.test(value) && Number(value) <= Number.MAX_SAFE_INTEGER) return Number(value);
  refuse('--to-version', value, `must be a ${of} version number: a whole number from 1, such as 6`);
  return undefined;
}

type Values = { readonly [name in Option]?: string | boolean };

/** rollback: a layer to a version, or functions to a version or their previous one. */
function checkRollback(values: Values, problems: string[], refuse: Refuse, needs: (name: Option, what: string) => void): void {
  const { layer, function: fn, previous } = values;
  const toVersion = values['to-version'];
  if (layer !== undefined && fn !== undefined) {
    refuse('--function', fn, 'goes without --layer: roll back a layer (--layer <key> --to-version <n>) or functions (--function <key|all>), not both in one run');
  } else if (layer === undefined && fn === undefined) {
    problems.push('rollback needs --layer <key> (with --to-version <n>) or --function <key|all> (with --to-version <n> or --previous)');
  } else if (layer !== undefined) {
    if (previous) problems.push('--previous goes with --function: a layer rollback names the layer version with --to-version <n>');
    else needs('to-version', '<n>, the layer version to go back to');
  } else if (previous && toVersion !== undefined) {
    refuse('--to-version', toVersion, 'goes without --previous: rollback --function takes --to-version <n> or --previous, not both');
  } else if (!previous && toVersion === undefined) {
    problems.push('rollback --function needs --to-version <n>, the function version to go back to, or --previous');
  }
}

/** functions promote: all at once, or --canary or --linear with --interval. */
function checkPromote(values: Values, problems: string[], refuse: Refuse): void {
  const { canary, linear, interval } = values;
  if (canary !== undefined && linear !== undefined) {
    refuse('--linear', linear, 'goes without --canary: a promotion is a canary (<pct>% for the interval, then 100%) or linear (<pct>% more every interval), not both');
  } else if (canary !== undefined || linear !== undefined) {
    const name = canary !== undefined ? 'canary' : 'linear';
    if (interval === undefined) problems.push(`functions promote --${name} needs --interval <duration>, how long to watch the alarms at each step, such as 5m`);
  } else if (interval !== undefined) {
    refuse('--interval', interval, 'goes with --canary or --linear: a promotion all at once has no step to wait after');
  }
}

/** A share of traffic: a whole percentage from 1 to 99 (100 is the last step of every promotion). */
function readPercent(name: 'canary' | 'linear', value: string, refuse: Refuse): number | undefined {
  if (/^[1-9][0-9]?$/.test(value)) return Number(value);
  refuse(`--${name}`, value, 'must be a whole percentage from 1 to 99, the share of traffic on the new version, such as 10');
  return undefined;
}

function readDuration(value: string, refuse: Refuse): number | undefined {
  const ms = parseDuration(value);
  if (ms === undefined) refuse('--interval', value, DURATION_RULE);
  return ms;
}

/** A code package must be a zip archive that exists: anything else would fail after the upload. */
function checkPackage(file: string, resolved: string, refuse: Refuse): void {
  if (!file.endsWith('.zip')) return refuse('--package', file, 'must be a .zip file');
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) return refuse('--package', file, 'must be an existing file: no such file');
  const start = Buffer.alloc(4);
  const fd = fs.openSync(resolved, 'r');
  try {
    fs.readSync(fd, start, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  // a local file header, or the end record of an empty archive
  if (!['504b0304', '504b0506'].includes(start.toString('hex'))) refuse('--package', file, 'must be a zip archive; this file is not one');
}

function readFunctionKeys(list: string, refuse: Refuse): string[] {
  const keys = list.split(',').map((key) => key.trim());
  const empty = keys.flatMap((key, index) => (key === '' ? [index + 1] : []));
  if (empty.length > 0) refuse('--functions', list, `has an empty item (item ${empty.join(', ')}); give keys separated by commas, such as api,worker`);
  const twice = [...new Set(keys.filter((key, index) => key !== '' && keys.indexOf(key) !== index))];
  if (twice.length > 0) refuse('--functions', list, `names ${twice.join(', ')} more than once`);
  return keys;
}

/**
 * The checks that need the environment's manifest: the layer and function keys exist, a layer to
 * build has a build, a version ARN is a version of that layer. Throws a {@link UsageError}.
 */
export function checkAgainstManifest(request: ReleaseRequest, manifest: ReleaseManifest): void {
  const problems: string[] = [];
  const refuse = refuser(problems);
  const where = manifest.environment;
  if ('layer' in request) {
    const layer = manifest.layers[request.layer];
    if (!layer) {
      refuse('--layer', request.layer, `must be a layer of ${where}: ${Object.keys(manifest.layers).join(', ') || 'it has none'}`);
    } else if (request.command.startsWith('layer ') && !layer.build) {
      refuse('--layer', request.layer, `${layer.layerName} has no build in the release manifest of ${where} (set \`build\` on the layer in envs/)`);
    } else if ('versionArn' in request && request.versionArn !== undefined && unversioned(request.versionArn) !== layer.layerArn) {
      refuse('--version-arn', request.versionArn, `must be a version of the layer ${request.layer}: ${layer.layerArn}:<version>`);
    }
  }
  if ('functions' in request && request.functions) {
    const unknown = request.functions.filter((key) => !manifest.functions[key]);
    if (unknown.length > 0) {
      refuse('--functions', request.functions.join(','), `${unknown.join(', ')}: no such function in ${where}; functions: ${Object.keys(manifest.functions).join(', ')}`);
    }
  }
  if ('functionKey' in request && request.functionKey !== ALL_FUNCTIONS && !manifest.functions[request.functionKey]) {
    refuse('--function', request.functionKey, `must be a function of ${where}, or ${ALL_FUNCTIONS}: ${Object.keys(manifest.functions).join(', ')}`);
  }
  if ('strategy' in request && request.strategy.kind !== 'at once') {
    const keys = (request.functions ?? Object.keys(manifest.functions)).filter((key) => manifest.functions[key]);
    const unwatched = keys.filter((key) => manifest.functions[key].alarms.length === 0);
    if (unwatched.length > 0) {
      refuse(
        `--${request.strategy.kind}`,
        String(request.strategy.percent),
        `needs an alarm to watch on every function it promotes; the manifest of ${where} names none for ${unwatched.join(', ')} ` +
          '(each function\'s alarms: the errors alarm its stack creates, and those named in envs/; regenerate the manifest with npx cdktf synth)',
      );
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
}
