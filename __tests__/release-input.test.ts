import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseReleaseManifest, RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { deterministicZip } from '../core/deterministic-zip';
import { COMMANDS, readArguments } from '../release/arguments';
import { runRelease, USAGE, USAGE_HINT } from '../release/cli';
import { UsageError } from '../release/context';
import { tempDir } from './support/synth';

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
// The caller's account is the manifest's unless a test says otherwise.
const sts = mockClient(STSClient);
const cloudwatch = mockClient(CloudWatchClient);
const repo = path.resolve(__dirname, '..');
const STACKS = path.join('generated', 'stacks');
const FILE = path.join(STACKS, 'staging', RELEASE_MANIFEST_FILE);
const ACCOUNT = '111111111111';
const DEPS_ARN = `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps`;

let root: string;
let installs: number;

beforeEach(() => {
  lambda.reset();
  s3.reset();
  sts.reset();
  cloudwatch.reset();
  cloudwatch.onAnyCommand().resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
  // Every call would succeed: a refusal is the release command's own.
  lambda.onAnyCommand().resolves({});
  s3.onAnyCommand().resolves({});
  installs = 0;
  root = tempDir('release-input');
  fs.cpSync(path.join(repo, STACKS, 'staging'), path.join(root, STACKS, 'staging'), { recursive: true });
  fs.mkdirSync(path.join(root, 'backend', 'shared'), { recursive: true });
  fs.writeFileSync(path.join(root, 'backend', 'requirements.txt'), 'httpx==0.27.0\n');
  fs.writeFileSync(path.join(root, 'backend', 'poetry.lock'), '[[package]]\nname = "httpx"\n');
  fs.writeFileSync(path.join(root, 'backend', 'shared', 'db.py'), '');
  fs.writeFileSync(path.join(root, 'backend.zip'), deterministicZip([{ path: 'app/main.py', content: 'def handler(e, c):\n    return {}\n' }]));
  fs.writeFileSync(path.join(root, 'not-a-zip.zip'), 'just text');
  fs.writeFileSync(path.join(root, 'backend.tar'), 'tar');
});

