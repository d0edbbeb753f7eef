import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction as LambdaFunctionResource } from '@cdktf/provider-aws/lib/lambda-function';
import { TerraformOutput, Testing } from '../core/framework';
import { FUNCTION_PAIR_RULES, RESERVED_ENVIRONMENT_VARIABLES } from '../core/rules';
import {
  ALIAS_CI_OWNED_ATTRIBUTES,
  FUNCTION_CI_OWNED_ATTRIBUTES,
  FUNCTION_SET_ON_CREATE_ATTRIBUTES,
  LambdaFunction,
  LambdaFunctionProps,
  TRACING_STATEMENTS,
} from '../modules/lambda-function';
import { LambdaLayer } from '../modules/lambda-layer';
import { PlaceholderPackage } from '../modules/placeholder-package';
import { messagesOf, onlyResource, problemsOf, resourcesOf, synthJson, testStack } from './support/synth';
import { readZip } from './support/zip-reader';

const minimal: LambdaFunctionProps = { functionName: 'team-api', handler: 'app.main.handler' };

/** Inline policies of the synthesized stack, by policy name, parsed. */
function policies(json: any): Record<string, any> {
  return Object.fromEntries(
    Object.values(resourcesOf(json, 'aws_iam_role_policy')).map((p: any) => [p.name, JSON.parse(p.policy)]),
  );
}

