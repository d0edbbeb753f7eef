import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config';
import { Fn, Lazy, Op, Token } from '../core/framework';
import {
  ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
  policyDocument,
  policyDocumentExpression,
  STAR_RESOURCE_RULE,
  WILDCARD_ACTION_RULE,
} from '../core/policy-document';
import { bindAsyncInvoke } from './async-invoke-variables';
import { ModuleStack } from './module-stack';
import { bindFunctionSettings } from './function-settings-variables';
import { bindHttp } from './http-variables';
import { bindEventSources } from './event-source-variables';
import { alarmTopicArnVariable, bindAlarms } from './alarm-variables';
import { PlaceholderPackage } from '../modules/placeholder-package';
import { FUNCTION_PAIR_RULES, RESERVED_ENVIRONMENT_VARIABLES, RULES, SNAP_START_RUNTIMES } from '../core/rules';
import {
  DEFAULT_ALIAS_NAME,
  ENVIRONMENT_SIZE_RULE,
  invokeStatement,
  LambdaFunction,
  LambdaFunctionProps,
  TRACING_STATEMENTS,
} from '../modules/lambda-function';

const ENVIRONMENT_TEXT = 'base64encode(join("", concat(keys(var.environment_variables), values(var.environment_variables))))';
const STATEMENTS = 'values(var.policy_statements)';

/**
 * A function module (`lambda`, `cleanup-lambda`): the variables every function module takes, named
 * after terraform-aws-modules/lambda where it has a counterpart, and the function `create` builds.
 *
 * The seam between the constructs and the modules: a construct takes known values, a module has
 * Terraform variables. The construct is given the variables it only passes on (names, numbers,
 * layers, tags, the package: cdktf tokens of the types it takes) and its defaults for the rest.
 * What it would narrow or decide on at synth time, the module binds or builds here, next to the
 * construct and under the construct's ids, so the Terraform addresses are the construct's: the
 * role's name (`role_name`, the function's by default), runtime, architecture and tracing mode
 * (set on the role and function resources, replacing the defaults), the tracing policy (counted
 * on `tracing_mode`), the environment block ({@link bindEnvironment}), the invoke policy over
 * `lambda_invoke_arns` (none when the list is empty), the `policy_statements` policy, the
 * provisioned concurrency of the alias (counted on `provisioned_concurrent_executions`) and the
 * function's `snap_start` block (present when `snap_start` is true), the function's VPC,
 * structured logs, KMS keys and ephemeral storage ({@link bindFunctionSettings}), and the throttles
 * alarm (counted on `reserved_concurrent_executions`, see {@link bindAlarms}). The alias, its errors
 * and duration alarms (the threshold derived from `var.timeout`) and the ownership contract are the
 * construct's; every alarm notifies `alarm_topic_arn`.
 */
