import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerBuild } from '../contract/release-manifest';
import { formatProblem, Problem, ValidationError } from '../core/problems';
import { PolicyStatement } from '../core/policy-document';
import { nearestNames } from '../core/nearest-name';
import { partitionOf, REGION_NAMES, REGIONS } from '../core/regions';
import { satisfies, RULES } from '../core/rules';
import { sandbox } from '../envs/examples/sandbox';
import { prod } from '../envs/prod';
import { staging } from '../envs/staging';
import { CleanupScope } from '../modules/cleanup-lambda';
import { LambdaFunctionProps } from '../modules/lambda-function';
import { LoggingSettings, VpcSettings } from '../modules/function-settings';
import { LambdaLayerProps } from '../modules/lambda-layer';
import { CleanupConfig, EnvironmentConfig, FunctionConfig, LayerConfig, LoggingConfig, PolicyStatementConfig } from '../stacks/environment-config';
import { runSynth, synthesize } from '../synth/synthesize';
import { readTree, tempDir } from './support/synth';

// Bad configs are plain data here, broken in ways the types would refuse: `cdktf synth` runs
// envs/ without type checking, so synth must refuse them itself.
type Json = any;

/** A deep copy of staging to break. */
const stagingCopy = (): Json => structuredClone(staging);

/** Renames a field, keeping its value: the typo a user makes. */
function rename(object: Json, from: string, to: string): void {
  object[to] = object[from];
  delete object[from];
}

// Output of an earlier good synth, which a refused synth must leave exactly as it was.
const scratch = tempDir('schema');
const outdir = path.join(scratch, 'cdktf.out');
const generatedDir = path.join(scratch, 'generated');
synthesize([staging], { outdir, generatedDir });
const earlier = { out: readTree(outdir), generated: readTree(generatedDir) };

/** Files added, removed or changed between two readings of a directory. */
function changedFiles(before: Record<string, Buffer>, after: Record<string, Buffer>): string[] {
  const files = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...files].filter((file) => !before[file] || !after[file] || !before[file].equals(after[file]));
}

/** The problems synth reports; fails if synth succeeds, crashes or changes any output. */
function refused(environments: Json[]): Problem[] {
  let problems: Problem[] | undefined;
  try {
    synthesize(environments as EnvironmentConfig[], { outdir, generatedDir });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems = [...error.problems];
  }
  expect(changedFiles(earlier.out, readTree(outdir))).toEqual([]);
  expect(changedFiles(earlier.generated, readTree(generatedDir))).toEqual([]);
  if (!problems) throw new Error('synth accepted the bad input');
  return problems;
}

/** What the app entry point prints and returns for these environments. */
function entryPoint(environments: Json[]): { exitCode: number; stderr: string } {
  const writes: string[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    return { exitCode: runSynth(environments as EnvironmentConfig[], { outdir, generatedDir }), stderr: writes.join('') };
  } finally {
    stderr.mockRestore();
  }
}

/** What a case synthesizes instead of the changed staging. */
class Environments {
  constructor(readonly list: Json) {}
}

/** A problem as the table states it: `code environment: field`. */
const brief = (p: Problem) => `${p.code} ${p.path}: ${p.field}`;

const lambdaArn = (partition: string, name: string) => `arn:${partition}:lambda:us-west-2:111111111111:function:${name}`;

