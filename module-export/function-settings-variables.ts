import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument } from '../core/policy-document';
import { RULES } from '../core/rules';
import { DEFAULT_LOG_FORMAT, FUNCTION_SETTINGS_PAIR_RULES, FUNCTION_SETTINGS_RULES, VPC_ACCESS_STATEMENTS } from '../modules/function-settings';
import { LambdaFunction } from '../modules/lambda-function';
import { ModuleStack } from './module-stack';
import { arnInModuleRegion } from './region-validation';
import { customValidation } from './variable-validation';

const LOGGING_GIVEN = 'var.logging_log_format != null || var.logging_application_log_level != null || var.logging_system_log_level != null';

/**
 * A function module's VPC, structured logs, KMS keys and ephemeral storage, named as in
 * terraform-aws-modules/lambda, each optional (null: not configured, as when the construct is
 * given none). Every block is present only when its variables are given, under the construct's
 * ids, so the addresses are the construct's: `vpc_config` and the role's `vpc` policy (counted
 * on `vpc_subnet_ids`; the function depends on it), `logging_config` (when any logging variable
 * is given; the format is JSON unless Text is named, as for the construct's `logging`),
 * `ephemeral_storage`. There is no `attach_network_policy`: a function in a VPC always gets the
 * network interface permissions, since Lambda refuses to create it without them.
 */
export function bindFunctionSettings(m: ModuleStack, fn: LambdaFunction): void {
  const R = FUNCTION_SETTINGS_RULES;
  const pairs = FUNCTION_SETTINGS_PAIR_RULES;
  const subnetIds = m.variable('vpc_subnet_ids', {
    type: 'list(string)',
    default: null,
    description:
      'Subnet ids to run the function in (a VPC), with vpc_security_group_ids. The role then gets the network interface permissions (inline policy vpc: there is no attach_network_policy). Default: no VPC.',
    rules: [R.subnetIds, [R.subnetId, 'each item']],
  });
  // On the subnets alone, null included: a validation of each variable reading the other would be a cycle.
  subnetIds.addValidation(
    customValidation('vpc_subnet_ids', '(var.vpc_subnet_ids == null) == (var.vpc_security_group_ids == null)', pairs.vpcBothOrNeither.text),
  );
  m.variable('vpc_security_group_ids', {
    type: 'list(string)',
    default: null,
    description: 'Security group ids of the function in its VPC, with vpc_subnet_ids. Default: no VPC.',
    rules: [R.securityGroupIds, [R.securityGroupId, 'each item']],
  });
  m.variable('logging_log_format', {
    type: 'string',
    default: null,
    description: `Log format, JSON (structured) or Text, into the function's log group (logging_config). Default: no logging_config (Lambda's Text format), or ${DEFAULT_LOG_FORMAT} when a log level is given.`,
    rules: [RULES.logFormat],
  });
  const levels = [
    ['logging_application_log_level', RULES.applicationLogLevel, "Least level of the handler's own log lines that is kept (JSON only). Default: Lambda's, INFO."],
    ['logging_system_log_level', RULES.systemLogLevel, "Least level of Lambda's own log lines (START, END, REPORT) that is kept (JSON only). Default: Lambda's, INFO."],
  ] as const;
  for (const [name, rule, description] of levels) {
    m.variable(name, {
      type: 'string',
      default: null,
      description,
      rules: [rule],
      conditions: [['var.logging_log_format != "Text"', pairs.logLevelWithoutJson.text]],
    });
  }
  const kmsKeyArn = m.variable('kms_key_arn', {
    type: 'string',
    default: null,
    description: "ARN of the KMS key encrypting the function's environment variables at rest. Default: Lambda's own key.",
    rules: [R.kmsKeyArn],
    conditions: [arnInModuleRegion(m, 'var.kms_key_arn')],
  });
  const logsKmsKeyArn = m.variable('cloudwatch_logs_kms_key_id', {
    type: 'string',
    default: null,
    description: "ARN of the KMS key encrypting the function's log group; its key policy must let CloudWatch Logs use it. Default: CloudWatch Logs' own encryption.",
    rules: [R.kmsKeyArn],
    conditions: [arnInModuleRegion(m, 'var.cloudwatch_logs_kms_key_id')],
  });
  m.variable('ephemeral_storage_size', {
    type: 'number',
    default: null,
    description: "Size of /tmp in MB. Default: not set, Lambda's 512.",
    rules: [R.ephemeralStorageSize],
  });

  fn.resource.kmsKeyArn = kmsKeyArn.stringValue;
  fn.logGroup.kmsKeyId = logsKmsKeyArn.stringValue;

  // Written out: cdktf's conditional renders no `null`.
  const vpcPolicy = new IamRolePolicy(fn, 'vpc-policy', { name: 'vpc', role: fn.role.id, policy: policyDocument(VPC_ACCESS_STATEMENTS) });
  vpcPolicy.addOverride('count', '${var.vpc_subnet_ids == null ? 0 : 1}');
  // Its address: `fqn` is a reference, which depends_on does not take.
  fn.resource.dependsOn = [...(fn.resource.dependsOn ?? []), `${vpcPolicy.terraformResourceType}.${vpcPolicy.friendlyUniqueId}`];
  fn.resource.addOverride('dynamic.vpc_config', {
    for_each: '${var.vpc_subnet_ids == null ? [] : [true]}',
    content: { subnet_ids: '${var.vpc_subnet_ids}', security_group_ids: '${var.vpc_security_group_ids}' },
  });
  fn.resource.addOverride('dynamic.logging_config', {
    for_each: `\${${LOGGING_GIVEN} ? [coalesce(var.logging_log_format, ${JSON.stringify(DEFAULT_LOG_FORMAT)})] : []}`,
    content: {
      log_format: '${logging_config.value}',
      application_log_level: '${var.logging_application_log_level}',
      system_log_level: '${var.logging_system_log_level}',
      log_group: fn.logGroup.name,
    },
  });
  fn.resource.addOverride('dynamic.ephemeral_storage', {
    for_each: '${var.ephemeral_storage_size == null ? [] : [var.ephemeral_storage_size]}',
    content: { size: '${ephemeral_storage.value}' },
  });
}