async function release(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRelease(argv, {
    root,
    clients: () => ({ lambda: new LambdaClient({ region: 'us-west-2' }), s3: new S3Client({ region: 'us-west-2' }), sts: new STSClient({ region: 'us-west-2' }), cloudwatch: new CloudWatchClient({ region: 'us-west-2' }) }),
    sleep: async () => undefined,
    installer: async () => void installs++,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** AWS calls and pip installs the command made: none, when it refuses its input. */
const effects = () => [...lambda.calls(), ...s3.calls(), ...cloudwatch.calls()].map((call) => call.args[0].constructor.name).concat(installs ? ['pip install'] : []);

const staging = () => JSON.parse(fs.readFileSync(path.join(repo, FILE), 'utf8'));
const writeManifest = (text: string) => fs.writeFileSync(path.join(root, FILE), text);

type Manifest = ReturnType<typeof staging>;

/** The staging manifest with no alarm on these functions (every shipped function has its errors alarm). */
const withoutAlarms = (...keys: string[]) => {
  const manifest = staging();
  for (const key of keys) manifest.functions[key].alarms = [];
  writeManifest(JSON.stringify(manifest));
};

describe('a manifest that cannot be read stops the command before any AWS call', () => {
  // Each case: the manifest (an edit of staging's, or raw text), and every problem line expected.
  const cases: [string, string | ((m: Manifest) => void), string[]][] = [
    ['not JSON: a trailing comma', '{\n  "manifestVersion": 1,\n}', [':3:1: not valid JSON: Expected double-quoted property name in JSON at position 26']],
    ['not JSON: an empty file', '', [':1:1: not valid JSON: Unexpected end of JSON input']],
    ['a list, not an object', '[]', [': (document) = []: must be an object']],
    [
      'a manifest of another version',
      (m) => ((m.manifestVersion = 3), (m.layerSets = {})),
      [': manifestVersion = 3: must be 2, the version this release command reads; release with the command of the commit that wrote it, or regenerate it'],
    ],
    [
      'manifestVersion as a string',
      (m) => (m.manifestVersion = '2'),
      [': manifestVersion = "2": must be 2, the version this release command reads; release with the command of the commit that wrote it, or regenerate it'],
    ],
    ['no manifestVersion', (m) => delete m.manifestVersion, [': manifestVersion = undefined: is required']],
    [
      'an unknown top-level field',
      (m) => (m.generatedAt = '2024-01-01'),
      [': generatedAt = "2024-01-01": unknown field; the fields here are manifestVersion, environment, accountId, region, artifactsBucket, layers, functions'],
    ],
    ['no region', (m) => delete m.region, [': region = undefined: is required']],
    ['the account id as a number', (m) => (m.accountId = 111111111111), [': accountId = 111111111111: must be a non-empty string']],
    ['another environment in this directory', (m) => (m.environment = 'prod'), [': environment = "prod": must be "staging", the environment whose directory holds this manifest']],
    [
      'a bucket name S3 refuses',
      (m) => (m.artifactsBucket = 'Bookshelf_Artifacts'),
      [': artifactsBucket = "Bookshelf_Artifacts": must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit'],
    ],
    ['layers as a list', (m) => (m.layers = []), [': layers = []: must be an object of named entries']],
    ['a layer without its name', (m) => delete m.layers.deps.layerName, [': layers.deps.layerName = undefined: is required']],
    [
      'an unknown field on a layer',
      (m) => (m.layers.deps.version = 3),
      [': layers.deps.version = 3: unknown field; the fields here are layerName, layerArn, compatibleRuntimes, compatibleArchitectures, packagePrefix, build'],
    ],
    [
      'a layer ARN without a partition',
      (m) => (m.layers.deps.layerArn = `arn:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps`),
      [
        `: layers.deps.layerArn = "arn:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps": must be a layer ARN without a version: arn:<partition>:lambda:<region>:<account>:layer:<name>`,
      ],
    ],
    [
      'a layer ARN naming another layer',
      (m) => (m.layers.deps.layerArn = `${DEPS_ARN}-old`),
      [`: layers.deps.layerArn = "${DEPS_ARN}-old": must be the ARN of this layer in the manifest's region and account: ${DEPS_ARN}`],
    ],
    ['runtimes as a string', (m) => (m.layers.deps.compatibleRuntimes = 'python3.12'), [': layers.deps.compatibleRuntimes = "python3.12": must be a non-empty list of strings']],
    ['no runtimes', (m) => (m.layers['shared-code'].compatibleRuntimes = []), [': layers.shared-code.compatibleRuntimes = []: must be a non-empty list of strings']],
    [
      'an architecture Lambda does not have',
      (m) => (m.layers.deps.compatibleArchitectures = ['x86_64', 'arm']),
      [': layers.deps.compatibleArchitectures[1] = "arm": must be one of the supported architectures: x86_64, arm64'],
    ],
    [
      'a build of both kinds',
      (m) => (m.layers.deps.build.sourceDirectory = 'backend/shared'),
      [
        ': layers.deps.build = {"requirementsFile":"backend/requirements.txt","lockFile":"b... (115 characters as JSON): must be exactly one of {"requirementsFile": <path>, "lockFile": <path>?} or {"sourceDirectory": <path>}; it has both requirementsFile and sourceDirectory',
      ],
    ],
    [
      'a build of neither kind',
      (m) => (m.layers.deps.build = { requirements: 'backend/requirements.txt' }),
      [': layers.deps.build = {"requirements":"backend/requirements.txt"}: must be exactly one of {"requirementsFile": <path>, "lockFile": <path>?} or {"sourceDirectory": <path>}'],
    ],
    [
      'an unknown field on a build',
      (m) => (m.layers['shared-code'].build.exclude = ['tests']),
      [': layers.shared-code.build.exclude = ["tests"]: unknown field; the fields here are sourceDirectory'],
    ],
    [
      'a build path out of the repository',
      (m) => (m.layers.deps.build.lockFile = '../poetry.lock'),
      [': layers.deps.build.lockFile = "../poetry.lock": must be a path relative to the repository root, without ".." or empty parts'],
    ],
    ['a package prefix without its slash', (m) => (m.layers.deps.packagePrefix = 'layers/deps'), [': layers.deps.packagePrefix = "layers/deps": must be an S3 key prefix: not starting with "/", ending with "/"']],
    ['a function without its package prefix', (m) => delete m.functions['analysis-worker'].packagePrefix, [': functions.analysis-worker.packagePrefix = undefined: is required']],
    ['a function runtime Lambda does not have', (m) => (m.functions.api.runtime = 'python2.7'), [': functions.api.runtime = "python2.7": must be one of the supported runtimes: python3.9, python3.10, python3.11, python3.12, python3.13, nodejs18.x, nodejs20.x, nodejs22.x']],
    [
      'an all-digit alias name, which Lambda reads as a version',
      (m) => (m.functions.api.alias = '12'),
      [': functions.api.alias = "12": must be 1 to 128 letters, digits, hyphens and underscores, not all digits (an all-digit name reads as a version)'],
    ],
    ['a function without its alias', (m) => delete m.functions.api.alias, [': functions.api.alias = undefined: is required']],
    ['alarms as one name, not a list', (m) => (m.functions.api.alarms = 'api-errors'), [': functions.api.alarms = "api-errors": must be a list']],
    ['an empty alarm name', (m) => (m.functions.api.alarms = ['']), [': functions.api.alarms[0] = "": must be a non-empty string']],
    ['function layers as an object', (m) => (m.functions.api.layers = { deps: 1 }), [': functions.api.layers = {"deps":1}: must be a list']],
    ['a function naming a layer the manifest does not have', (m) => (m.functions.api.layers[1].layer = 'shared'), [': functions.api.layers[1].layer = "shared": must name a layer of this manifest: deps, shared-code']],
    [
      'a function layer of both kinds',
      (m) => (m.functions.api.layers[0].arn = `${DEPS_ARN}:3`),
      [`: functions.api.layers[0] = {"layer":"deps","arn":"${DEPS_ARN}:3"}: must be exactly one of {"layer": <key of layers>} or {"arn": <layer version ARN>}; it has both layer and arn`],
    ],
    [
      'a function layer ARN without a version',
      (m) => (m.functions.api.layers[0] = { arn: DEPS_ARN }),
      [`: functions.api.layers[0].arn = "${DEPS_ARN}": must be a layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>`],
    ],
    [
      'a function layer of another region',
      (m) => (m.functions.api.layers[0] = { arn: 'arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:52' }),
      [
        ': functions.api.layers[0].arn = "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:52": must be a layer of the manifest\'s region, us-west-2: functions attach layers of their own region only',
      ],
    ],
    [
      'two functions with one name',
      (m) => (m.functions.cleanup.functionName = 'bookshelf-staging-api'),
      [': functions.cleanup.functionName = "bookshelf-staging-api": must be unique; functions.api.functionName has it too'],
    ],
    [
      'several problems, all reported',
      (m) => {
        delete m.functions.api.runtime;
        m.functions['analysis-worker'].layers.push({ layer: 'dependencies' });
        m.layers.deps.extra = true;
      },
      [
        ': layers.deps.extra = true: unknown field; the fields here are layerName, layerArn, compatibleRuntimes, compatibleArchitectures, packagePrefix, build',
        ': functions.api.runtime = undefined: is required',
        ': functions.analysis-worker.layers[2].layer = "dependencies": must name a layer of this manifest: deps, shared-code',
      ],
    ],
  ];

  test.each(cases)('%s', async (_name, edit, problems) => {
    if (typeof edit === 'string') {
      writeManifest(edit);
    } else {
      const manifest = staging();
      edit(manifest);
      writeManifest(JSON.stringify(manifest, null, 2));
    }
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(1);
    const [headline, ...lines] = result.err.split('\n');
    expect(headline).toBe(
      `release layer build failed: ${FILE} is not a release manifest this command can read ` +
        `(${problems.length} problem${problems.length === 1 ? '' : 's'}; regenerate it with npx cdktf synth):`,
    );
    expect(lines).toEqual(problems.map((line) => `  ${FILE}${line}`));
    expect(effects()).toEqual([]);
  });

  test('with --json, the problems are in the document too', async () => {
    writeManifest('{');
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'deps', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: expect.stringContaining(`${FILE}:1:2: not valid JSON`) });
  });
});

describe('arguments that are unknown, malformed or misplaced are refused before any AWS call', () => {
  const zip = () => 'backend.zip'; // relative paths are read from the project root
  const options = '--env, --layer, --version-arn, --to-version, --package, --functions, --function, --previous, --canary, --linear, --interval, --concurrency, --source, --include, --out, --dry-run, --json, --help';
  // Each case: the arguments (a function when they name a file of the test), and the first line of the error.
  const cases: [string, string[] | (() => string[]), string][] = [
    ['an unknown option', ['layer', 'build', '--env', 'staging', '--layers', 'deps'], `--layers: unknown option; options: ${options}`],
    ['a boolean option given a value', ['layer', 'build', '--env', 'staging', '--layer', 'deps', '--dry-run=yes'], "Option '--dry-run' does not take an argument"],
    ['an option without its value', ['layer', 'build', '--env', 'staging', '--layer'], "Option '--layer <value>' argument missing"],
    ['no command', ['--env', 'staging'], 'no command; commands: layer build, layer publish, layer release, functions update, functions package, functions publish, functions promote, rollback'],
    ['an unknown command', ['layer', 'deploy', '--env', 'staging'], 'unknown command "layer deploy"; commands: layer build, layer publish, layer release, functions update, functions package, functions publish, functions promote, rollback'],
    ['an unexpected argument', ['layer', 'build', 'deps', '--env', 'staging', '--layer', 'deps'], 'arguments = ["deps"]: layer build takes options only, no further arguments'],
    ['a repeated option', ['layer', 'build', '--env', 'staging', '--layer', 'deps', '--layer', 'shared-code'], '--layer = ["deps","shared-code"]: is given 2 times; give it once'],
    ['no --env', ['layer', 'build', '--layer', 'deps'], '--env is required'],
    ['an empty --env', ['layer', 'build', '--env', '', '--layer', 'deps'], '--env = "": must not be empty'],
    [
      'an --env that is a path',
      ['layer', 'build', '--env', '../staging', '--layer', 'deps'],
      '--env = "../staging": must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter',
    ],
    [
      'an --env without a manifest',
      ['layer', 'build', '--env', 'qa', '--layer', 'deps'],
      `--env = "qa": has no release manifest at ${path.join(STACKS, 'qa', RELEASE_MANIFEST_FILE)}; environments with one: staging (run npx cdktf synth)`,
    ],
    ['no --layer', ['layer', 'publish', '--env', 'staging'], 'layer publish needs --layer <key>'],
    ['an unknown --layer', ['rollback', '--env', 'staging', '--layer', 'dependencies', '--to-version', '3'], '--layer = "dependencies": must be a layer of staging: deps, shared-code'],
    ['an empty --layer', ['layer', 'release', '--env', 'staging', '--layer', ' '], '--layer = " ": must not be empty'],
    ['--to-version with a fraction', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '6.5'], '--to-version = "6.5": must be a layer version number: a whole number from 1, such as 6'],
    ['--to-version 0', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '0'], '--to-version = "0": must be a layer version number: a whole number from 1, such as 6'],
    ['a negative --to-version', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version=-1'], '--to-version = "-1": must be a layer version number: a whole number from 1, such as 6'],
    ['--to-version in words', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', 'six'], '--to-version = "six": must be a layer version number: a whole number from 1, such as 6'],
    ['--to-version in exponent notation', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '1e3'], '--to-version = "1e3": must be a layer version number: a whole number from 1, such as 6'],
    ['an empty --to-version', ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', ''], '--to-version = "": must not be empty'],
    ['no --to-version', ['rollback', '--env', 'staging', '--layer', 'deps'], 'rollback needs --to-version <n>, the layer version to go back to'],
    [
      '--to-version on layer build',
      ['layer', 'build', '--env', 'staging', '--layer', 'deps', '--to-version', '3'],
      '--to-version = "3": layer build does not take this option (it takes --layer besides --env, --dry-run and --json)',
    ],
    [
      '--package on rollback',
      () => ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3', '--package', zip()],
      `--package = "backend.zip": rollback does not take this option (it takes --layer, --function, --to-version, --previous, --concurrency besides --env, --dry-run and --json)`,
    ],
    [
      'both --layer and --package',
      () => ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--package', zip()],
      'functions update takes --layer or --package, not both: release a layer and a code package in two runs',
    ],
    ['neither --layer nor --package', ['functions', 'update', '--env', 'staging', '--dry-run'], 'functions update needs --layer <key> or --package <zip>'],
    [
      '--functions with --layer',
      ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--functions', 'api'],
      '--functions = "api": goes with --package; with --layer, every function using the layer moves',
    ],
    ['--version-arn with --package', () => ['functions', 'update', '--env', 'staging', '--package', zip(), '--version-arn', `${DEPS_ARN}:3`], `--version-arn = "${DEPS_ARN}:3": goes with --layer, not --package`],
    [
      'a --version-arn that is not a layer version ARN',
      ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', DEPS_ARN],
      `--version-arn = "${DEPS_ARN}": must be a layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>`,
    ],
    [
      'a --version-arn of another layer',
      ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', `${DEPS_ARN}-old:3`],
      `--version-arn = "${DEPS_ARN}-old:3": must be a version of the layer deps: ${DEPS_ARN}:<version>`,
    ],
    [
      'a --version-arn of another account',
      ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', `${DEPS_ARN.replace(ACCOUNT, '222222222222')}:3`],
      `--version-arn = "${DEPS_ARN.replace(ACCOUNT, '222222222222')}:3": must be a version of the layer deps: ${DEPS_ARN}:<version>`,
    ],
    ['a --package that is not a .zip', () => ['functions', 'update', '--env', 'staging', '--package', 'backend.tar'], `--package = "backend.tar": must be a .zip file`],
    ['a --package that does not exist', () => ['functions', 'update', '--env', 'staging', '--package', 'dist.zip'], `--package = "dist.zip": must be an existing file: no such file`],
    [
      'a --package that is a directory',
      () => {
        fs.mkdirSync(path.join(root, 'dist.zip'));
        return ['functions', 'update', '--env', 'staging', '--package', 'dist.zip'];
      },
      `--package = "dist.zip": must be an existing file: no such file`,
    ],
    [
      'a --package that is not a zip archive',
      () => ['functions', 'update', '--env', 'staging', '--package', 'not-a-zip.zip'],
      `--package = "not-a-zip.zip": must be a zip archive; this file is not one`,
    ],
    [
      'unknown --functions, all of them named',
      () => ['functions', 'update', '--env', 'staging', '--package', zip(), '--functions', 'api,wrker,clean-up'],
      '--functions = "api,wrker,clean-up": wrker, clean-up: no such function in staging; functions: api, analysis-worker, eval-worker, cleanup',
    ],
    [
      'an empty item in --functions',
      () => ['functions', 'update', '--env', 'staging', '--package', zip(), '--functions', 'api,,worker,'],
      '--functions = "api,,worker,": has an empty item (item 2, 4); give keys separated by commas, such as api,worker',
    ],
    ['a function named twice in --functions', () => ['functions', 'update', '--env', 'staging', '--package', zip(), '--functions', 'api, worker,api'], '--functions = "api, worker,api": names api more than once'],
    ['an empty --functions', () => ['functions', 'update', '--env', 'staging', '--package', zip(), '--functions', ''], '--functions = "": must not be empty'],
    // functions publish, functions promote, rollback --function
    ['--canary on publish', ['functions', 'publish', '--env', 'staging', '--canary', '10'], '--canary = "10": functions publish does not take this option (it takes --functions, --concurrency besides --env, --dry-run and --json)'],
    ['an unknown function to publish', ['functions', 'publish', '--env', 'staging', '--functions', 'apu'], '--functions = "apu": apu: no such function in staging; functions: api, analysis-worker, eval-worker, cleanup'],
    [
      '--canary and --linear',
      ['functions', 'promote', '--env', 'staging', '--canary', '10', '--linear', '10', '--interval', '1m'],
      '--linear = "10": goes without --canary: a promotion is a canary (<pct>% for the interval, then 100%) or linear (<pct>% more every interval), not both',
    ],
    ['--canary without --interval', ['functions', 'promote', '--env', 'staging', '--canary', '10'], 'functions promote --canary needs --interval <duration>, how long to watch the alarms at each step, such as 5m'],
    ['--linear without --interval', ['functions', 'promote', '--env', 'staging', '--linear', '10'], 'functions promote --linear needs --interval <duration>, how long to watch the alarms at each step, such as 5m'],
    ['--interval alone', ['functions', 'promote', '--env', 'staging', '--interval', '5m'], '--interval = "5m": goes with --canary or --linear: a promotion all at once has no step to wait after'],
    ...['0', '100', '10.5', '5%', '1e1', '010'].map((value): [string, string[], string] => [
      `--canary ${value}`,
      ['functions', 'promote', '--env', 'staging', '--canary', value, '--interval', '5m'],
      `--canary = "${value}": must be a whole percentage from 1 to 99, the share of traffic on the new version, such as 10`,
    ]),
    ['--linear 150', ['functions', 'promote', '--env', 'staging', '--linear', '150', '--interval', '5m'], '--linear = "150": must be a whole percentage from 1 to 99, the share of traffic on the new version, such as 10'],
    ...['0s', '25h', '1441m', '86401s', '5', '5 m', '1d', '1.5h', 'm'].map((value): [string, string[], string] => [
      `--interval ${value}`,
      ['functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', value],
      `--interval = "${value}": must be a duration from 1s to 24h: a whole number followed by s, m or h, such as 30s, 5m or 1h`,
    ]),
    [
      'a canary of functions without alarms',
      () => (withoutAlarms('analysis-worker', 'api'), ['functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '24h', '--functions', 'analysis-worker,api']),
      "--canary = \"10\": needs an alarm to watch on every function it promotes; the manifest of staging names none for analysis-worker, api (each function's alarms: the errors alarm its stack creates, and those named in envs/; regenerate the manifest with npx cdktf synth)",
    ],
    [
      'a linear promotion of functions without alarms',
      () => (withoutAlarms('api', 'analysis-worker', 'eval-worker', 'cleanup'), ['functions', 'promote', '--env', 'staging', '--linear', '25', '--interval', '1s']),
      "--linear = \"25\": needs an alarm to watch on every function it promotes; the manifest of staging names none for api, analysis-worker, eval-worker, cleanup (each function's alarms: the errors alarm its stack creates, and those named in envs/; regenerate the manifest with npx cdktf synth)",
    ],
    [
      'rollback of a layer and a function',
      ['rollback', '--env', 'staging', '--layer', 'deps', '--function', 'api', '--to-version', '3'],
      '--function = "api": goes without --layer: roll back a layer (--layer <key> --to-version <n>) or functions (--function <key|all>), not both in one run',
    ],
    ['rollback --function without a version', ['rollback', '--env', 'staging', '--function', 'api'], 'rollback --function needs --to-version <n>, the function version to go back to, or --previous'],
    ['--to-version and --previous', ['rollback', '--env', 'staging', '--function', 'all', '--to-version', '3', '--previous'], '--to-version = "3": goes without --previous: rollback --function takes --to-version <n> or --previous, not both'],
    ['--previous on a layer rollback', ['rollback', '--env', 'staging', '--layer', 'deps', '--previous'], '--previous goes with --function: a layer rollback names the layer version with --to-version <n>'],
    ['a function version in words', ['rollback', '--env', 'staging', '--function', 'api', '--to-version', 'v3'], '--to-version = "v3": must be a function version number: a whole number from 1, such as 6'],
    ['an unknown --function', ['rollback', '--env', 'staging', '--function', 'apu', '--previous'], '--function = "apu": must be a function of staging, or all: api, analysis-worker, eval-worker, cleanup'],
    ['--function with several keys', ['rollback', '--env', 'staging', '--function', 'api,worker', '--previous'], '--function = "api,worker": names one function key, or all for every function; for some of them, run once per function'],
    ['an empty --function', ['rollback', '--env', 'staging', '--function', '', '--previous'], '--function = "": must not be empty'],
    ...['0', '101', '2.5', 'ten', '-1', '1e1'].map((value): [string, string[], string] => [
      `--concurrency ${value}`,
      ['functions', 'update', '--env', 'staging', '--layer', 'deps', `--concurrency=${value}`],
      `--concurrency = "${value}": must be a whole number from 1 to 100: how many functions are worked on at once (default 10)`,
    ]),
    [
      '--concurrency on layer build',
      ['layer', 'build', '--env', 'staging', '--layer', 'deps', '--concurrency', '4'],
      '--concurrency = "4": layer build does not take this option (it takes --layer besides --env, --dry-run and --json)',
    ],
    ['functions package without --source', ['functions', 'package', '--out', 'backend.zip'], 'functions package needs --source <dir>, the directory to package'],
    ['functions package without --out', ['functions', 'package', '--source', 'backend'], 'functions package needs --out <zip>, the file to write'],
    ['a --source that does not exist', ['functions', 'package', '--source', 'src', '--out', 'x.zip'], '--source = "src": must be an existing directory: no such directory'],
    ['a --source that is a file', ['functions', 'package', '--source', 'backend.zip', '--out', 'x.zip'], '--source = "backend.zip": must be a directory; this is a file'],
    ['an --out that is not a .zip', ['functions', 'package', '--source', 'backend', '--out', 'backend.tar'], '--out = "backend.tar": must be a .zip file'],
    [
      'an --out inside what is packaged',
      ['functions', 'package', '--source', 'backend', '--out', 'backend/shared/backend.zip'],
      '--out = "backend/shared/backend.zip": must not be inside what is packaged: the next package would contain this one',
    ],
    [
      'an --include naming an entry --source lacks',
      ['functions', 'package', '--source', 'backend', '--include', 'shared,app', '--out', 'x.zip'],
      '--include = "shared,app": app: no such entry in --source; it has poetry.lock, requirements.txt, shared',
    ],
    ['an --include with a path', ['functions', 'package', '--source', 'backend', '--include', 'shared/db.py', '--out', 'x.zip'], '--include = "shared/db.py": shared/db.py: must be names of entries directly in --source, not paths'],
    ['an --include naming a cache', ['functions', 'package', '--source', 'backend', '--include', 'shared,__pycache__', '--out', 'x.zip'], '--include = "shared,__pycache__": __pycache__: Python caches (__pycache__/, *.pyc) are never packaged'],
    ['an --include with an empty item', ['functions', 'package', '--source', 'backend', '--include', 'shared,', '--out', 'x.zip'], '--include = "shared,": has an empty item (item 2); give names separated by commas, such as app,lambdas'],
  ];

  test.each(cases)('%s', async (_name, argv, message) => {
    const result = await release(...(typeof argv === 'function' ? argv() : argv));
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0].replace(root, '<root>')).toBe(message);
    expect(result.err).toContain(USAGE_HINT);
    expect(result.err).not.toContain(USAGE);
    expect(result.err).not.toMatch(/^\s+at /m);
    expect(effects()).toEqual([]);
  });

  test('every problem with the arguments is reported at once', async () => {
    const result = await release('rollback', '--env', 'staging', '--to-version', 'six', '--functions', 'api', '--json', '--json');
    expect(result.code).toBe(2);
    expect(result.err.split('\n\n')[0].split('\n')).toEqual([
      '--json is given 2 times; give it once',
      '--functions = "api": rollback does not take this option (it takes --layer, --function, --to-version, --previous, --concurrency besides --env, --dry-run and --json)',
      'rollback needs --layer <key> (with --to-version <n>) or --function <key|all> (with --to-version <n> or --previous)',
      '--to-version = "six": must be a layer version number: a whole number from 1, such as 6',
    ]);
  });

  test('an option the command does not take is refused once, its value not checked further', async () => {
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '6', '--package', 'missing.zip');
    expect(result.code).toBe(2);
    expect(result.err.split('\n\n')[0].split('\n')).toEqual([
      '--package = "missing.zip": rollback does not take this option (it takes --layer, --function, --to-version, --previous, --concurrency besides --env, --dry-run and --json)',
    ]);
  });

  test('a layer without a build cannot be built', async () => {
    const manifest = staging();
    delete manifest.layers.deps.build;
    writeManifest(JSON.stringify(manifest));
    const result = await release('layer', 'release', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(
      '--layer = "deps": bookshelf-staging-deps has no build in the release manifest of staging (set `build` on the layer in envs/)',
    );
    expect(effects()).toEqual([]);
  });

  test('the usage names exactly the commands that take --concurrency', () => {
    const listed = /commands that work on several functions \(([^)]*)\)/.exec(USAGE)![1].replace(/\s+/g, ' ').split(', ');
    const taking = COMMANDS.filter((command) => {
      try {
        readArguments([...command.split(' '), '--env', 'staging', '--concurrency', '4'], root);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        return !error.message.includes('--concurrency = "4"');
      }
      return true;
    });
    expect(listed).toEqual([...taking]);
  });

  test.each([[['--help']], [['layer', 'build', '--help']], [['rollback', '--env', 'staging', '--help', '--to-version', 'six']]])(
    '%j prints the usage',
    async (argv) => {
      const result = await release(...argv);
      expect(result.code).toBe(0);
      expect(result.out).toBe(USAGE);
      expect(effects()).toEqual([]);
    },
  );

  test('functions package needs no --env, and an --out inside --source is fine when --include leaves it out', async () => {
    const result = await release('functions', 'package', '--source', 'backend', '--include', 'shared', '--out', 'backend/dist/backend.zip');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(root, 'backend', 'dist', 'backend.zip'))).toBe(true);
    expect(effects()).toEqual([]);
    expect(sts.calls()).toEqual([]);
  });

  test('well-formed arguments still run', async () => {
    const result = await release('functions', 'update', '--env', 'staging', '--package', zip(), '--functions', ' api ,analysis-worker', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out.split('\n').map((line) => line.split(' to s3:')[0])).toEqual([
      `[dry run] would upload ${path.join(root, zip())}`,
      `[dry run] would upload ${path.join(root, zip())}`,
    ]);
  });
});

test('the committed release manifests all parse', () => {
  const environments = fs.readdirSync(path.join(repo, STACKS)).filter((name) => fs.existsSync(path.join(repo, STACKS, name, RELEASE_MANIFEST_FILE)));
  expect(environments).toEqual(expect.arrayContaining(['prod', 'staging']));
  for (const environment of environments) {
    const file = path.join(STACKS, environment, RELEASE_MANIFEST_FILE);
    const text = fs.readFileSync(path.join(repo, file), 'utf8');
    expect(parseReleaseManifest(text, file, { environment })).toEqual(JSON.parse(text));
  }
});
