import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, FieldPairRule } from '../core/rules';
import { checkCors, Cors, corsBlock } from './cors';
import { LambdaFunction } from './lambda-function';

/** How a function URL authenticates callers: `AWS_IAM` (signed requests) or `NONE` (anyone). */
export const FUNCTION_URL_AUTH_TYPES = ['AWS_IAM', 'NONE'] as const;
export type FunctionUrlAuthType = (typeof FUNCTION_URL_AUTH_TYPES)[number];

/** The default: only callers whose IAM policies allow it, with signed requests. */
export const DEFAULT_FUNCTION_URL_AUTH_TYPE: FunctionUrlAuthType = 'AWS_IAM';

/** Properties of a function URL. */
export interface FunctionUrlProps {
  /** `AWS_IAM` (callers sign requests) or `NONE` (anyone on the internet; needs `public: true`). @default 'AWS_IAM' */
  readonly authType?: FunctionUrlAuthType;
  /** Says a `NONE` URL is open to anyone on purpose; refused with `AWS_IAM`. @default false */
  readonly public?: boolean;
  /** CORS of the URL. @default no CORS headers */
  readonly cors?: Cors;
}

/**
 * Rules between a function URL's settings, in words: synth checks them, and the generated
 * `lambda` module states them as validations of `authorization_type`, with these words.
 */
export const FUNCTION_URL_PAIR_RULES = Object.freeze({
  /** On the auth type: NONE only when the URL is said to be public. */
  noneNeedsPublic: {
    code: 'function-url-not-said-public',
    text: 'authType NONE opens the function to anyone on the internet: set public: true to say so (lambda module: lambda_function_url_public = true)',
  },
  /** On `public`: an AWS_IAM URL is not public, so saying it is contradicts the auth type. */
  publicNeedsNone: {
    code: 'function-url-public-with-iam',
    text: 'public: true contradicts authType AWS_IAM, which lets only signed requests in: set authType NONE, or drop public (lambda module: authorization_type, lambda_function_url_public)',
  },
} as const satisfies Record<string, FieldPairRule>);

/** The auth type rule, for the generated module (the schema checks it in the environment config). */
export const FUNCTION_URL_AUTH_TYPE_RULE = { kind: 'oneOf', values: FUNCTION_URL_AUTH_TYPES, what: 'function URL auth types', code: 'function-url-auth-type' } as const;

/**
 * What the permission of a public (`NONE`) URL grants, besides the function and alias it names:
 * `lambda:InvokeFunctionUrl` to anyone, through a URL whose auth type is NONE only. Its own
 * statement id: the provider adds a `FunctionURLAllowPublicAccess` statement itself.
 */
export const PUBLIC_FUNCTION_URL_PERMISSION = Object.freeze({
  statementId: 'AllowPublicFunctionUrl',
  action: 'lambda:InvokeFunctionUrl',
  principal: '*',
  functionUrlAuthType: 'NONE',
} as const);

/** A function's URL and, for a public one, the permission that lets anyone call it. */
export interface FunctionUrlParts {
  readonly url: LambdaFunctionUrl;
  /** Present for `authType: 'NONE'` only. */
  readonly publicPermission?: LambdaPermission;
}

/**
 * Gives a function a URL on its alias (`qualifier`), so it serves the version CI promoted.
 * `AWS_IAM` by default: callers need `lambda:InvokeFunctionUrl` on the alias and sign their
 * requests. `NONE` (with `public: true`) also adds the permission for anyone to invoke it through
 * the URL. The parts are created under the function, `function-url` and `function-url-permission`.
 */
export function addFunctionUrl(fn: LambdaFunction, props: FunctionUrlProps): FunctionUrlParts {
  const authType = props.authType ?? DEFAULT_FUNCTION_URL_AUTH_TYPE;
  const url = new LambdaFunctionUrl(fn, 'function-url', {
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    authorizationType: authType,
    cors: props.cors ? corsBlock(props.cors) : undefined,
  });
  const publicPermission =
    authType === 'NONE'
      ? new LambdaPermission(fn, 'function-url-permission', {
          ...PUBLIC_FUNCTION_URL_PERMISSION,
          functionName: fn.resource.functionName,
          qualifier: fn.alias.name,
        })
      : undefined;
  addProblemCheck(url, () => checkFunctionUrl(props));
  return { url, publicPermission };
}

/** Problems with a function URL's settings, on the fields `functionUrl.*`. */
export function checkFunctionUrl(props: FunctionUrlProps): Problem[] {
  const authType = props.authType ?? DEFAULT_FUNCTION_URL_AUTH_TYPE;
  const problems = [...check('functionUrl.authType', authType, FUNCTION_URL_AUTH_TYPE_RULE), ...checkCors('functionUrl.cors', props.cors)];
  if (authType === 'NONE' && props.public !== true) {
    const rule = FUNCTION_URL_PAIR_RULES.noneNeedsPublic;
    problems.push(problem(rule.code, 'functionUrl.authType', authType, rule.text));
  }
  if (authType === 'AWS_IAM' && props.public === true) {
    const rule = FUNCTION_URL_PAIR_RULES.publicNeedsNone;
    problems.push(problem(rule.code, 'functionUrl.public', props.public, rule.text));
  }
  return problems;
}