describe('LambdaFunction', () => {
  test('applies the documented defaults', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', minimal);
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionResource, {
      function_name: 'team-api',
      handler: 'app.main.handler',
      runtime: 'python3.12',
      architectures: ['x86_64'],
      memory_size: 128,
      timeout: 3,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/team-api',
      retention_in_days: 30,
    });
    const fn = onlyResource(JSON.parse(synthesized), 'aws_lambda_function');
    expect(fn.layers).toBeUndefined();
    expect(fn.environment).toBeUndefined();
    expect(fn.reserved_concurrent_executions).toBeUndefined();
  });

  test('CI owns the code and layer versions: Terraform ignores changes to them, and to publish, set on create', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', minimal);
    const fn = onlyResource(synthJson(stack), 'aws_lambda_function');
    expect(fn.publish).toBe(true);
    expect(fn.lifecycle.ignore_changes).toEqual([...FUNCTION_CI_OWNED_ATTRIBUTES, ...FUNCTION_SET_ON_CREATE_ATTRIBUTES]);
    expect([...FUNCTION_CI_OWNED_ATTRIBUTES].sort()).toEqual(
      ['filename', 'layers', 's3_bucket', 's3_key', 's3_object_version', 'source_code_hash'].sort(),
    );
    expect([...FUNCTION_SET_ON_CREATE_ATTRIBUTES]).toEqual(['publish']);
  });

  test('has an alias on the version Terraform published; CI owns which versions it routes to', () => {
    const stack = testStack();
    const fn = new LambdaFunction(stack, 'api', minimal);
    const json = synthJson(stack);
    const [functionId] = Object.keys(resourcesOf(json, 'aws_lambda_function'));
    const [aliasId] = Object.keys(resourcesOf(json, 'aws_lambda_alias'));
    expect(onlyResource(json, 'aws_lambda_alias')).toEqual({
      name: 'live',
      description: 'What invokes team-api targets; CI moves it from version to version',
      function_name: `\${aws_lambda_function.${functionId}.function_name}`,
      function_version: `\${aws_lambda_function.${functionId}.version}`,
      lifecycle: { ignore_changes: ['function_version', 'routing_config', 'description'] },
    });
    expect([...ALIAS_CI_OWNED_ATTRIBUTES]).toEqual(['function_version', 'routing_config', 'description']);
    expect(Object.isFrozen(ALIAS_CI_OWNED_ATTRIBUTES)).toBe(true);
    expect(fn.aliasName).toBe('live');
    new TerraformOutput(stack, 'alias-arns', { value: [fn.aliasArn, fn.aliasInvokeArn] });
    expect(synthJson(stack).output['alias-arns'].value).toEqual([`\${aws_lambda_alias.${aliasId}.arn}`, `\${aws_lambda_alias.${aliasId}.invoke_arn}`]);
    expect(resourcesOf(json, 'aws_lambda_provisioned_concurrency_config')).toEqual({});
    expect(onlyResource(json, 'aws_lambda_function').snap_start).toBeUndefined();
  });

  test('an errors alarm watches the alias; the alarms a canary reads are that one, the duration alarm, then the named ones', () => {
    const stack = testStack();
    const fn = new LambdaFunction(stack, 'api', { ...minimal, aliasName: 'prod', alarms: ['team-api-latency', 'team-api-throttles'], tags: { Team: 'books' } });
    expect(Object.values(resourcesOf(synthJson(stack), 'aws_cloudwatch_metric_alarm')).find((a: any) => a.alarm_name === 'team-api-errors')).toEqual({
      alarm_name: 'team-api-errors',
      alarm_description:
        'Invocations of team-api:prod that failed (an exception, a timeout, out of memory) in the last minute. Read its log group /aws/lambda/team-api; a canary release rolls back while it is in ALARM',
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: 'team-api', Resource: 'team-api:prod' },
      statistic: 'Sum',
      period: 60,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
      tags: { Team: 'books' },
    });
    expect(onlyResource(synthJson(stack), 'aws_lambda_alias').name).toBe('prod');
    expect(fn.alarmNames).toEqual(['team-api-errors', 'team-api-duration-p99', 'team-api-latency', 'team-api-throttles']);
  });

  test('provisioned concurrency is configured on the alias', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, provisionedConcurrentExecutions: 2, reservedConcurrentExecutions: 5 });
    const json = synthJson(stack);
    const [functionId] = Object.keys(resourcesOf(json, 'aws_lambda_function'));
    const [aliasId] = Object.keys(resourcesOf(json, 'aws_lambda_alias'));
    expect(onlyResource(json, 'aws_lambda_provisioned_concurrency_config')).toEqual({
      function_name: `\${aws_lambda_function.${functionId}.function_name}`,
      qualifier: `\${aws_lambda_alias.${aliasId}.name}`,
      provisioned_concurrent_executions: 2,
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('SnapStart applies to published versions, on Python 3.12 and later', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, runtime: 'python3.13', snapStart: true });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function').snap_start).toEqual({ apply_on: 'PublishedVersions' });
    expect(problemsOf(stack)).toEqual([]);
  });

  test.each<[string, Partial<LambdaFunctionProps>, string[]]>([
    ['an all-digit alias name', { aliasName: '42' }, [`aliasName = "42": must be 1 to 128 letters, digits, hyphens and underscores, not all digits (an all-digit name reads as a version)`]],
    ['an alias name over 128 characters', { aliasName: 'a'.repeat(129) }, [`aliasName = "${'a'.repeat(59)}... (129 characters): must be at most 128 characters long`]],
    ['an empty alarm name', { alarms: ['team-api-latency', ''] }, ['alarms[1] = "": must be a CloudWatch alarm name: 1 to 255 printable characters']],
    ['no provisioned instance', { provisionedConcurrentExecutions: 0 }, ['provisionedConcurrentExecutions = 0: must be a whole number of at least 1 (instances kept initialised on the alias)']],
    [
      'more provisioned than reserved concurrency',
      { provisionedConcurrentExecutions: 6, reservedConcurrentExecutions: 5 },
      [`provisionedConcurrentExecutions = 6: ${FUNCTION_PAIR_RULES.provisionedAboveReserved.text}`],
    ],
    ['SnapStart on python3.11', { runtime: 'python3.11', snapStart: true }, [`snapStart = true: ${FUNCTION_PAIR_RULES.snapStartRuntime.text}`]],
    ['SnapStart on Node.js', { runtime: 'nodejs22.x', handler: 'index.handler', snapStart: true }, [`snapStart = true: ${FUNCTION_PAIR_RULES.snapStartRuntime.text}`]],
    [
      'SnapStart with provisioned concurrency',
      { snapStart: true, provisionedConcurrentExecutions: 1 },
      ['snapStart = true: SnapStart cannot be used together with provisioned concurrency: choose one'],
    ],
  ])('refuses %s, in the rule\'s words', (_case, props, messages) => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, ...props });
    expect(messagesOf(stack)).toEqual(messages);
  });

  test.each<[string, Partial<LambdaFunctionProps>]>([
    ['provisioned concurrency with unreserved concurrency', { provisionedConcurrentExecutions: 50, reservedConcurrentExecutions: -1 }],
    ['as much provisioned as reserved concurrency', { provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 5 }],
    ['SnapStart off on python3.9', { runtime: 'python3.9', snapStart: false }],
    ['an alias name with digits and a hyphen', { aliasName: 'v2-live' }],
  ])('accepts %s', (_case, props) => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, ...props });
    expect(messagesOf(stack)).toEqual([]);
  });

  test('its contract constants cannot be changed by a caller', () => {
    // Never called: the type checker (npm test) rejects each change.
    const changes = () => {
      // @ts-expect-error readonly: the ownership contract is not the caller's to change
      FUNCTION_CI_OWNED_ATTRIBUTES.push('runtime');
      // @ts-expect-error readonly
      ALIAS_CI_OWNED_ATTRIBUTES.pop();
      // @ts-expect-error readonly
      FUNCTION_SET_ON_CREATE_ATTRIBUTES.pop();
      // @ts-expect-error readonly
      TRACING_STATEMENTS.pop();
      // @ts-expect-error readonly
      RESERVED_ENVIRONMENT_VARIABLES[0] = 'PATH';
    };
    expect(typeof changes).toBe('function');
    expect(Object.isFrozen(FUNCTION_CI_OWNED_ATTRIBUTES)).toBe(true);
    expect(Object.isFrozen(TRACING_STATEMENTS)).toBe(true);
  });

  test('the execution role trusts lambda.amazonaws.com and nothing else', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', minimal);
    const json = synthJson(stack);
    const role = onlyResource(json, 'aws_iam_role');
    expect(role.name).toBe('team-api');
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(onlyResource(json, 'aws_lambda_function').role).toMatch(/^\$\{aws_iam_role\.\w+\.arn\}$/);
  });

  test('logs go to its own log group, created before the function, with a policy scoped to it', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, cloudwatchLogsRetentionInDays: 90 });
    const json = synthJson(stack);
    const [logGroupName] = Object.keys(resourcesOf(json, 'aws_cloudwatch_log_group'));
    const [logPolicyName] = Object.keys(resourcesOf(json, 'aws_iam_role_policy'));
    expect(onlyResource(json, 'aws_cloudwatch_log_group').retention_in_days).toBe(90);
    expect(onlyResource(json, 'aws_lambda_function').depends_on).toEqual([
      `aws_cloudwatch_log_group.${logGroupName}`,
      `aws_iam_role_policy.${logPolicyName}`,
    ]);
    expect(policies(json).logs).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'WriteOwnLogGroup',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `\${aws_cloudwatch_log_group.${logGroupName}.arn}:*`,
        },
      ],
    });
  });

  test('attaches layers in order: constructs by version ARN, strings as given, addLayers appends', () => {
    const stack = testStack();
    const deps = new LambdaLayer(stack, 'deps', { layerName: 'deps' });
    const shared = new LambdaLayer(stack, 'shared', { layerName: 'shared' });
    const fn = new LambdaFunction(stack, 'api', { ...minimal, layers: [deps, shared] });
    fn.addLayers('arn:aws:lambda:us-west-2:123456789012:layer:extension:7');
    const layers = onlyResource(synthJson(stack), 'aws_lambda_function').layers;
    expect(layers).toEqual([
      expect.stringMatching(/^\$\{aws_lambda_layer_version\.deps_version_\w+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_lambda_layer_version\.shared_version_\w+\.arn\}$/),
      'arn:aws:lambda:us-west-2:123456789012:layer:extension:7',
    ]);
    expect(fn.layers).toHaveLength(3);
  });

  test('sets environment, memory, timeout, architecture, concurrency, tracing and tags', () => {
    const stack = testStack();
    const fn = new LambdaFunction(stack, 'api', {
      ...minimal,
      description: 'HTTP API',
      memorySize: 1024,
      timeout: 30,
      architecture: 'arm64',
      reservedConcurrentExecutions: 5,
      tracingMode: 'Active',
      environmentVariables: { LOG_LEVEL: 'INFO' },
      tags: { Team: 'books' },
    });
    fn.addEnvironment('FEATURE_X', 'on');
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_lambda_function')).toMatchObject({
      description: 'HTTP API',
      memory_size: 1024,
      timeout: 30,
      architectures: ['arm64'],
      reserved_concurrent_executions: 5,
      tracing_config: { mode: 'Active' },
      environment: { variables: { LOG_LEVEL: 'INFO', FEATURE_X: 'on' } },
      tags: { Team: 'books' },
    });
    expect(onlyResource(json, 'aws_iam_role').tags).toEqual({ Team: 'books' });
    expect(onlyResource(json, 'aws_cloudwatch_log_group').tags).toEqual({ Team: 'books' });
    // X-Ray write actions support no resource-level permissions: "*" is the only way to grant them.
    expect(policies(json).tracing.Statement).toEqual([
      { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ]);
  });

  test('without active tracing the role gets no X-Ray permission', () => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, tracingMode: 'PassThrough' });
    expect(Object.keys(policies(synthJson(stack)))).toEqual(['logs']);
  });

  test('may invoke named functions: a construct through its alias only, an ARN with its versions and aliases', () => {
    const stack = testStack();
    const worker = new LambdaFunction(stack, 'worker', { ...minimal, functionName: 'team-worker' });
    const cleanup = new LambdaFunction(stack, 'cleanup', { ...minimal, functionName: 'team-cleanup' });
    const external = 'arn:aws:lambda:us-west-2:123456789012:function:scraper';
    const api = new LambdaFunction(stack, 'api', { ...minimal, lambdaInvokeArns: [worker, external] });
    cleanup.grantInvoke(api);
    const json = synthJson(stack);
    const invoke = Object.values(resourcesOf(json, 'aws_iam_role_policy')).find((p: any) => p.name === 'invoke') as any;
    expect(invoke.role).toMatch(/^\$\{aws_iam_role\.api_role_\w+\.id\}$/);
    const statement = JSON.parse(invoke.policy).Statement;
    expect(statement).toHaveLength(1);
    expect(statement[0].Action).toBe('lambda:InvokeFunction');
    expect(statement[0].Resource).toEqual([
      expect.stringMatching(/^\$\{aws_lambda_alias\.worker_alias_\w+\.arn\}$/),
      external,
      `${external}:*`,
      expect.stringMatching(/^\$\{aws_lambda_alias\.cleanup_alias_\w+\.arn\}$/),
    ]);
  });

  test('extra policy statements appear as a JSON policy document', () => {
    const stack = testStack();
    const fn = new LambdaFunction(stack, 'api', {
      ...minimal,
      policyStatements: [
        { sid: 'ReadConfig', actions: ['ssm:GetParameter'], resources: ['arn:aws:ssm:us-west-2:123456789012:parameter/app/*'] },
      ],
    });
    fn.addToRolePolicy({
      effect: 'Deny',
      actions: ['s3:DeleteObject'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalTag/team': 'books' } },
    });
    expect(policies(synthJson(stack)).extra).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadConfig',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: 'arn:aws:ssm:us-west-2:123456789012:parameter/app/*',
        },
        {
          Effect: 'Deny',
          Action: 's3:DeleteObject',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'books' } },
        },
      ],
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test.each([
    ['python3.12', 'app.main.handler', 'app/main.py', /def handler\(event, context\):\n    raise RuntimeError\(/],
    ['python3.12', 'lambdas/cleanup/handler.run', 'lambdas/cleanup/handler.py', /def run\(event, context\):/],
    ['nodejs20.x', 'src/index.handler', 'src/index.js', /exports\["handler"\] = async \(\) => \{\n  throw new Error\(/],
  ] as const)('the %s placeholder for %s is %s and fails loudly', (runtime, handler, file, body) => {
    const stack = testStack();
    new LambdaFunction(stack, 'api', { ...minimal, runtime, handler });
    const fn = onlyResource(synthJson(stack), 'aws_lambda_function');
    const outdir = Testing.fullSynth(stack);
    const bytes = fs.readFileSync(path.join(outdir, 'stacks', 'test', fn.filename.replace('${path.module}/', '')));
    expect(fn.source_code_hash).toBe(createHash('sha256').update(bytes).digest('base64'));
    const entries = readZip(bytes);
    expect(entries.map((e) => e.name)).toEqual([file]);
    expect(entries[0].content).toMatch(body);
    expect(entries[0].content).toContain('no code has been released to it yet');
  });

  test('knows the environment variables set so far, and hands out a copy', () => {
    const stack = testStack();
    const fn = new LambdaFunction(stack, 'api', { ...minimal, environmentVariables: { LOG_LEVEL: 'INFO' } });
    fn.addEnvironment('TABLE', 'books');
    const variables = fn.environmentVariables;
    expect(variables).toEqual({ LOG_LEVEL: 'INFO', TABLE: 'books' });
    (variables as Record<string, string>).TABLE = 'other';
    expect(fn.environmentVariables).toEqual({ LOG_LEVEL: 'INFO', TABLE: 'books' });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function').environment.variables).toEqual({ LOG_LEVEL: 'INFO', TABLE: 'books' });
  });

  test('a placeholder for any handler says why it fails, in a file of its own', () => {
    const stack = testStack();
    const placeholder = PlaceholderPackage.forAnyHandler(stack, 'placeholder');
    const outdir = Testing.fullSynth(stack);
    const entries = readZip(fs.readFileSync(path.join(outdir, 'stacks', 'test', placeholder.filename.replace('${path.module}/', ''))));
    expect(entries.map((e) => e.name)).toEqual(['PLACEHOLDER.txt']);
    expect(entries[0].content).toContain('no code has been released to it yet');
  });

  test('the placeholder depends only on runtime and handler', () => {
    const hashes = ['team-a', 'team-b'].map((functionName) => {
      const stack = testStack();
      new LambdaFunction(stack, 'api', { ...minimal, functionName, memorySize: functionName === 'team-a' ? 128 : 512 });
      return onlyResource(synthJson(stack), 'aws_lambda_function').source_code_hash;
    });
    expect(hashes[0]).toBe(hashes[1]);
  });
});
