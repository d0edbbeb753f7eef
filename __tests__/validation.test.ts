import * as fs from 'node:fs';
import * as path from 'node:path';
import { prod } from '../envs/prod';
import { staging } from '../envs/staging';
import { runSynth, synthesize } from '../synth/synthesize';
import { EnvironmentConfig, FunctionConfig } from '../stacks/environment-config';
import { formatProblem, Problem, ValidationError } from '../core/problems';
import { readTree, tempDir } from './support/synth';

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
type Config = Mutable<EnvironmentConfig> & { functions: Record<string, Mutable<FunctionConfig>> };

/** A deep copy of an environment to break. */
function copy(environment: EnvironmentConfig): Config {
  return structuredClone(environment) as Config;
}

/** The problems synth reports for these environments; fails if synth succeeds or writes anything. */
function problemsFor(environments: EnvironmentConfig[]): Problem[] {
  const outdir = path.join(tempDir('bad-input'), 'cdktf.out');
  try {
    synthesize(environments, { outdir });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(fs.existsSync(outdir)).toBe(false);
    return [...(error as ValidationError).problems];
  }
  throw new Error('synth accepted the bad input');
}

/** A problem as tests compare it: its stable code, where it was found and the field, `memory-size staging/api: functions.api.memorySize`. */
const where = (p: Problem) => `${p.code} ${p.path}: ${p.field}`;

/** Problems of a changed staging; rules between environments have tests of their own below. */
function stagingWith(change: (config: Config) => void): string[] {
  const config = copy(staging);
  change(config);
  return problemsFor([config]).map(where);
}

const layerArn = (n: number) => `arn:aws:lambda:us-west-2:111111111111:layer:extra-${n}:1`;