describe('the environment schema refuses, before anything is built or written', () => {
  test.each<[string, (c: Json) => unknown, string[]]>([
    // Typos, at every level: the field as written, with the nearest known name.
    ['an environment field', (c) => rename(c, 'tags', 'tag'), ['unknown-field staging: tag']],
    ['a required environment field', (c) => rename(c, 'accountId', 'acountId'), ['unknown-field staging: acountId', 'missing-field staging: accountId']],
    ['a backend field', (c) => rename(c.backend, 'dynamodbTable', 'dynamoDbTable'), ['unknown-field staging: backend.dynamoDbTable']],
    ['a layer field', (c) => rename(c.layers.deps, 'compatibleRuntimes', 'compatibleRuntime'), ['unknown-field staging: layers.deps.compatibleRuntime']],
    ['a build field', (c) => rename(c.layers.deps.build, 'lockFile', 'lockfile'), ['unknown-field staging: layers.deps.build.lockfile']],
    ['a layer source field', (c) => (c.layers.deps.source = { s3Bucket: 'b-b-b', s3key: 'k' }), ['unknown-field staging: layers.deps.source.s3key', 'missing-field staging: layers.deps.source.s3Key']],
    ['memmorySize', (c) => (c.functions.api.memmorySize = 2048), ['unknown-field staging: functions.api.memmorySize']],
    ['enviromentVariables', (c) => rename(c.functions.api, 'environmentVariables', 'enviromentVariables'), ['unknown-field staging: functions.api.enviromentVariables']],
    ['layer for layers', (c) => rename(c.functions.api, 'layers', 'layer'), ['unknown-field staging: functions.api.layer']],
    ['reservedConcurrency', (c) => rename(c.functions['analysis-worker'], 'reservedConcurrentExecutions', 'reservedConcurrency'), ['unknown-field staging: functions.analysis-worker.reservedConcurrency']],
    ['timeOut', (c) => rename(c.functions['analysis-worker'], 'timeout', 'timeOut'), ['unknown-field staging: functions.analysis-worker.timeOut']],
    ['a cleanup prefix', (c) => rename(c.functions.cleanup.cleanup, 'prefix', 'prefx'), ['unknown-field staging: functions.cleanup.cleanup.prefx', 'missing-field staging: functions.cleanup.cleanup.prefix']],
    ['dryrun', (c) => rename(c.functions.cleanup.cleanup, 'dryRun', 'dryrun'), ['unknown-field staging: functions.cleanup.cleanup.dryrun']],
    ['a statement field', (c) => rename(c.functions.cleanup.policyStatements[0], 'resources', 'resource'), ['unknown-field staging: functions.cleanup.policyStatements[0].resource']],
    ['a code package field', (c) => (c.functions.api.codePackage = { fileName: 'a.zip', sourceCodeHash: 'x' }), ['unknown-field staging: functions.api.codePackage.fileName', 'missing-field staging: functions.api.codePackage.filename']],
    ['a field with no near name', (c) => (c.functions.api.concurrency = 3), ['unknown-field staging: functions.api.concurrency']],

    // Each required field missing.
    ['no name', (c) => void delete c.name, ['missing-field environments[0]: name']],
    ['no accountId', (c) => void delete c.accountId, ['missing-field staging: accountId']],
    ['no region', (c) => void delete c.region, ['missing-field staging: region']],
    ['no namePrefix', (c) => void delete c.namePrefix, ['missing-field staging: namePrefix']],
    ['no backend', (c) => void delete c.backend, ['missing-field staging: backend']],
    ['no backend bucket', (c) => void delete c.backend.bucket, ['missing-field staging: backend.bucket']],
    ['no artifactsBucket', (c) => void delete c.artifactsBucket, ['missing-field staging: artifactsBucket']],
    ['no handler', (c) => void delete c.functions['analysis-worker'].handler, ['missing-field staging: functions.analysis-worker.handler']],
    ['an undefined handler', (c) => (c.functions['analysis-worker'].handler = undefined), ['missing-field staging: functions.analysis-worker.handler']],
    ['no cleanup bucketName', (c) => void delete c.functions.cleanup.cleanup.bucketName, ['missing-field staging: functions.cleanup.cleanup.bucketName']],
    ['no statement actions', (c) => void delete c.functions.cleanup.policyStatements[0].actions, ['missing-field staging: functions.cleanup.policyStatements[0].actions']],
    ['no requirements file beside a lock file', (c) => (c.layers.deps.build = { lockFile: 'poetry.lock' }), ['missing-field staging: layers.deps.build.requirementsFile']],
    ['no code package hash', (c) => (c.functions.api.codePackage = { filename: 'a.zip' }), ['missing-field staging: functions.api.codePackage.sourceCodeHash']],
    ['an environment that is not there', () => new Environments([undefined]), ['missing-field environments[0]: environment']],
    ['environments that are not a list', () => new Environments(staging), ['wrong-type (app): environments']],

    // Wrong types.
    ['dryRun: "yes"', (c) => (c.functions.cleanup.cleanup.dryRun = 'yes'), ['wrong-type staging: functions.cleanup.cleanup.dryRun']],
    ['memory as a string', (c) => (c.functions.api.memorySize = '512'), ['wrong-type staging: functions.api.memorySize']],
    ['a fractional timeout', (c) => (c.functions.api.timeout = 30.5), ['wrong-type staging: functions.api.timeout']],
    ['fractional reserved concurrency', (c) => (c.functions['analysis-worker'].reservedConcurrentExecutions = 1.5), ['wrong-type staging: functions.analysis-worker.reservedConcurrentExecutions']],
    ['log retention as a string', (c) => (c.functions.api.cloudwatchLogsRetentionInDays = '14'), ['wrong-type staging: functions.api.cloudwatchLogsRetentionInDays']],
    ['skipDestroy: "false"', (c) => (c.layers.deps.skipDestroy = 'false'), ['wrong-type staging: layers.deps.skipDestroy']],
    ['useLockfile: 1', (c) => (c.backend.useLockfile = 1), ['wrong-type staging: backend.useLockfile']],
    ['an environment variable that is a number', (c) => (c.functions.api.environmentVariables = { LOG_LEVEL: 3 }), ['wrong-type staging: functions.api.environmentVariables.LOG_LEVEL']],
    ['a tag that is true', (c) => (c.tags = { 'Cost Center': true }), ['wrong-type staging: tags["Cost Center"]']],
    ['layers as one string', (c) => (c.functions.api.layers = 'deps'), ['wrong-type staging: functions.api.layers']],
    ['statements as an object', (c) => (c.functions.api.policyStatements = { actions: ['s3:GetObject'] }), ['wrong-type staging: functions.api.policyStatements']],
    ['the account id as a number', (c) => (c.accountId = 111111111111), ['wrong-type staging: accountId']],
    ['functions as a list', (c) => (c.functions = []), ['wrong-type staging: functions']],
    ['a condition value that is a number', (c) => (c.functions.cleanup.policyStatements[0].conditions = { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } }), ['wrong-type staging: functions.cleanup.policyStatements[0].conditions.NumericLessThan["aws:MultiFactorAuthAge"]']],
    ['an undefined resource', (c) => (c.functions.cleanup.policyStatements[0].resources = [undefined]), ['wrong-type staging: functions.cleanup.policyStatements[0].resources[0]']],

    // Enums, exactly.
    ['effect: "allow"', (c) => (c.functions.cleanup.policyStatements[0].effect = 'allow'), ['policy-effect staging: functions.cleanup.policyStatements[0].effect']],
    ['memory that is not a number at all', (c) => (c.functions.api.memorySize = Number.NaN), ['wrong-type staging: functions.api.memorySize']],
    ['a runtime in other case', (c) => (c.functions.api.runtime = 'Python3.12'), ['runtime staging: functions.api.runtime']],
    ['an unknown architecture', (c) => (c.functions.api.architecture = 'arm'), ['architecture staging: functions.api.architecture']],
    ['a lowercase tracing mode', (c) => (c.functions.api.tracingMode = 'active'), ['tracing-mode staging: functions.api.tracingMode']],
    ['a layer runtime', (c) => (c.layers.deps.compatibleRuntimes = ['python3.12', 'python2.7']), ['runtime staging: layers.deps.compatibleRuntimes[1]']],
    ['a layer architecture', (c) => (c.layers.deps.compatibleArchitectures = ['x86-64']), ['architecture staging: layers.deps.compatibleArchitectures[0]']],

    // Names AWS needs unique, defaults `<namePrefix>-<key>` included.
    ['two functions with one name', (c) => (c.functions.api.functionName = c.functions['analysis-worker'].functionName = 'bookshelf-staging-app'), ['function-name-taken staging: functions.analysis-worker.functionName']],
    ['a name that is another function\'s default', (c) => (c.functions['analysis-worker'].functionName = 'bookshelf-staging-api'), ['function-name-taken staging: functions.analysis-worker.functionName']],
    ['a default that is another function\'s name', (c) => (c.functions.api.functionName = 'bookshelf-staging-analysis-worker'), ['function-name-taken staging: functions.analysis-worker']],
    ['two function names that differ in case only (IAM role names do not)', (c) => (c.functions['analysis-worker'].functionName = 'bookshelf-staging-API'), ['function-name-taken staging: functions.analysis-worker.functionName']],
    ['two layers with one name', (c) => (c.layers['shared-code'].layerName = 'bookshelf-staging-deps'), ['layer-name-taken staging: layers.shared-code.layerName']],
    ['a function key that is a construct id', (c) => (c.functions.aws = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.aws']],
    ['a function key that is a layer output\'s id', (c) => (c.functions['deps-layer-arn'] = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.deps-layer-arn']],
    ['a function key that is another function\'s output id', (c) => (c.functions['api-function-name'] = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.api-function-name']],
    ['a function key that is another function\'s alias output id', (c) => (c.functions['api-function-alias-arn'] = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.api-function-alias-arn']],
    ['a function key that is a layer\'s id', (c) => (c.functions['deps-layer'] = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.deps-layer']],
    ['a function key that names an object property', (c) => (c.functions.constructor = { handler: 'app.main.handler' }), ['construct-id-taken staging: functions.constructor']],

    // ARNs and partitions, and references.
    ['a malformed function ARN in invokes', (c) => (c.functions.api.invokes = ['arn:aws:lambda:us-west-2:111111111111:scraper']), ['function-arn staging: functions.api.invokes[0]']],
    ['a malformed layer ARN', (c) => (c.functions.api.layers = ['deps', 'arn:aws:lambda:us-west-2:111111111111:layer:x']), ['layer-version-arn staging: functions.api.layers[1]']],
    ['a resource that is not an ARN', (c) => (c.functions.cleanup.policyStatements[0].resources = ['bookshelf-images-staging']), ['policy-resource staging: functions.cleanup.policyStatements[0].resources[0]']],
    ['a resource in an unknown partition', (c) => (c.functions.cleanup.policyStatements[0].resources = ['arn:aws-iso:s3:::b']), ['policy-resource staging: functions.cleanup.policyStatements[0].resources[0]']],
    ['a notResources entry that is not an ARN', (c) => (c.functions.cleanup.policyStatements[0] = { effect: 'Deny', actions: ['s3:DeleteObject'], notResources: ['books/*'] }), ['policy-resource staging: functions.cleanup.policyStatements[0].notResources[0]']],
    ['a function ARN in China from Oregon', (c) => (c.functions.api.invokes = [lambdaArn('aws-cn', 'x')]), ['arn-partition staging: functions.api.invokes[0]']],
    [
      'a resource in aws from GovCloud',
      (c) => (c.region = 'us-gov-west-1'),
      [
        'arn-partition staging: alarmTopicArn',
        'arn-partition staging: functions.api.policyStatements[0].resources[0]',
        'arn-partition staging: functions.api.policyStatements[0].resources[1]',
        'arn-partition staging: functions.cleanup.policyStatements[0].resources[0]',
      ],
    ],
    ['a state role in GovCloud from Oregon', (c) => (c.backend.roleArn = 'arn:aws-us-gov:iam::111111111111:role/state'), ['arn-partition staging: backend.roleArn']],
    ['an unknown layer key', (c) => (c.functions.api.layers = ['deps', 'shared']), ['unknown-reference staging: functions.api.layers[1]']],
    ['an unknown function key', (c) => (c.functions.api.invokes = ['workers']), ['unknown-reference staging: functions.api.invokes[0]']],

    // Regions, from the real list.
    ['us-wset-2', (c) => (c.region = 'us-wset-2'), ['region staging: region']],
    ['a region in capitals', (c) => (c.region = 'US-WEST-2'), ['region staging: region']],
    ['a region that does not exist', (c) => (c.region = 'eu-west-9'), ['region staging: region']],
    ['a backend region by its city', (c) => (c.backend.region = 'oregon'), ['region staging: backend.region']],

    // Build shapes: exactly one kind.
    ['an empty build', (c) => (c.layers.deps.build = {}), ['layer-build staging: layers.deps.build']],
    ['a build of both kinds', (c) => (c.layers.deps.build = { requirementsFile: 'r.txt', sourceDirectory: 'shared' }), ['layer-build staging: layers.deps.build']],
    ['a lock file beside a source directory', (c) => (c.layers.deps.build = { sourceDirectory: 'shared', lockFile: 'poetry.lock' }), ['layer-build staging: layers.deps.build']],
    ['a build that is a path', (c) => (c.layers.deps.build = 'backend/requirements.txt'), ['layer-build staging: layers.deps.build']],
    ['a build path that is a number', (c) => (c.layers.deps.build = { sourceDirectory: 1 }), ['wrong-type staging: layers.deps.build.sourceDirectory']],
    ['a mistyped build kind', (c) => (c.layers.deps.build = { requirementFile: 'r.txt' }), ['layer-build staging: layers.deps.build', 'unknown-field staging: layers.deps.build.requirementFile']],

    // Names and keys that become stack and construct ids.
    ['an environment name with a space', (c) => (c.name = 'my env'), ['environment-name my env: name']],
    ['an empty environment name', (c) => (c.name = ''), ['environment-name environments[0]: name']],
    ['an upper-case function key', (c) => rename(c.functions, 'api', 'API'), ['environment-key staging: functions.API']],
    ['an empty layer key', (c) => (c.layers[''] = {}), ['environment-key staging: layers[""]']],
  ])('%s', (_case, change, expected) => {
    const config = stagingCopy();
    const changed = change(config);
    const environments = changed instanceof Environments ? changed.list : [config];
    expect(refused(environments).map(brief)).toEqual(expected);
    const { exitCode, stderr } = entryPoint(environments);
    expect(exitCode).toBe(1);
    expect(stderr).not.toMatch(/^ {4}at /m); // no stack trace, only the problems
    expect(stderr.split('\n').filter((line) => line.startsWith('  - ')).length).toBe(expected.length);
  });

  test('messages name the field as written, the value and the rule, with the nearest name', () => {
    const config = stagingCopy();
    config.functions.api.memmorySize = 2048;
    config.functions.cleanup.cleanup.dryRun = 'yes';
    config.functions.cleanup.policyStatements[0].effect = 'allow';
    config.functions['analysis-worker'].handler = undefined;
    const otherProd = { ...stagingCopy(), name: 'prod', region: 'us-wset-2' };
    expect(refused([config, otherProd]).map(formatProblem)).toEqual([
      '[staging] staging: functions.api.memmorySize = 2048: unknown field; did you mean memorySize?',
      '[staging] staging: functions.analysis-worker.handler = undefined: is required (a string)',
      '[staging] staging: functions.cleanup.cleanup.dryRun = "yes": must be true or false, not a string',
      '[staging] staging: functions.cleanup.policyStatements[0].effect = "allow": must be "Allow" or "Deny", capitalised as IAM writes them; did you mean Allow?',
      '[prod] prod: region = "us-wset-2": must be an AWS region name such as us-west-2 or eu-central-1 (commercial, China or GovCloud); did you mean us-west-2?',
    ]);
  });

  test("the README's example output is what synth prints for its example", () => {
    const badStaging = stagingCopy();
    badStaging.functions.api.memmorySize = 2048;
    badStaging.functions.cleanup.cleanup.dryRun = 'yes';
    const badProd: Json = structuredClone(prod);
    badProd.functions.api.memorySize = 64;
    badProd.functions.api.invokes = ['analysis-workers'];
    const badSandbox = { ...structuredClone(sandbox), region: 'us-wset-2' };
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const shown = /<!-- output: the example in __tests__\/environment-schema.test.ts -->\n```\n([\s\S]*?)\n```/.exec(readme);
    expect(entryPoint([badStaging, badProd, badSandbox]).stderr).toBe(`${shown?.[1]}\n`);
  });

  test('a bad environment is not built, and the others still report their own problems', () => {
    const broken = { ...stagingCopy(), memmorySize: 1 };
    const fine = { ...stagingCopy(), name: 'prod', accountId: '222222222222', backend: { bucket: 'bookshelf-terraform-state-222222222222', dynamodbTable: 'locks' } };
    fine.functions.api.memorySize = 64;
    expect(refused([broken, fine]).map(brief)).toEqual(['unknown-field staging: memmorySize', 'memory-size prod/api: functions.api.memorySize']);
  });
});

describe('regions and partitions', () => {
  test('every region is in the rule and in one partition; the partition follows the region', () => {
    expect(REGION_NAMES.every((region) => satisfies(RULES.region, region))).toBe(true);
    expect(satisfies(RULES.region, 'us-wset-2')).toBe(false);
    expect(new Set(REGION_NAMES).size).toBe(REGION_NAMES.length);
    expect([partitionOf('us-west-2'), partitionOf('cn-north-1'), partitionOf('us-gov-west-1')]).toEqual(['aws', 'aws-cn', 'aws-us-gov']);
  });

  test('the region table agrees with the AWS SDK', () => {
    // The SDK's endpoint data knows every region by name (with a description) and its partition.
    const { partition } = require('@aws-sdk/core/client') as { partition: (region: string) => { name: string; description?: string } };
    for (const [name, regions] of Object.entries(REGIONS)) {
      for (const region of regions) expect({ region, ...partition(region) }).toMatchObject({ region, name, description: expect.any(String) });
    }
  });

  test.each([
    ['memmorySize', ['memorySize']],
    ['reservedConcurrency', ['reservedConcurrentExecutions']],
    ['us-wset-2', ['us-west-2']],
    ['US-WEST-2', ['us-west-2']],
    ['concurrency', []],
  ])('the nearest known name to %s', (word, expected) => {
    const known = ['memorySize', 'reservedConcurrentExecutions', 'timeout', 'us-west-1', 'us-west-2', 'us-east-1'];
    expect(nearestNames(word, known)).toEqual(expected);
  });
});

// The schema is the only statement of the config's fields: these fail to compile when a
// construct gains or loses a prop that the config does not follow.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
type Assignable<A, B> = [A] extends [B] ? true : false;
const drift: true[] = [
  // A function's config is the construct's props, except what the environment derives.
  // Triggers and failure handling are constructs of their own, wired by the stack.
  true satisfies SameKeys<
    Omit<FunctionConfig, 'invokes' | 'cleanup' | 'alias' | 'eventSources' | 'functionUrl' | 'schedules' | 'asyncInvoke'>,
    Omit<LambdaFunctionProps, 'lambdaInvokeArns' | 'partition' | 'aliasName' | 'alarmTopicArn'>
  >,
  true satisfies SameKeys<LayerConfig, LambdaLayerProps & { build?: unknown }>,
  true satisfies SameKeys<CleanupConfig, CleanupScope>,
  true satisfies Assignable<CleanupConfig, CleanupScope>,
  true satisfies Assignable<NonNullable<LayerConfig['build']>, LayerBuild>,
  true satisfies Assignable<LayerBuild, NonNullable<LayerConfig['build']>>,
  true satisfies Assignable<PolicyStatementConfig, PolicyStatement>,
  true satisfies SameKeys<PolicyStatementConfig, PolicyStatement>,
  true satisfies Assignable<NonNullable<FunctionConfig['vpc']>, VpcSettings>,
  true satisfies SameKeys<NonNullable<FunctionConfig['vpc']>, VpcSettings>,
  true satisfies Assignable<LoggingConfig, LoggingSettings>,
  true satisfies SameKeys<LoggingConfig, LoggingSettings>,
];

test('the config types follow the constructs (checked when this file compiles)', () => {
  expect(drift.every(Boolean)).toBe(true);
});