export function functionModule<F extends LambdaFunction>(m: ModuleStack, create: (props: LambdaFunctionProps) => F): F {
  const functionName = m.variable('function_name', {
    type: 'string',
    description: 'Name of the Lambda function; also the name of its log group /aws/lambda/<name>, and of its execution role unless role_name is given.',
    rules: [RULES.functionName],
  });
  const roleName = m.variable('role_name', {
    type: 'string',
    default: null,
    description:
      'Name of the execution role. Default: the function name. Give the name of an existing role to keep it when switching from a module that named it otherwise.',
    rules: [RULES.roleName],
  });
  const handler = m.variable('handler', {
    type: 'string',
    description: 'Entry point, <module path>.<function>, such as app.main.handler.',
    rules: [RULES.handlerLength, RULES.handler],
  });
  const runtime = m.variable('runtime', { type: 'string', default: 'python3.12', description: 'Lambda runtime.', rules: [RULES.runtime] });
  const description = m.variable('description', {
    type: 'string',
    default: null,
    description: 'Description of the function.',
    rules: [RULES.functionDescription],
  });
  const memorySize = m.variable('memory_size', { type: 'number', default: 128, description: 'Memory in MB.', rules: [RULES.memorySize] });
  const timeout = m.variable('timeout', { type: 'number', default: 3, description: 'Timeout in seconds.', rules: [RULES.timeout] });
  const architectures = m.variable('architectures', {
    type: 'list(string)',
    default: ['x86_64'],
    description: 'Instruction set architecture, as a list of one: ["x86_64"] or ["arm64"].',
    rules: [RULES.architectures, [RULES.architecture, 'each item']],
  });
  const layers = m.variable('layers', {
    type: 'list(string)',
    default: [],
    description:
      'Layer version ARNs, in the order Lambda applies them. Terraform sets them when it creates the function; CI moves them to new versions afterwards (ignore_changes), so later changes here are not applied.',
    rules: [RULES.layers, [RULES.layerVersionArn, 'each item']],
  });
  const environmentVariables = m.variable('environment_variables', {
    type: 'map(string)',
    default: {},
    description: 'Environment variables of the function.',
    rules: [[RULES.environmentVariableName, 'each name']],
    conditions: [
      [
        `length(setintersection(keys(var.environment_variables), ${JSON.stringify(RESERVED_ENVIRONMENT_VARIABLES)})) == 0`,
        `no name may be one Lambda reserves (${RESERVED_ENVIRONMENT_VARIABLES.join(', ')})`,
      ],
      // Bytes, as Lambda counts them: Terraform's length() counts characters.
      [`length(${ENVIRONMENT_TEXT}) * 3 / 4 - length(regexall("=", ${ENVIRONMENT_TEXT})) <= 4096`, ENVIRONMENT_SIZE_RULE],
    ],
  });
  const reservedConcurrency = m.variable('reserved_concurrent_executions', {
    type: 'number',
    default: -1,
    description: 'Reserved concurrency; -1 leaves it unreserved, 0 stops all invocations.',
    rules: [RULES.reservedConcurrentExecutions],
  });
  const tracingMode = m.variable('tracing_mode', {
    type: 'string',
    default: 'PassThrough',
    description: 'X-Ray tracing mode; Active also grants the X-Ray write actions.',
    rules: [RULES.tracingMode],
  });
  const logRetention = m.variable('cloudwatch_logs_retention_in_days', {
    type: 'number',
    default: 30,
    description: 'Days to keep the function logs.',
    rules: [RULES.logRetentionDays],
  });
  const attachStatements = m.variable('attach_policy_statements', {
    type: 'bool',
    default: false,
    description: 'Attach policy_statements to the role.',
  });
  m.variable('policy_statements', {
    type: 'map(object({ effect = optional(string, "Allow"), actions = list(string), resources = list(string), conditions = optional(map(map(list(string))), {}) }))',
    default: {},
    description:
      'Further permissions, by statement id: { ReadConfig = { actions = ["ssm:GetParameter"], resources = ["arn:aws:ssm:...:parameter/app/*"] } }. Conditions take the IAM shape: { StringLike = { "s3:prefix" = ["books/*"] } }.',
    // Each name becomes its statement's Sid.
    rules: [[RULES.statementId, 'each name']],
    conditions: [
      [`alltrue([for s in ${STATEMENTS} : alltrue([for a in s.actions : !strcontains(a, "*")])])`, WILDCARD_ACTION_RULE],
      [
        `alltrue([for s in ${STATEMENTS} : s.effect == "Deny" || !contains(s.resources, "*") || alltrue([for a in s.actions : contains(${JSON.stringify([...ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS])}, a)])])`,
        STAR_RESOURCE_RULE,
      ],
      [`alltrue([for s in ${STATEMENTS} : contains(["Allow", "Deny"], s.effect)])`, 'every effect must be Allow or Deny'],
      [`length(var.policy_statements) == 0 || var.attach_policy_statements`, 'statements are only attached with attach_policy_statements = true'],
    ],
  });
  const invokeArns = m.variable('lambda_invoke_arns', {
    type: 'list(string)',
    default: [],
    description: 'ARNs of functions this function may invoke (lambda:InvokeFunction on each, and on its versions and aliases).',
    rules: [[RULES.functionArn, 'each item']],
  });
  const aliasName = m.variable('alias_name', {
    type: 'string',
    default: DEFAULT_ALIAS_NAME,
    description:
      'Name of the alias everything that invokes the function should target. Terraform creates it on version 1 (the package it created the function with); CI moves it afterwards and keeps its record in the description (function_version, routing_config and description are in ignore_changes).',
    rules: [RULES.aliasNameLength, RULES.aliasName],
  });
  const alarms = m.variable('alarms', {
    type: 'list(string)',
    default: [],
    description:
      'Names of existing CloudWatch alarms a canary release also watches, besides the alarms this module creates on the alias (<function_name>-errors, -throttles, -duration-p99; see the alarm_names output).',
    rules: [[RULES.alarmName, 'each item']],
  });
  const provisioned = m.variable('provisioned_concurrent_executions', {
    type: 'number',
    default: null,
    description: 'Provisioned concurrency of the alias: instances kept initialised. Default: none. Not with snap_start.',
    rules: [RULES.provisionedConcurrentExecutions],
    conditions: [
      [
        'var.reserved_concurrent_executions < 0 || var.provisioned_concurrent_executions <= var.reserved_concurrent_executions',
        FUNCTION_PAIR_RULES.provisionedAboveReserved.text,
      ],
    ],
  });
  const snapStart = m.variable('snap_start', {
    type: 'bool',
    default: false,
    description: 'SnapStart on published versions (apply_on = "PublishedVersions"). Python 3.12 and later only; not with provisioned_concurrent_executions.',
    conditions: [
      [`!var.snap_start || contains(${JSON.stringify(SNAP_START_RUNTIMES)}, var.runtime)`, FUNCTION_PAIR_RULES.snapStartRuntime.text],
      ['!var.snap_start || var.provisioned_concurrent_executions == null', FUNCTION_PAIR_RULES.snapStartWithProvisionedConcurrency.text],
    ],
  });
  const tags = m.variable('tags', {
    type: 'map(string)',
    default: {},
    description: 'Tags for the function, its role, its log group and its alarms.',
  });
  m.variable('local_existing_package', {
    type: 'string',
    default: null,
    description:
      'Path of a zip to create the function from. CI owns the code afterwards: a different package here later changes nothing. Default: a placeholder that fails until CI releases code.',
  });
  const placeholder = PlaceholderPackage.forAnyHandler(m, 'placeholder');

  const fn = create({
    functionName: functionName.stringValue,
    handler: handler.stringValue,
    description: description.stringValue,
    memorySize: memorySize.numberValue,
    timeout: timeout.numberValue,
    layers: layers.listValue,
    reservedConcurrentExecutions: reservedConcurrency.numberValue,
    cloudwatchLogsRetentionInDays: logRetention.numberValue,
    tags: Token.asStringMap(tags.value),
    aliasName: aliasName.stringValue,
    alarms: alarms.listValue,
    alarmTopicArn: alarmTopicArnVariable(m),
    // Written out: cdktf's conditional renders neither `null` nor a `${path.module}` kept in a literal.
    codePackage: {
      filename: `\${var.local_existing_package == null ? "${placeholder.filename}" : var.local_existing_package}`,
      sourceCodeHash: `\${var.local_existing_package == null ? "${placeholder.sourceCodeHash}" : filebase64sha256(var.local_existing_package)}`,
    },
  });

  fn.role.name = Token.asString(Fn.coalesce([roleName.stringValue, functionName.stringValue]));
  fn.resource.runtime = runtime.stringValue;
  fn.resource.architectures = [Token.asString(Fn.element(architectures.listValue, 0))];
  fn.resource.putTracingConfig({ mode: tracingMode.stringValue });
  new IamRolePolicy(fn, 'tracing-policy', {
    name: 'tracing',
    role: fn.role.id,
    policy: policyDocument(TRACING_STATEMENTS),
    count: Token.asNumber(Fn.conditional(Op.eq(tracingMode.stringValue, 'Active'), 1, 0)),
  });
  bindEnvironment(fn, Token.asStringMap(environmentVariables.value));
  const arns = invokeArns.listValue;
  new IamRolePolicy(fn, 'invoke-policy', {
    name: 'invoke',
    role: fn.role.id,
    policy: policyDocumentExpression([invokeStatement(Token.asList(Fn.concat([arns, Fn.formatlist('%s:*', [arns])])))]),
    count: Token.asNumber(Fn.min([Fn.lengthOf(arns), 1])),
  });
  new IamRolePolicy(m, 'statements-policy', {
    name: 'statements',
    role: fn.role.id,
    // The one document whose statements are all the caller's, so only Terraform can build them:
    // a `for` over the map, Sid from the key, Condition only where the statement has one (an
    // empty Condition would change the document). It is written out, as cdktf's for-expressions
    // name their key and value each.key and each.value; the envelope comes from the renderer.
    policy: policyDocumentExpression(
      Lazy.anyValue({
        produce: () =>
          '[for sid, s in var.policy_statements : merge({ Sid = sid, Effect = s.effect, Action = s.actions, Resource = s.resources }, length(s.conditions) > 0 ? { Condition = s.conditions } : {})]',
      }),
    ),
    count: Token.asNumber(Fn.conditional(attachStatements.booleanValue, 1, 0)),
  });

  // Written out: a null variable in cdktf's conditional would not render.
  const provisionedConcurrency = new LambdaProvisionedConcurrencyConfig(fn, 'provisioned-concurrency', {
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    provisionedConcurrentExecutions: provisioned.numberValue,
  });
  provisionedConcurrency.addOverride('count', '${var.provisioned_concurrent_executions == null ? 0 : 1}');
  fn.resource.addOverride('dynamic.snap_start', {
    for_each: Fn.conditional(snapStart.booleanValue, ['PublishedVersions'], []),
    content: { apply_on: '${snap_start.value}' },
  });
  bindEventSources(m, fn);

  bindFunctionSettings(m, fn);
  bindHttp(m, fn);

  const watchedAlarms = bindAlarms(m, fn);

  bindAsyncInvoke(m, fn);

  m.output('function_name', fn.resource.functionName, 'Name of the Lambda function.');
  m.output('function_arn', fn.arn, 'ARN of the Lambda function.');
  m.output('invoke_arn', fn.invokeArn, 'ARN API Gateway uses to invoke the function.');
  m.output('role_name', fn.role.name, 'Name of the execution role.');
  m.output('role_arn', fn.role.arn, 'ARN of the execution role.');
  m.output('log_group_name', fn.logGroup.name, 'Name of the CloudWatch log group.');
  m.output('layers', fn.resource.layers, 'Layer version ARNs attached to the function, as last read from AWS (CI moves them).');
  m.output('source_code_hash', fn.resource.sourceCodeHash, 'Hash of the code package Terraform created the function with (CI releases later ones).');
  m.output('lambda_alias_name', fn.alias.name, 'Name of the alias: what everything that invokes the function should target.');
  m.output('lambda_alias_arn', fn.aliasArn, 'ARN of the alias, for invoke permissions and triggers.');
  m.output('lambda_alias_invoke_arn', fn.aliasInvokeArn, 'ARN API Gateway uses to invoke the alias.');
  m.output('lambda_alias_function_version', fn.alias.functionVersion, 'Version the alias points to, as last read from AWS (CI moves it).');
  m.output(
    'alarm_names',
    Fn.concat([watchedAlarms, alarms.listValue]),
    'Alarms a canary release watches: the errors alarm on the alias, the throttles alarm (with reserved concurrency of 1 or more), the duration-p99 alarm, then those named in alarms.',
  );
  return fn;
}

/**
 * The function's environment: the variable's map, merged under the entries the construct set
 * itself (a cleanup function's CLEANUP_* and DRY_RUN). Without such entries the map may be
 * empty, and an empty `environment` block is a diff on every plan
 * (hashicorp/terraform-provider-aws#43763): the block is then rendered only when the map has
 * entries. Call it last: a later `addEnvironment` would render the construct's entries alone.
 */
function bindEnvironment(fn: LambdaFunction, variables: Record<string, string>): void {
  const own = fn.environmentVariables;
  if (Object.keys(own).length === 0) {
    fn.resource.addOverride('dynamic.environment', {
      for_each: Fn.range(0, Fn.min([Fn.lengthOf(variables), 1])),
      content: { variables },
    });
  } else {
    fn.resource.putEnvironment({ variables: Token.asStringMap(Fn.merge([variables, own])) });
  }
}
