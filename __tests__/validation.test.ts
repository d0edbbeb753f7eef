import * as fs from 'node:fs';
import * as path from 'node:path';
import { prod } from '../envs/prod';
import { staging } from '../envs/staging';
import { runSynth, synthesize } from '../synth/synthesize';
import { EnvironmentConfig, FunctionConfig } from '../stacks/environment-config';
import { formatProblem, ValidationError } from '../core/problems';
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
function problemsFor(environments: EnvironmentConfig[]): string[] {
  const outdir = path.join(tempDir('bad-input'), 'cdktf.out');
  try {
    synthesize(environments, { outdir });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(fs.existsSync(outdir)).toBe(false);
    return (error as ValidationError).problems.map(formatProblem);
  }
  throw new Error('synth accepted the bad input');
}

/** Problems of a changed staging; rules between environments have tests of their own below. */
function stagingWith(change: (config: Config) => void): string[] {
  const config = copy(staging);
  change(config);
  return problemsFor([config]);
}

const layerArn = (n: number) => `arn:aws:lambda:us-west-2:111111111111:layer:extra-${n}:1`;

describe('synth-time validation', () => {
  test('the shipped environments are valid', () => {
    const outdir = path.join(tempDir('valid'), 'cdktf.out');
    expect(() => synthesize([staging, prod], { outdir })).not.toThrow();
  });

  test.each<[string, (c: Config) => void, string[]]>([
    ['memory below 128 MB', (c) => (c.functions.api.memorySize = 127), ['[staging] staging/api: memorySize = 127: must be a whole number from 128 to 10240 MB']],
    ['memory above 10240 MB', (c) => (c.functions.api.memorySize = 10241), ['[staging] staging/api: memorySize = 10241: must be a whole number from 128 to 10240 MB']],
    ['fractional memory', (c) => (c.functions.api.memorySize = 512.5), ['[staging] staging/api: memorySize = 512.5: must be a whole number from 128 to 10240 MB']],
    ['a zero timeout', (c) => (c.functions.worker.timeout = 0), ['[staging] staging/worker: timeout = 0: must be a whole number from 1 to 900 seconds']],
    ['a timeout above 900 s', (c) => (c.functions.worker.timeout = 901), ['[staging] staging/worker: timeout = 901: must be a whole number from 1 to 900 seconds']],
    [
      'more than 5 layers',
      (c) => (c.functions.api.layers = ['deps', 'shared-code', layerArn(1), layerArn(2), layerArn(3), layerArn(4)]),
      [
        '[staging] staging/api: layers = ["bookshelf-staging-deps","bookshelf-staging-shared-code","a... (6 items): must have at most 5 layers (the Lambda limit per function)',
      ],
    ],
    [
      'a function name over 64 characters',
      (c) => (c.functions.api.functionName = `api-${'x'.repeat(61)}`),
      [`[staging] staging/api: functionName = "api-${'x'.repeat(61)}": must be 1 to 64 characters, each a letter, digit, hyphen or underscore`],
    ],
    [
      'a function name with other characters',
      (c) => (c.functions.api.functionName = 'bookshelf staging api'),
      ['[staging] staging/api: functionName = "bookshelf staging api": must be 1 to 64 characters, each a letter, digit, hyphen or underscore'],
    ],
    [
      'a layer name over 140 characters',
      (c) => (c.layers!.deps.layerName = 'd'.repeat(141)),
      [`[staging] staging/deps-layer: layerName = "${'d'.repeat(59)}... (141 characters): must be 1 to 140 characters, each a letter, digit, hyphen or underscore`],
    ],
    [
      'a layer name with other characters',
      (c) => (c.layers!.deps.layerName = 'deps:v2'),
      ['[staging] staging/deps-layer: layerName = "deps:v2": must be 1 to 140 characters, each a letter, digit, hyphen or underscore'],
    ],
    [
      'an unsupported runtime',
      (c) => ((c.functions.worker as any).runtime = 'python2.7'),
      [
        '[staging] staging/worker: runtime = "python2.7": must be one of the supported runtimes: python3.9, python3.10, python3.11, python3.12, python3.13, nodejs18.x, nodejs20.x, nodejs22.x',
        "[staging] staging/worker: layers[0] = \"bookshelf-staging-deps\": layer is compatible with python3.12, not with the function's runtime python2.7",
        "[staging] staging/worker: layers[1] = \"bookshelf-staging-shared-code\": layer is compatible with python3.12, not with the function's runtime python2.7",
      ],
    ],
    [
      'a runtime the attached layers do not support',
      (c) => (c.functions.worker.runtime = 'python3.13'),
      [
        "[staging] staging/worker: layers[0] = \"bookshelf-staging-deps\": layer is compatible with python3.12, not with the function's runtime python3.13",
        "[staging] staging/worker: layers[1] = \"bookshelf-staging-shared-code\": layer is compatible with python3.12, not with the function's runtime python3.13",
      ],
    ],
    [
      'an architecture the attached layers are not built for',
      (c) => {
        c.functions.worker.architecture = 'arm64';
        c.functions.worker.layers = ['deps'];
      },
      ["[staging] staging/worker: layers[0] = \"bookshelf-staging-deps\": layer is built for x86_64, not for the function's architecture arm64"],
    ],
    [
      'environment variables over 4 KB',
      (c) => (c.functions.api.environmentVariables = { LOG_LEVEL: 'INFO', BLOB: 'x'.repeat(4085) }),
      ['[staging] staging/api: environmentVariables = "4102 bytes": names and values together must be at most 4096 bytes (the Lambda limit)'],
    ],
    [
      'a reserved environment variable',
      (c) => (c.functions.api.environmentVariables = { AWS_REGION: 'us-east-1' }),
      ['[staging] staging/api: environmentVariables name = "AWS_REGION": is reserved by Lambda and cannot be set'],
    ],
    [
      'an invalid environment variable name',
      (c) => (c.functions.api.environmentVariables = { 'LOG-LEVEL': 'INFO' }),
      ['[staging] staging/api: environmentVariables name = "LOG-LEVEL": must start with a letter and contain only letters, digits and underscores'],
    ],
    ['a short account id', (c) => (c.accountId = '11111111111'), ['[staging] staging: accountId = "11111111111": must be a 12-digit AWS account id']],
    ['a non-numeric account id', (c) => (c.accountId = 'staging-acct'), ['[staging] staging: accountId = "staging-acct": must be a 12-digit AWS account id']],
    ['a malformed region', (c) => (c.region = 'us-west'), ['[staging] staging: region = "us-west": must be an AWS region name such as us-west-2 or eu-central-1']],
    ['a malformed backend region', (c) => (c.backend.region = 'Oregon'), ['[staging] staging: backend.region = "Oregon": must be an AWS region name such as us-west-2 or eu-central-1']],
    [
      'a python handler that is not module.function',
      (c) => (c.functions.api.handler = 'app/main'),
      ['[staging] staging/api: handler = "app/main": must be <module>.<function> made of Python identifiers, such as app.main.handler'],
    ],
    [
      'an unsupported log retention',
      (c) => (c.functions.api.cloudwatchLogsRetentionInDays = 31),
      ['[staging] staging/api: cloudwatchLogsRetentionInDays = 31: must be one of the supported CloudWatch Logs retention periods (days): 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
    ],
    [
      'reserved concurrency below -1',
      (c) => (c.functions.worker.reservedConcurrentExecutions = -2),
      ['[staging] staging/worker: reservedConcurrentExecutions = -2: must be a whole number of at least -1 (-1 means unreserved, 0 stops the function)'],
    ],
    [
      'an unsupported tracing mode',
      (c) => ((c.functions.api as any).tracingMode = 'On'),
      ['[staging] staging/api: tracingMode = "On": must be one of the supported tracing modes: PassThrough, Active'],
    ],
    [
      'a wildcard action and an unscoped resource',
      (c) => (c.functions.api.policyStatements = [{ actions: ['s3:Get*'], resources: ['*'] }]),
      [
        '[staging] staging/api: policyStatements[0].actions[0] = "s3:Get*": wildcard actions are not allowed; name each action exactly',
        '[staging] staging/api: policyStatements[0].resources[0] = "*": "*" is only allowed for actions without resource-level permissions; scope s3:Get* to named resources',
      ],
    ],
    [
      'the "*" action',
      (c) => (c.functions.api.policyStatements = [{ actions: ['*'], resources: ['arn:aws:s3:::bucket/*'] }]),
      ['[staging] staging/api: policyStatements[0].actions[0] = "*": wildcard actions are not allowed; name each action exactly'],
    ],
    [
      'an unknown layer key',
      (c) => (c.functions.api.layers = ['deps', 'shared']),
      ["[staging] staging: functions.api.layers[1] = \"shared\": must be an ARN or the key of one of this environment's layers (deps, shared-code)"],
    ],
    [
      'an unknown function to invoke',
      (c) => (c.functions.api.invokes = ['workers']),
      ["[staging] staging: functions.api.invokes[0] = \"workers\": must be an ARN or the key of one of this environment's functions (api, worker, cleanup)"],
    ],
    [
      'a malformed layer ARN',
      (c) => (c.functions.api.layers = ['deps', 'arn:aws:lambda:us-west-2:111111111111:layer:extension']),
      ['[staging] staging/api: layers[1] = "arn:aws:lambda:us-west-2:111111111111:layer:extension": must be a layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>'],
    ],
    [
      'a malformed function ARN',
      (c) => (c.functions.api.invokes = ['arn:aws:lambda:us-west-2:111111111111:scraper']),
      ['[staging] staging/api: lambdaInvokeArns[0] = "arn:aws:lambda:us-west-2:111111111111:scraper": must be a function ARN: arn:aws:lambda:<region>:<account>:function:<name>'],
    ],
    [
      'a layer attached twice',
      (c) => (c.functions.api.layers = ['deps', 'deps']),
      ['[staging] staging/api: layers[1] = "bookshelf-staging-deps": is attached twice; attach each layer once'],
    ],
    [
      'an invalid state bucket',
      (c) => (c.backend.bucket = 'State_Bucket'),
      ['[staging] staging: backend.bucket = "State_Bucket": must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit'],
    ],
    [
      'a state key starting with /',
      (c) => (c.backend.key = '/staging.tfstate'),
      ['[staging] staging: backend.key = "/staging.tfstate": must be a non-empty S3 object key that does not start with "/"'],
    ],
    [
      'an invalid lock table name',
      (c) => (c.backend.dynamodbTable = 'locks!'),
      ['[staging] staging: backend.dynamodbTable = "locks!": must be a DynamoDB table name: 3 to 255 letters, digits, underscores, dots and hyphens'],
    ],
    [
      'a tag value over 256 characters',
      (c) => (c.tags = { Project: 'p'.repeat(257) }),
      [`[staging] staging: tags["Project"] = "${'p'.repeat(59)}... (257 characters): must be at most 256 characters long`],
    ],
    [
      'an invalid function key',
      (c) => (c.functions.API = c.functions.api),
      ['[staging] staging: functions key = "API": must be 1 to 40 lowercase letters, digits and hyphens, starting with a letter'],
    ],
  ])('rejects %s', (_case, change, expected) => {
    expect(stagingWith(change)).toEqual(expected);
  });

  test('an invalid environment name is rejected', () => {
    expect(problemsFor([{ ...copy(staging), name: 'Staging' }, prod])).toEqual([
      '[Staging] Staging: name = "Staging": must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter',
    ]);
  });

  test('environments cannot share a name, an account or a state object', () => {
    const prodInStagingAccount = { ...copy(prod), accountId: staging.accountId, backend: { ...staging.backend } };
    const twin = { ...copy(staging), accountId: '333333333333', backend: { ...staging.backend, key: 'twin.tfstate' } };
    expect(problemsFor([staging, prodInStagingAccount, twin])).toEqual([
      '[all environments] (app): prod: accountId = "111111111111": each environment needs its own AWS account, so allowed_account_ids keeps one environment from being applied to another; environment "staging" uses it already',
      '[all environments] (app): staging: name = "staging": each environment needs its own name; environment "staging" uses it already',
    ]);
    const sameState = { ...copy(prod), backend: { ...prod.backend, bucket: staging.backend.bucket, key: 'bookshelf-staging/terraform.tfstate' } };
    expect(problemsFor([staging, sameState])).toEqual([
      '[all environments] (app): prod: backend bucket/key = "s3://bookshelf-terraform-state-111111111111/bookshelf-staging/terraform.tfstate": each environment needs its own state object (and so its own lock entry); environment "staging" uses it already',
    ]);
  });

  test('every problem in every environment is reported in one run', () => {
    const badStaging = copy(staging);
    badStaging.functions.api.memorySize = 64;
    badStaging.functions.worker.timeout = 1000;
    const badProd = copy(prod);
    badProd.region = 'moon-1';
    badProd.layers!.deps.layerName = 'deps v2';
    expect(problemsFor([badStaging, badProd])).toEqual([
      '[staging] staging/api: memorySize = 64: must be a whole number from 128 to 10240 MB',
      '[staging] staging/worker: timeout = 1000: must be a whole number from 1 to 900 seconds',
      '[prod] prod: region = "moon-1": must be an AWS region name such as us-west-2 or eu-central-1',
      '[prod] prod/deps-layer: layerName = "deps v2": must be 1 to 140 characters, each a letter, digit, hyphen or underscore',
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
