import { Problem, problem } from '../core/problems';
import { check, FieldPairRule, isToken, ruleTable } from '../core/rules';

/** CORS of an HTTP API or a function URL: what browsers on other origins may do. */
export interface Cors {
  /** Origins allowed to call, such as `https://app.example.com`; `*` for any. */
  readonly allowOrigins: readonly string[];
  /** HTTP methods allowed, such as `GET`; `*` for any. @default ['*'] */
  readonly allowMethods?: readonly string[];
  /** Request headers allowed. @default none */
  readonly allowHeaders?: readonly string[];
  /** Response headers the browser may read. @default none */
  readonly exposeHeaders?: readonly string[];
  /** Allow cookies and credentials; not with the origin `*`. @default false */
  readonly allowCredentials?: boolean;
  /** Seconds a browser may cache the preflight answer, 0 to 86400. @default 0 */
  readonly maxAge?: number;
}

/** CORS limits of API Gateway and Lambda function URLs (both take at most a day of preflight caching). */
export const CORS_RULES = ruleTable({ maxAge: { kind: 'range', min: 0, max: 86400, unit: 'seconds' } }, 'cors-');

/** Rules between CORS settings, in words. */
export const CORS_PAIR_RULES = Object.freeze({
  /** On `allowCredentials`: browsers refuse credentials from a response that allows any origin. */
  credentialsWithAnyOrigin: {
    code: 'cors-credentials-with-any-origin',
    text: 'credentials cannot be allowed for the origin "*" (browsers refuse them): name the origins instead',
  },
} as const satisfies Record<string, FieldPairRule>);

/** Problems with CORS settings; `field` is where they are written, such as `cors`. */
export function checkCors(field: string, cors: Cors | undefined): Problem[] {
  if (cors === undefined) return [];
  const problems = cors.maxAge === undefined ? [] : check(`${field}.maxAge`, cors.maxAge, CORS_RULES.maxAge);
  if (cors.allowCredentials === true && !isToken(cors.allowOrigins) && cors.allowOrigins.includes('*')) {
    const rule = CORS_PAIR_RULES.credentialsWithAnyOrigin;
    problems.push(problem(rule.code, `${field}.allowCredentials`, cors.allowCredentials, rule.text));
  }
  return problems;
}

/**
 * CORS as the provider's `cors_configuration` (API Gateway) and `cors` (function URL) blocks
 * take it, with the defaults stated: any method, no credentials, no preflight caching.
 */
export function corsBlock(cors: Cors): {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  allowCredentials: boolean;
  maxAge: number;
} {
  return {
    allowOrigins: [...cors.allowOrigins],
    allowMethods: [...(cors.allowMethods ?? ['*'])],
    allowHeaders: cors.allowHeaders ? [...cors.allowHeaders] : undefined,
    exposeHeaders: cors.exposeHeaders ? [...cors.exposeHeaders] : undefined,
    allowCredentials: cors.allowCredentials ?? false,
    maxAge: cors.maxAge ?? 0,
  };
}
