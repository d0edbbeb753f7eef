import { Fn, IResolvable, Token, Tokenization } from './framework';
import { Problem, problem } from './problems';
import { check, RULES } from './rules';

/**
 * One IAM policy statement. Resources may be Terraform references (tokens), which resolve to
 * `${aws_x.y.arn}` inside the synthesized JSON document.
 */
export interface PolicyStatement {
  /** Statement id, shown to reviewers. @default no Sid */
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  /** Exact action names such as `s3:GetObject`. Wildcards are rejected. */
  readonly actions: readonly string[];
  /** Resource ARNs. `*` only for actions that support no resource-level permissions. @default none: give `notResources` */
  readonly resources?: readonly string[];
  /**
   * Every resource except these; Deny statements only (an Allow with NotResource grants the
   * rest of AWS). A Deny on everything outside a scope keeps that scope even if another
   * statement grants more later. @default none: give `resources`
   */
  readonly notResources?: readonly string[];
  /** IAM condition block, as in a policy document: `{ StringLike: { 's3:prefix': ['books/*'] } }`. @default none */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * What Lambda does with the network interfaces of a function in a VPC, as the AWS managed policy
 * AWSLambdaVPCAccessExecutionRole grants it: none of them supports resource-level permissions.
 */
export const NETWORK_INTERFACE_ACTIONS = Object.freeze([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const);

/**
 * Actions that support no resource-level permissions, so `"Resource": "*"` is the only way to
 * grant them. Anything else must name its resources.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: ReadonlySet<string> = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
  'cloudwatch:PutMetricData',
  ...NETWORK_INTERFACE_ACTIONS,
]);

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** The rules on statements, in words. */
export const WILDCARD_ACTION_RULE = 'wildcard actions are not allowed; name each action exactly';
export const STAR_RESOURCE_RULE = '"*" is only allowed for actions without resource-level permissions';

/** Problems with statements: wildcard actions anywhere, `*` resources where an action can be scoped. */
export function checkStatements(field: string, statements: readonly PolicyStatement[]): Problem[] {
  return statements.flatMap((statement, index) => {
    const at = `${field}[${index}]`;
    const problems: Problem[] = [];
    if (statement.actions.length === 0) problems.push(problem('statement-without-actions', `${at}.actions`, [], 'must name at least one action'));
    if (statement.sid !== undefined) problems.push(...check(`${at}.sid`, statement.sid, RULES.statementId));
    const resources = statement.resources ?? [];
    const notResources = statement.notResources ?? [];
    if ((resources.length === 0) === (notResources.length === 0)) {
      problems.push(problem('statement-resources', `${at}.resources`, resources, 'give either resources or notResources, not both and not neither'));
    }
    if (notResources.length > 0 && (statement.effect ?? 'Allow') === 'Allow') {
      problems.push(
        problem('allow-with-not-resources', `${at}.notResources`, notResources, 'only Deny statements may use notResources; an Allow would grant every other resource'),
      );
    }
    statement.actions.forEach((action, i) => {
      if (action.includes('*')) {
        problems.push(problem('wildcard-action', `${at}.actions[${i}]`, action, WILDCARD_ACTION_RULE));
      } else if (!ACTION_PATTERN.test(action)) {
        problems.push(problem('action-format', `${at}.actions[${i}]`, action, 'must be <service>:<Action>, such as s3:GetObject'));
      }
    });
    const allows = (statement.effect ?? 'Allow') === 'Allow';
    const scopable = statement.actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(a));
    resources.forEach((resource, i) => {
      if (allows && !Token.isUnresolved(resource) && resource === '*' && scopable.length > 0) {
        problems.push(
          problem(
            'star-resource',
            `${at}.resources[${i}]`,
            resource,
            `${STAR_RESOURCE_RULE}; scope ${scopable.join(', ')} to named resources`,
          ),
        );
      }
    });
    return problems;
  });
}

/**
 * Who a resource policy or a trust policy applies to: `"*"` (anyone, as in a Deny that holds
 * for every caller), or principals by type (`{ Service: 'lambda.amazonaws.com' }`). Identity
 * policies, the ones on a role, have none.
 */
export type Principal =
  | '*'
  | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[]; readonly Federated?: string };

/** A statement of a resource policy or a trust policy: a {@link PolicyStatement} with a principal. */
export interface ResourcePolicyStatement extends PolicyStatement {
  readonly principal: Principal;
}

/** The version of the IAM policy language every document is written in. */
export const POLICY_VERSION = '2012-10-17';

/**
 * The one renderer of IAM policy documents: every policy the project writes (role policies, trust
 * policies, bucket policies, the generated modules' policies) goes through {@link policyObject}, so
 * keys, their order (as AWS documents them) and the one-or-many shape are the same everywhere.
 * {@link policyDocument} writes it as JSON, for documents synth knows (references to other
 * resources included, which Terraform interpolates into the string);
 * {@link policyDocumentExpression} as a Terraform `jsonencode(...)`, for documents holding a list
 * only Terraform knows (a generated module's variable), which cannot be interpolated into a string.
 */
function policyObject(statements: readonly (PolicyStatement | ResourcePolicyStatement)[] | IResolvable) {
  return { Version: POLICY_VERSION, Statement: Tokenization.isResolvable(statements) ? statements : statements.map(statementObject) };
}

function statementObject(s: PolicyStatement | ResourcePolicyStatement) {
  return {
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect ?? 'Allow',
    ...('principal' in s ? { Principal: s.principal } : {}),
    Action: oneOrMany(s.actions),
    ...(s.notResources?.length
      ? { NotResource: oneOrMany(s.notResources) }
      : s.resources !== undefined
        ? { Resource: oneOrMany(s.resources) }
        : {}), // a trust policy's statement names no resource
    ...(s.conditions ? { Condition: s.conditions } : {}),
  };
}

/**
 * Statements as the document holds them, for a document whose list of statements only Terraform
 * can put together (one statement or another, from a variable): see {@link policyDocumentExpression}.
 */
export function statementObjects(statements: readonly (PolicyStatement | ResourcePolicyStatement)[]): object[] {
  return statements.map(statementObject);
}

/** Renders statements as an IAM policy document: compact JSON, keys in the order AWS documents them. */
export function policyDocument(statements: readonly (PolicyStatement | ResourcePolicyStatement)[]): string {
  return JSON.stringify(policyObject(statements));
}

/**
 * Renders a policy document as a Terraform `jsonencode(...)` expression, for documents with a list
 * only Terraform knows: a statement's resources (a list token), or the statements themselves (an
 * expression building them from a variable).
 */
export function policyDocumentExpression(statements: readonly PolicyStatement[] | IResolvable): string {
  return Token.asString(Fn.jsonencode(policyObject(statements)));
}

/** One value as itself, several as a list; a list only Terraform knows stays a list. */
function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 && !Token.isUnresolved(values) ? values[0] : [...values];
}

/** Trust policy that lets an AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return policyDocument([{ principal: { Service: service }, actions: ['sts:AssumeRole'] }]);
}