describe('synth-time validation', () => {
  test('the shipped environments are valid', () => {
    const outdir = path.join(tempDir('valid'), 'cdktf.out');
    expect(() => synthesize([staging, prod], { outdir })).not.toThrow();
  });

  test.each<[string, (c: Config) => void, string[]]>([
    ['memory below 128 MB', (c) => (c.functions.api.memorySize = 127), ['memory-size staging/api: functions.api.memorySize']],
    ['memory above 10240 MB', (c) => (c.functions.api.memorySize = 10241), ['memory-size staging/api: functions.api.memorySize']],
    ['fractional memory', (c) => (c.functions.api.memorySize = 512.5), ['wrong-type staging: functions.api.memorySize']],
    ['a zero timeout', (c) => (c.functions['analysis-worker'].timeout = 0), ['timeout staging/analysis-worker: functions.analysis-worker.timeout']],
    ['a timeout above 900 s', (c) => (c.functions['analysis-worker'].timeout = 901), ['timeout staging/analysis-worker: functions.analysis-worker.timeout']],
    [
      'more than 5 layers',
      (c) => (c.functions.api.layers = ['deps', 'shared-code', layerArn(1), layerArn(2), layerArn(3), layerArn(4)]),
      ['layers staging/api: functions.api.layers'],
    ],
    ['a function name over 64 characters', (c) => (c.functions.api.functionName = `api-${'x'.repeat(61)}`), ['function-name staging/api: functions.api.functionName']],
    ['a function name with other characters', (c) => (c.functions.api.functionName = 'bookshelf staging api'), ['function-name staging/api: functions.api.functionName']],
    ['a statement id IAM refuses', (c) => (c.functions.cleanup.policyStatements![0] = { ...c.functions.cleanup.policyStatements![0], sid: 'read it' }), ['statement-id staging/cleanup: functions.cleanup.policyStatements[0].sid']],
    ['a cleanup prefix that breaks a rule', (c) => (c.functions.cleanup.cleanup!.prefix = 'books'), ['prefix-trailing-slash staging/cleanup: functions.cleanup.cleanup.prefix']],
    ['a cleanup bucket name', (c) => (c.functions.cleanup.cleanup!.bucketName = 'Images_Bucket'), ['s3-bucket-name staging/cleanup: functions.cleanup.cleanup.bucketName']],
    ['a layer description over 256 characters', (c) => (c.layers!.deps.description = 'd'.repeat(257)), ['layer-description staging/deps-layer: layers.deps.description']],
    ['a layer name over 140 characters', (c) => (c.layers!.deps.layerName = 'd'.repeat(141)), ['layer-name staging/deps-layer: layers.deps.layerName']],
    ['a layer name with other characters', (c) => (c.layers!.deps.layerName = 'deps:v2'), ['layer-name staging/deps-layer: layers.deps.layerName']],
    ['an unsupported runtime', (c) => ((c.functions['analysis-worker'] as any).runtime = 'python2.7'), ['runtime staging: functions.analysis-worker.runtime']],
    [
      'a runtime the attached layers do not support',
      (c) => (c.functions['analysis-worker'].runtime = 'python3.13'),
      ['layer-runtime-mismatch staging/analysis-worker: functions.analysis-worker.layers[0]', 'layer-runtime-mismatch staging/analysis-worker: functions.analysis-worker.layers[1]'],
    ],
    [
      'an architecture the attached layers are not built for',
      (c) => {
        c.functions['analysis-worker'].architecture = 'arm64';
        c.functions['analysis-worker'].layers = ['deps'];
      },
      ['layer-architecture-mismatch staging/analysis-worker: functions.analysis-worker.layers[0]'],
    ],
    [
      'environment variables over 4 KB',
      (c) => (c.functions.api.environmentVariables = { LOG_LEVEL: 'INFO', BLOB: 'x'.repeat(4085) }),
      ['environment-size staging/api: functions.api.environmentVariables'],
    ],
    [
      'a reserved environment variable',
      (c) => (c.functions.api.environmentVariables = { AWS_REGION: 'us-east-1' }),
      ['reserved-environment-variable staging/api: functions.api.environmentVariables name'],
    ],
    [
      'an invalid environment variable name',
      (c) => (c.functions.api.environmentVariables = { 'LOG-LEVEL': 'INFO' }),
      ['environment-variable-name staging/api: functions.api.environmentVariables name'],
    ],
    ['a short account id', (c) => (c.accountId = '11111111111'), ['account-id staging: accountId']],
    ['a non-numeric account id', (c) => (c.accountId = 'staging-acct'), ['account-id staging: accountId']],
    ['a malformed region', (c) => ((c as any).region = 'us-west'), ['region staging: region']],
    ['a malformed backend region', (c) => ((c.backend as any).region = 'Oregon'), ['region staging: backend.region']],
    ['a python handler that is not module.function', (c) => (c.functions.api.handler = 'app/main'), ['python-handler staging/api: functions.api.handler']],
    ['an unsupported log retention', (c) => (c.functions.api.cloudwatchLogsRetentionInDays = 31), ['log-retention-days staging/api: functions.api.cloudwatchLogsRetentionInDays']],
    [
      'reserved concurrency below -1',
      (c) => (c.functions['analysis-worker'].reservedConcurrentExecutions = -2),
      ['reserved-concurrent-executions staging/analysis-worker: functions.analysis-worker.reservedConcurrentExecutions'],
    ],
    ['an unsupported tracing mode', (c) => ((c.functions.api as any).tracingMode = 'On'), ['tracing-mode staging: functions.api.tracingMode']],
    [
      'a wildcard action and an unscoped resource',
      (c) => (c.functions.api.policyStatements = [{ actions: ['s3:Get*'], resources: ['*'] }]),
      ['wildcard-action staging/api: functions.api.policyStatements[0].actions[0]', 'star-resource staging/api: functions.api.policyStatements[0].resources[0]'],
    ],
    [
      'the "*" action',
      (c) => (c.functions.api.policyStatements = [{ actions: ['*'], resources: ['arn:aws:s3:::bucket/*'] }]),
      ['wildcard-action staging/api: functions.api.policyStatements[0].actions[0]'],
    ],
    ['an unknown layer key', (c) => (c.functions.api.layers = ['deps', 'shared']), ['unknown-reference staging: functions.api.layers[1]']],
    ['an unknown function to invoke', (c) => (c.functions.api.invokes = ['workers']), ['unknown-reference staging: functions.api.invokes[0]']],
    [
      'a malformed layer ARN',
      (c) => (c.functions.api.layers = ['deps', 'arn:aws:lambda:us-west-2:111111111111:layer:extension']),
      ['layer-version-arn staging: functions.api.layers[1]'],
    ],
    [
      'a malformed function ARN',
      (c) => (c.functions.api.invokes = ['arn:aws:lambda:us-west-2:111111111111:scraper']),
      ['function-arn staging: functions.api.invokes[0]'],
    ],
    ['a layer attached twice', (c) => (c.functions.api.layers = ['deps', 'deps']), ['layer-attached-twice staging/api: functions.api.layers[1]']],
    ['an invalid state bucket', (c) => (c.backend.bucket = 'State_Bucket'), ['s3-bucket-name staging: backend.bucket']],
    ['a state key starting with /', (c) => (c.backend.key = '/staging.tfstate'), ['s3-key staging: backend.key']],
    ['an invalid lock table name', (c) => (c.backend.dynamodbTable = 'locks!'), ['dynamodb-table-name staging: backend.dynamodbTable']],
    ['a tag value over 256 characters', (c) => (c.tags = { Project: 'p'.repeat(257) }), ['tag-value staging: tags["Project"]']],
    ['an invalid function key', (c) => (c.functions.API = c.functions.api), ['environment-key staging: functions.API']],
    ['an all-digit alias name', (c) => (c.functions.api.alias = '2'), ['alias-name staging/api: functions.api.alias']],
    ['an empty alarm name', (c) => (c.functions.api.alarms = ['']), ['alarm-name staging/api: functions.api.alarms[0]']],
    ['the errors alarm named again', (c) => (c.functions.api.alarms = ['bookshelf-staging-api-errors']), ['alarm-is-errors-alarm staging: functions.api.alarms[0]']],
    ['an alarm named twice', (c) => (c.functions.api.alarms = ['latency', 'latency']), ['alarm-named-twice staging: functions.api.alarms[1]']],
    ['no provisioned instance', (c) => (c.functions.api.provisionedConcurrentExecutions = 0), ['provisioned-concurrent-executions staging/api: functions.api.provisionedConcurrentExecutions']],
    [
      'more provisioned than reserved concurrency',
      (c) => (c.functions['analysis-worker'].provisionedConcurrentExecutions = 3),
      ['provisioned-above-reserved staging/analysis-worker: functions.analysis-worker.provisionedConcurrentExecutions'],
    ],
    [
      'SnapStart on python3.11',
      (c) => {
        c.functions.api.runtime = 'python3.11';
        c.functions.api.layers = [];
        c.functions.api.snapStart = true;
      },
      ['snap-start-runtime staging/api: functions.api.snapStart'],
    ],
    [
      'SnapStart with provisioned concurrency',
      (c) => {
        c.functions.api.snapStart = true;
        c.functions.api.provisionedConcurrentExecutions = 1;
      },
      ['snap-start-with-provisioned-concurrency staging/api: functions.api.snapStart'],
    ],
  ])('rejects %s', (_case, change, expected) => {
    expect(stagingWith(change)).toEqual(expected);
  });

  test('a few messages in full: environment, where, field as written, value and rule, on one line', () => {
    const bad = copy(staging);
    bad.functions.api.memorySize = 64;
    bad.functions.api.invokes = ['arn:aws:lambda:us-west-2:111111111111:scraper'];
    (bad.functions.api as any).memmorySize = 2048;
    const badProd = { ...copy(prod), accountId: '42' };
    expect(problemsFor([bad]).map(formatProblem)).toEqual([
      '[staging] staging: functions.api.invokes[0] = "arn:aws:lambda:us-west-2:111111111111:scraper": must be a function ARN: arn:aws:lambda:<region>:<account>:function:<name>',
      '[staging] staging: functions.api.memmorySize = 2048: unknown field; did you mean memorySize?',
    ]);
    delete (bad.functions.api as any).memmorySize;
    bad.functions.api.invokes = ['analysis-worker'];
    expect(problemsFor([bad, badProd]).map(formatProblem)).toEqual([
      '[prod] prod: accountId = "42": must be a 12-digit AWS account id',
      '[staging] staging/api: functions.api.memorySize = 64: must be a whole number from 128 to 10240 MB',
    ]);
  });

  test('an invalid environment name is rejected before anything is built', () => {
    expect(problemsFor([{ ...copy(staging), name: 'Staging' }, prod]).map(where)).toEqual(['environment-name Staging: name']);
  });

  test('environments cannot share a name, an account or a state object', () => {
    const prodInStagingAccount = { ...copy(prod), accountId: staging.accountId, backend: { ...staging.backend } };
    const twin = { ...copy(staging), accountId: '333333333333', backend: { ...staging.backend, key: 'twin.tfstate' } };
    expect(problemsFor([staging, prodInStagingAccount, twin]).map(where)).toEqual([
      'environment-account-taken (app): prod: accountId',
      'environment-name-taken (app): staging: name',
    ]);
    const sameState = { ...copy(prod), backend: { ...prod.backend, bucket: staging.backend.bucket, key: 'bookshelf-staging/terraform.tfstate' } };
    expect(problemsFor([staging, sameState]).map(where)).toEqual(['environment-state-taken (app): prod: backend bucket/key']);
  });

  test('every problem in every environment is reported in one run', () => {
    const badStaging = copy(staging);
    badStaging.functions.api.memorySize = 64;
    badStaging.functions['analysis-worker'].timeout = 1000;
    const badProd = copy(prod);
    badProd.accountId = 'prod';
    badProd.layers!.deps.layerName = 'deps v2';
    const sandbox = { ...copy(staging), name: 'sandbox', accountId: '333333333333', region: 'moon-1', backend: { ...staging.backend, key: 'sandbox.tfstate' } };
    expect(problemsFor([badStaging, badProd, sandbox as EnvironmentConfig]).map(where)).toEqual([
      'account-id prod: accountId',
      'region sandbox: region',
      'memory-size staging/api: functions.api.memorySize',
      'timeout staging/analysis-worker: functions.analysis-worker.timeout',
      'layer-name prod/deps-layer: layers.deps.layerName',
    ]);
  });

  test('a failed synth leaves earlier output exactly as it was', () => {
    const outdir = path.join(tempDir('earlier-output'), 'cdktf.out');
    synthesize([staging, prod], { outdir });
    const before = readTree(outdir);
    const badProd = copy(prod);
    badProd.functions.api.memorySize = 64;
    expect(() => synthesize([staging, badProd], { outdir })).toThrow(ValidationError);
    expect(readTree(outdir)).toEqual(before);
  });

  test('the synth entry point prints every problem to stderr and exits 1', () => {
    const outdir = path.join(tempDir('entry-point'), 'cdktf.out');
    const badStaging = copy(staging);
    badStaging.accountId = '42';
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(runSynth([badStaging, prod], { outdir })).toBe(1);
      expect(stderr).toHaveBeenCalledWith(
        'Synthesis stopped: 1 problem found, nothing was written.\n' +
          '  - [staging] staging: accountId = "42": must be a 12-digit AWS account id\n',
      );
    } finally {
      stderr.mockRestore();
    }
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
