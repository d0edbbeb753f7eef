import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, FieldPairRule, isToken, RULES, ruleTable } from '../core/rules';
import { LambdaFunction } from './lambda-function';

/**
 * A service or account allowed to invoke a function's alias (an `aws_lambda_permission`), named
 * as terraform-aws-modules/lambda's `allowed_triggers` entries name them.
 */
export interface AllowedTrigger {
  /** The principal: a service (`events.amazonaws.com`), an account id or `*` (scoped). Give this or `service`. */
  readonly principal?: string;
  /** A service by its short name, `events` for `events.amazonaws.com`. Give this or `principal`. */
  readonly service?: string;
  /** The one resource that may invoke, such as an EventBridge rule's ARN. @default any */
  readonly sourceArn?: string;
  /** The account the source belongs to. @default any */
  readonly sourceAccount?: string;
  /** The AWS Organization the principal belongs to. @default any */
  readonly principalOrgId?: string;
  /** The action granted; only `lambda:InvokeFunction` (function URLs have their own settings). @default 'lambda:InvokeFunction' */
  readonly action?: string;
  /** The statement id. @default the trigger's name */
  readonly statementId?: string;
}

/** The one action a trigger is granted. */
export const TRIGGER_ACTION = 'lambda:InvokeFunction';

/** Lambda's limits on a trigger's values. */
export const ALLOWED_TRIGGER_RULES = ruleTable(
  {
    statementId: {
      kind: 'pattern',
      pattern: '^[A-Za-z0-9_-]{1,100}$',
      text: 'must be 1 to 100 letters, digits, hyphens and underscores (a Lambda permission statement id)',
    },
    action: { kind: 'oneOf', values: [TRIGGER_ACTION], what: 'trigger actions (function URLs have their own settings)' },
  },
  'allowed-trigger-',
);

/** Rules between a trigger's settings, in words: synth checks them, the generated modules validate `allowed_triggers` with them. */
export const ALLOWED_TRIGGER_PAIR_RULES = Object.freeze({
  /** Who is allowed must be said one way. */
  principalOrService: { code: 'allowed-trigger-principal', text: 'must name either its principal or its service, one of the two' },
  /** `*` alone would let anyone with an AWS account invoke the function. */
  anyoneUnscoped: {
    code: 'allowed-trigger-anyone',
    text: 'principal "*" lets anyone invoke the function: scope it with source_arn, source_account or principal_org_id (a public URL is a function URL with authorization NONE)',
  },
} as const satisfies Record<string, FieldPairRule>);

/** Problems with a trigger, on the fields `<field>.<setting>`. */
export function checkAllowedTrigger(field: string, name: string, trigger: AllowedTrigger): Problem[] {
  const problems = [
    ...check(`${field}.statementId`, trigger.statementId ?? name, ALLOWED_TRIGGER_RULES.statementId),
    ...check(`${field}.action`, trigger.action ?? TRIGGER_ACTION, ALLOWED_TRIGGER_RULES.action),
    ...(trigger.sourceAccount === undefined ? [] : check(`${field}.sourceAccount`, trigger.sourceAccount, RULES.accountId)),
  ];
  if ((trigger.principal === undefined) === (trigger.service === undefined)) {
    const rule = ALLOWED_TRIGGER_PAIR_RULES.principalOrService;
    problems.push(problem(rule.code, field, { principal: trigger.principal, service: trigger.service }, rule.text));
  }
  const scoped = [trigger.sourceArn, trigger.sourceAccount, trigger.principalOrgId].some((v) => v !== undefined);
  if (trigger.principal === '*' && !isToken(trigger.principal) && !scoped) {
    const rule = ALLOWED_TRIGGER_PAIR_RULES.anyoneUnscoped;
    problems.push(problem(rule.code, `${field}.principal`, trigger.principal, rule.text));
  }
  return problems;
}

/**
 * Lets a service or account invoke the function's alias (never `$LATEST`): an
 * `aws_lambda_permission` under the function, `<name>-trigger-permission`.
 */
export function allowTrigger(fn: LambdaFunction, name: string, trigger: AllowedTrigger): LambdaPermission {
  const permission = new LambdaPermission(fn, `${name}-trigger-permission`, {
    statementId: trigger.statementId ?? name,
    action: trigger.action ?? TRIGGER_ACTION,
    principal: trigger.principal ?? `${trigger.service}.amazonaws.com`,
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    sourceArn: trigger.sourceArn,
    sourceAccount: trigger.sourceAccount,
    principalOrgId: trigger.principalOrgId,
  });
  addProblemCheck(permission, () => checkAllowedTrigger(`allowedTriggers.${name}`, name, trigger));
  return permission;
}
