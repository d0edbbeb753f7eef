import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from '../core/policy-document';
import { formatProblem, Problem, ValidationError } from '../core/problems';
import { FUNCTION_SETTINGS_PAIR_RULES, FUNCTION_SETTINGS_RULES, VPC_ACCESS_STATEMENTS } from '../modules/function-settings';
import { LambdaFunction } from '../modules/lambda-function';
import { EnvironmentConfig, FunctionConfig } from '../stacks/environment-config';
import { synthesize } from '../synth/synthesize';
import { decide, policiesOfRole } from './support/iam-simulator';
import { BAD_INPUTS } from './support/module-bad-inputs';
import { messagesOf, onlyResource, resourcesOf, synthJson, tempDir, testStack } from './support/synth';

const SUBNET_A = 'subnet-0123456789abcdef0';
const SUBNET_B = 'subnet-0fedcba9876543210';
const GROUP = 'sg-0123456789abcdef0';
const KEY = 'arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
const LOGS_KEY = 'arn:aws:kms:us-west-2:111111111111:key/mrk-0123456789abcdef0123456789abcdef';

/** A small environment of its own: one function, `api`, with the settings given. */
function environment(api: Partial<FunctionConfig> = {}): EnvironmentConfig {
  return {
    name: 'staging',
    accountId: '111111111111',
    region: 'us-west-2',
    namePrefix: 'team-staging',
    backend: { bucket: 'team-terraform-state', useLockfile: true },
    artifactsBucket: 'team-artifacts-staging',
    functions: { api: { handler: 'app.main.handler', ...api } },
  };
}

/** The synthesized stack of an environment. */
function stackOf(config: EnvironmentConfig): any {
  const outdir = path.join(tempDir('settings'), 'cdktf.out');
  synthesize([config], { outdir });
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', config.name, 'cdk.tf.json'), 'utf8'));
}

/** Every problem synth reports for an environment, in words; fails if synth succeeds. */
function problemsOf(config: EnvironmentConfig): Problem[] {
  const outdir = path.join(tempDir('bad-settings'), 'cdktf.out');
  try {
    synthesize([config], { outdir });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(fs.existsSync(outdir)).toBe(false);
    return [...(error as ValidationError).problems];
  }
  throw new Error('synth accepted the bad input');
}

const vpcStatement = {
  Sid: 'ManageNetworkInterfaces',
  Effect: 'Allow',
  Action: [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ],
  Resource: '*',
};

describe('a function in a VPC', () => {
  const stack = stackOf(environment({ vpc: { subnetIds: [SUBNET_A, SUBNET_B], securityGroupIds: [GROUP] } }));
  const fn = stack.resource.aws_lambda_function.api_function;

  test('has the subnets and security groups as written', () => {
    expect(fn.vpc_config).toEqual({ subnet_ids: [SUBNET_A, SUBNET_B], security_group_ids: [GROUP] });
  });

  test('its role gets the network interface actions of AWSLambdaVPCAccessExecutionRole, on "*" (no resource-level permissions)', () => {
    const { '//': _metadata, ...policy } = stack.resource.aws_iam_role_policy.api_vpc_policy;
    expect(policy).toEqual({
      name: 'vpc',
      role: '${aws_iam_role.api_role.id}',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [vpcStatement] }),
    });
    for (const action of VPC_ACCESS_STATEMENTS[0].actions) expect(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action)).toBe(true);
  });

  test('is created after that policy: Lambda checks on create that the role can manage network interfaces', () => {
    expect(fn.depends_on).toEqual(['aws_cloudwatch_log_group.api_log_group', 'aws_iam_role_policy.api_logs_policy', 'aws_iam_role_policy.api_vpc_policy']);
  });

  test('the role may create network interfaces (IAM simulator)', async () => {
    const policies = policiesOfRole(stack, 'api_role');
    expect(await decide(policies, 'ec2:CreateNetworkInterface', 'arn:aws:ec2:us-west-2:111111111111:network-interface/*')).toBe('Allowed');
    expect(await decide(policies, 'ec2:DescribeSubnets', '*')).toBe('Allowed');
    expect(await decide(policies, 'ec2:RunInstances', 'arn:aws:ec2:us-west-2:111111111111:instance/*')).toBe('ImplicitlyDenied');
  });
});

