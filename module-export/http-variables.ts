import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { TerraformIterator, Token } from '../core/framework';
import { describeRule, RULES } from '../core/rules';
import { ALLOWED_TRIGGER_PAIR_RULES, ALLOWED_TRIGGER_RULES } from '../modules/allowed-triggers';
import { CORS_PAIR_RULES, CORS_RULES } from '../modules/cors';
import {
  DEFAULT_FUNCTION_URL_AUTH_TYPE,
  FUNCTION_URL_AUTH_TYPE_RULE,
  FUNCTION_URL_PAIR_RULES,
  PUBLIC_FUNCTION_URL_PERMISSION,
} from '../modules/function-url';
import { LambdaFunction } from '../modules/lambda-function';
import { ModuleStack } from './module-stack';
import { ruleCondition } from './variable-validation';

const TRIGGERS = 'values(var.allowed_triggers)';

/**
 * Who may invoke a function module's alias, named as terraform-aws-modules/lambda names it:
 * `allowed_triggers` (one `aws_lambda_permission` per entry, on the alias), and a function URL on
 * the alias (`create_lambda_function_url`, `authorization_type`, `cors`; output
 * `lambda_function_url`). Unlike terraform-aws-modules/lambda, `authorization_type` is `AWS_IAM`
 * unless set, and `NONE` needs `lambda_function_url_public = true`: a public URL is said so.
 * The resources have the ids the constructs give them (modules/function-url.ts).
 */
export function bindHttp(m: ModuleStack, fn: LambdaFunction): void {
  const triggers = m.variable('allowed_triggers', {
    type:
      'map(object({ principal = optional(string), service = optional(string), source_arn = optional(string), source_account = optional(string), principal_org_id = optional(string), action = optional(string, "lambda:InvokeFunction"), statement_id = optional(string) }))',
    default: {},
    description:
      'Services and accounts allowed to invoke the alias, by name (the statement id unless statement_id is given): { Schedule = { service = "events", source_arn = "arn:aws:events:...:rule/nightly" } }. principal or service, one of the two; principal "*" only with source_arn, source_account or principal_org_id.',
    rules: [[ALLOWED_TRIGGER_RULES.statementId, 'each name']],
    conditions: [
      [`alltrue([for t in ${TRIGGERS} : (t.principal == null) != (t.service == null)])`, `every trigger ${ALLOWED_TRIGGER_PAIR_RULES.principalOrService.text}`],
      [
        `alltrue([for t in ${TRIGGERS} : t.principal != "*" || t.source_arn != null || t.source_account != null || t.principal_org_id != null])`,
        `every trigger's ${ALLOWED_TRIGGER_PAIR_RULES.anyoneUnscoped.text}`,
      ],
      [`alltrue([for t in ${TRIGGERS} : ${ruleCondition(ALLOWED_TRIGGER_RULES.action, 't.action')}])`, `every action ${describeRule(ALLOWED_TRIGGER_RULES.action)}`],
      [
        `alltrue([for t in ${TRIGGERS} : t.source_account == null || ${ruleCondition(RULES.accountId, 't.source_account')}])`,
        `every source_account ${describeRule(RULES.accountId)}`,
      ],
      [
        `alltrue([for t in ${TRIGGERS} : t.statement_id == null || ${ruleCondition(ALLOWED_TRIGGER_RULES.statementId, 't.statement_id')}])`,
        `every statement_id ${describeRule(ALLOWED_TRIGGER_RULES.statementId)}`,
      ],
    ],
  });
  const perTrigger = TerraformIterator.fromMap(triggers.value);
  new LambdaPermission(fn, 'allowed-triggers', {
    forEach: perTrigger,
    statementId: '${coalesce(each.value.statement_id, each.key)}',
    action: perTrigger.getString('action'),
    principal: '${each.value.principal != null ? each.value.principal : format("%s.amazonaws.com", each.value.service)}',
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    sourceArn: perTrigger.getString('source_arn'),
    sourceAccount: perTrigger.getString('source_account'),
    principalOrgId: perTrigger.getString('principal_org_id'),
  });

  m.variable('create_lambda_function_url', {
    type: 'bool',
    default: false,
    description: 'Give the alias a function URL (see authorization_type and the lambda_function_url output).',
  });
  const authorizationType = m.variable('authorization_type', {
    type: 'string',
    default: DEFAULT_FUNCTION_URL_AUTH_TYPE,
    description:
      'How the function URL authenticates callers: AWS_IAM (signed requests of principals allowed lambda:InvokeFunctionUrl) or NONE (anyone on the internet; needs lambda_function_url_public = true). Default AWS_IAM, unlike terraform-aws-modules/lambda.',
    rules: [FUNCTION_URL_AUTH_TYPE_RULE],
    // Both rules between the two variables are stated here: validations of two variables that
    // read each other would be a cycle for Terraform.
    conditions: [
      ['var.authorization_type != "NONE" || var.lambda_function_url_public', FUNCTION_URL_PAIR_RULES.noneNeedsPublic.text],
      ['var.authorization_type == "NONE" || !var.lambda_function_url_public', FUNCTION_URL_PAIR_RULES.publicNeedsNone.text],
    ],
  });
  m.variable('lambda_function_url_public', {
    type: 'bool',
    default: false,
    description: 'Says a function URL with authorization_type = "NONE" is open to anyone on the internet on purpose; refused with AWS_IAM.',
  });
  m.variable('cors', {
    type: 'object({ allow_origins = list(string), allow_methods = optional(list(string), ["*"]), allow_headers = optional(list(string)), expose_headers = optional(list(string)), allow_credentials = optional(bool, false), max_age = optional(number, 0) })',
    default: null,
    description: 'CORS of the function URL: { allow_origins = ["https://app.example.com"] }, any method unless allow_methods says otherwise. Default: no CORS headers.',
    conditions: [
      [ruleCondition(CORS_RULES.maxAge, 'var.cors.max_age'), `max_age ${describeRule(CORS_RULES.maxAge)}`],
      ['!(var.cors.allow_credentials && contains(var.cors.allow_origins, "*"))', CORS_PAIR_RULES.credentialsWithAnyOrigin.text],
    ],
  });

  const url = new LambdaFunctionUrl(fn, 'function-url', {
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    authorizationType: authorizationType.stringValue,
    count: Token.asNumber(`\${var.create_lambda_function_url ? 1 : 0}`),
  });
  url.addOverride('dynamic.cors', {
    for_each: '${var.cors == null ? [] : [var.cors]}',
    content: Object.fromEntries(
      ['allow_origins', 'allow_methods', 'allow_headers', 'expose_headers', 'allow_credentials', 'max_age'].map((name) => [name, `\${cors.value.${name}}`]),
    ),
  });
  new LambdaPermission(fn, 'function-url-permission', {
    ...PUBLIC_FUNCTION_URL_PERMISSION,
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    count: Token.asNumber(`\${var.create_lambda_function_url && var.authorization_type == "NONE" ? 1 : 0}`),
  });
  const address = `${url.terraformResourceType}.${url.friendlyUniqueId}`;
  m.output('lambda_function_url', `\${try(${address}[0].function_url, "")}`, 'URL of the alias\'s function URL; "" without create_lambda_function_url.');
}