describe('structured logs', () => {
  test('logging with levels: JSON into the function\'s own log group', () => {
    const stack = stackOf(environment({ logging: { applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN' } }));
    expect(stack.resource.aws_lambda_function.api_function.logging_config).toEqual({
      log_format: 'JSON',
      application_log_level: 'DEBUG',
      system_log_level: 'WARN',
      log_group: '${aws_cloudwatch_log_group.api_log_group.name}',
    });
  });

  test('logging: {} is JSON with Lambda\'s levels', () => {
    const stack = stackOf(environment({ logging: {} }));
    expect(stack.resource.aws_lambda_function.api_function.logging_config).toEqual({
      log_format: 'JSON',
      log_group: '${aws_cloudwatch_log_group.api_log_group.name}',
    });
  });

  test('format Text: no levels', () => {
    const stack = stackOf(environment({ logging: { format: 'Text' } }));
    expect(stack.resource.aws_lambda_function.api_function.logging_config).toEqual({
      log_format: 'Text',
      log_group: '${aws_cloudwatch_log_group.api_log_group.name}',
    });
  });
});

test('KMS keys: the function\'s environment variables and its log group', () => {
  const stack = stackOf(environment({ kmsKeyArn: KEY, logsKmsKeyArn: LOGS_KEY }));
  expect(stack.resource.aws_lambda_function.api_function.kms_key_arn).toBe(KEY);
  expect(stack.resource.aws_cloudwatch_log_group.api_log_group.kms_key_id).toBe(LOGS_KEY);
});

test('ephemeral storage: /tmp of the size given', () => {
  const stack = stackOf(environment({ ephemeralStorageSize: 10240 }));
  expect(stack.resource.aws_lambda_function.api_function.ephemeral_storage).toEqual({ size: 10240 });
});

test('none of it unless given: no blocks, no keys, no VPC policy', () => {
  const stack = testStack();
  new LambdaFunction(stack, 'api', { functionName: 'team-api', handler: 'app.main.handler' });
  const json = synthJson(stack);
  const fn = onlyResource(json, 'aws_lambda_function');
  for (const attribute of ['vpc_config', 'logging_config', 'kms_key_arn', 'ephemeral_storage']) expect(fn[attribute]).toBeUndefined();
  expect(onlyResource(json, 'aws_cloudwatch_log_group').kms_key_id).toBeUndefined();
  expect(Object.values<any>(resourcesOf(json, 'aws_iam_role_policy')).map((p) => p.name)).toEqual(['logs']);
  expect(fn.depends_on).toHaveLength(2);
  expect(messagesOf(stack)).toEqual([]);
});

describe('bad settings are refused at synth, naming the field as written, the value and the rule', () => {
  const R = FUNCTION_SETTINGS_RULES;
  const vpc = (subnetIds: string[], securityGroupIds: string[]) => ({ vpc: { subnetIds, securityGroupIds } });
  test.each<[string, Partial<FunctionConfig>, string[]]>([
    ['no subnets', vpc([], [GROUP]), ['[staging] staging/api: functions.api.vpc.subnetIds = []: must have 1 to 16 subnet ids']],
    [
      'more than 16 subnets',
      vpc(Array.from({ length: 17 }, (_, i) => `subnet-${String(i).padStart(8, '0')}`), [GROUP]),
      [expect.stringMatching(/^\[staging\] staging\/api: functions\.api\.vpc\.subnetIds = .*: must have 1 to 16 subnet ids$/) as unknown as string],
    ],
    [
      'a subnet name instead of its id',
      vpc(['private-a', SUBNET_B], [GROUP]),
      ['[staging] staging/api: functions.api.vpc.subnetIds[0] = "private-a": must be a subnet id: subnet- and 8 to 17 hexadecimal digits, such as subnet-0123456789abcdef0'],
    ],
    ['no security groups', vpc([SUBNET_A], []), ['[staging] staging/api: functions.api.vpc.securityGroupIds = []: must have 1 to 5 security group ids']],
    [
      'a security group name instead of its id',
      vpc([SUBNET_A], [GROUP, 'default']),
      ['[staging] staging/api: functions.api.vpc.securityGroupIds[1] = "default": must be a security group id: sg- and 8 to 17 hexadecimal digits, such as sg-0123456789abcdef0'],
    ],
    [
      'a log level with the Text format',
      { logging: { format: 'Text', applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN' } },
      [
        '[staging] staging/api: functions.api.logging.applicationLogLevel = "DEBUG": log levels only apply to the JSON log format: leave the level out, or use JSON',
        '[staging] staging/api: functions.api.logging.systemLogLevel = "WARN": log levels only apply to the JSON log format: leave the level out, or use JSON',
      ],
    ],
    [
      'a key alias for the environment variables',
      { kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:alias/lambda' },
      ['[staging] staging/api: functions.api.kmsKeyArn = "arn:aws:kms:us-west-2:111111111111:alias/lambda": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)'],
    ],
    [
      'a key id for the logs',
      { logsKmsKeyArn: '0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e' },
      ['[staging] staging/api: functions.api.logsKmsKeyArn = "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)'],
    ],
    [
      'a key in another partition',
      { kmsKeyArn: KEY.replace('arn:aws:', 'arn:aws-us-gov:'), logsKmsKeyArn: LOGS_KEY.replace('arn:aws:', 'arn:aws-cn:') },
      [
        `[staging] staging: functions.api.kmsKeyArn = "${KEY.replace('arn:aws:', 'arn:aws-us-gov:')}": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-us-gov:…`,
        `[staging] staging: functions.api.logsKmsKeyArn = "${LOGS_KEY.replace('arn:aws:', 'arn:aws-cn:')}": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-cn:…`,
      ],
    ],
    ['a /tmp below 512 MB', { ephemeralStorageSize: 511 }, ['[staging] staging/api: functions.api.ephemeralStorageSize = 511: must be a whole number from 512 to 10240 MB']],
    ['a /tmp above 10240 MB', { ephemeralStorageSize: 10241 }, ['[staging] staging/api: functions.api.ephemeralStorageSize = 10241: must be a whole number from 512 to 10240 MB']],
  ])('%s', (_case, api, expected) => {
    expect(problemsOf(environment(api)).map(formatProblem)).toEqual(expected);
  });

  test('a VPC needs both lists (the schema), and a log format Lambda knows', () => {
    const problems = problemsOf(environment({ vpc: { subnetIds: [SUBNET_A] } as any, logging: { format: 'json' as any } }));
    expect(problems.map((p) => `${p.code} ${p.field}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ functions\.api\.vpc\.securityGroupIds$/), 'log-format functions.api.logging.format']),
    );
    expect(problems).toHaveLength(2);
  });

  test('the generated modules refuse the same values with the same words', () => {
    // A list's item rule reads "every item must ..." in a module, where the variable is the whole list.
    const moduleRule = (variable: string) =>
      BAD_INPUTS.filter((input) => input.module === 'lambda' && input.variable === variable).map((input) =>
        input.message.replace(/^\S+ = ("[^"]*"|\[[^\]]*\]|[^ ]+): /, '').replace(/^every item /, '').replace(/\.$/, ''),
      );
    const synthRule = (api: Partial<FunctionConfig>) => problemsOf(environment(api)).map((p) => p.rule);
    expect(moduleRule('vpc_subnet_ids')).toEqual(
      expect.arrayContaining([...synthRule(vpc([], [GROUP])), ...synthRule(vpc(['private-a'], [GROUP])), FUNCTION_SETTINGS_PAIR_RULES.vpcBothOrNeither.text]),
    );
    expect(moduleRule('vpc_security_group_ids')).toEqual([...synthRule(vpc([SUBNET_A], [])), ...synthRule(vpc([SUBNET_A], ['default']))]);
    expect(moduleRule('logging_application_log_level')).toContain(synthRule({ logging: { format: 'Text', applicationLogLevel: 'DEBUG' } })[0]);
    expect(moduleRule('logging_system_log_level')).toContain(synthRule({ logging: { format: 'Text', systemLogLevel: 'WARN' } })[0]);
    const otherRegionKey = 'arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
    expect(moduleRule('kms_key_arn')).toEqual([...synthRule({ kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:alias/lambda' }), ...synthRule({ kmsKeyArn: otherRegionKey })]);
    expect(moduleRule('cloudwatch_logs_kms_key_id')).toEqual([
      ...synthRule({ logsKmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:alias/logs' }),
      ...synthRule({ logsKmsKeyArn: otherRegionKey }),
    ]);
    expect(new Set(moduleRule('ephemeral_storage_size'))).toEqual(new Set(synthRule({ ephemeralStorageSize: 511 })));
    expect(R.ephemeralStorageSize).toMatchObject({ min: 512, max: 10240 });
  });
});

describe('the generated function modules', () => {
  const modules = ['lambda', 'cleanup-lambda'].map((name) => [
    name,
    JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'generated', 'modules', name, 'main.tf.json'), 'utf8')),
  ]);

  test.each(modules)('%s: the function depends on the vpc policy, which exists when vpc_subnet_ids is given', (_name, module) => {
    expect(module.resource.aws_lambda_function.lambda_function.depends_on).toContain('aws_iam_role_policy.lambda_vpc_policy');
    expect(module.resource.aws_iam_role_policy.lambda_vpc_policy).toEqual({
      count: '${var.vpc_subnet_ids == null ? 0 : 1}',
      name: 'vpc',
      role: '${aws_iam_role.lambda_role.id}',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [vpcStatement] }),
    });
  });

  test.each(modules)('%s: every new variable is optional (null), described, and named as in terraform-aws-modules/lambda', (_name, module) => {
    const names = ['vpc_subnet_ids', 'vpc_security_group_ids', 'logging_log_format', 'logging_application_log_level', 'logging_system_log_level', 'kms_key_arn', 'cloudwatch_logs_kms_key_id', 'ephemeral_storage_size'];
    for (const name of names) {
      expect(module.variable[name]).toMatchObject({ default: null, description: expect.stringMatching(/^\S.{20,}\.$/) });
      expect(module.variable[name].validation.length).toBeGreaterThan(0);
    }
    expect(module.variable.attach_network_policy).toBeUndefined();
  });
});
