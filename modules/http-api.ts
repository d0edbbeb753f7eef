import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, FieldPairRule, isToken, RULES, ruleTable } from '../core/rules';
import { checkCors, Cors, corsBlock } from './cors';
import { LambdaFunction, tagsOrNothing } from './lambda-function';

/** Methods a route key may name. */
export const ROUTE_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** API Gateway's limits on an HTTP API's settings; synth checks them (see {@link checkHttpApi}). */
export const HTTP_API_RULES = ruleTable(
  {
    apiName: { kind: 'maxLength', max: 128 },
    description: { kind: 'maxLength', max: 1024 },
    routeKey: {
      kind: 'pattern',
      pattern: `^(\\$default|(${ROUTE_METHODS.join('|')}) /[^\\s]*)$`,
      text: `must be $default or "<METHOD> /<path>", METHOD one of ${ROUTE_METHODS.join(', ')}, such as "GET /books/{id}"`,
    },
    // 0 answers every request with 429 Too Many Requests.
    throttlingBurstLimit: { kind: 'range', min: 1, unit: 'requests' },
    issuer: {
      kind: 'pattern',
      pattern: '^https://[^\\s]+$',
      text: 'must be an https:// URL: API Gateway reads the signing keys from the issuer over TLS',
    },
    identitySource: {
      kind: 'pattern',
      pattern: '^\\$(request\\.(header|querystring)|context|stageVariables)\\.[^\\s,]+$',
      text: 'must be one selection expression such as $request.header.Authorization',
    },
  },
  'http-api-',
);

/** Rules of an HTTP API that are not one value against one limit, in words. */
export const HTTP_API_VALUE_RULES = Object.freeze({
  /** Requests per second may be fractional, but not negative. */
  throttlingRateLimit: { code: 'http-api-throttling-rate-limit', text: 'must be a number above 0 (requests per second, on average): 0 answers every request with 429 Too Many Requests' },
  /**
   * On the rate limit: the provider sends a limit left out as 0, which answers every request
   * with 429, so the two come together.
   */
  throttlingPair: {
    code: 'http-api-throttling-pair',
    text: 'throttlingRateLimit and throttlingBurstLimit go together: give both, or neither (the account\'s limits); a limit left out would be 0, which answers every request with 429 Too Many Requests',
  },
  /** A JWT must name one of the audiences, so an empty list lets no token in. */
  audience: { code: 'http-api-audience', text: 'must name at least one audience (the client ids a token may be issued to)' },
  /** An API without routes answers nothing (checked on the environment config). */
  routes: { code: 'http-api-routes', text: 'must have at least one route, such as "$default" or "ANY /{proxy+}"' },
} as const satisfies Record<string, FieldPairRule>);

/** The fields of an access log line: the request, who sent it, what answered, and why an integration failed. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationErrorMessage: '$context.integrationErrorMessage',
});

/** The default identity source of the JWT authorizer: the bearer token in the Authorization header. */
export const DEFAULT_IDENTITY_SOURCE = '$request.header.Authorization';

/** A JWT authorizer on every route of an API. */
export interface JwtAuthorizer {
  /** The token issuer, an https:// URL. */
  readonly issuer: string;
  /** Audiences a token must name one of; at least one. */
  readonly audience: readonly string[];
  /** Where the token is read from. @default '$request.header.Authorization' */
  readonly identitySource?: string;
}

/** Properties of an {@link HttpApi}. */
export interface HttpApiProps {
  /** Name of the API; its access logs go to `/aws/apigateway/<apiName>`. */
  readonly apiName: string;
  /** Description of the API. @default none */
  readonly description?: string;
  /** Route keys and the function each invokes (its alias): `'GET /books': api`, `'$default': api`. */
  readonly routes: Readonly<Record<string, LambdaFunction>>;
  /** Requests per second the stage allows, on average. @default the account's limit */
  readonly throttlingRateLimit?: number;
  /** Requests the stage allows in a burst. @default the account's limit */
  readonly throttlingBurstLimit?: number;
  /** Days to keep the access logs, one of the periods CloudWatch Logs supports. @default 30 */
  readonly accessLogRetentionInDays?: number;
  /** A JWT authorizer on every route. @default none: every route is open */
  readonly jwtAuthorizer?: JwtAuthorizer;
  /** CORS of the API. @default no CORS headers */
  readonly cors?: Cors;
  /** Tags of the API, its stage and its log group. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What an HTTP API's invoke permission on a function grants, besides the function, alias and API it names. */
export const HTTP_API_PERMISSION = Object.freeze({ action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com' } as const);

/**
 * An API Gateway HTTP API in front of functions: a `$default` stage deployed on every change,
 * with JSON access logs and optional throttling; routes to Lambda proxy integrations (payload
 * 2.0) on each function's alias; an optional JWT authorizer on every route. Each function gets
 * one integration and one invoke permission, both under the function (`<api id>-integration`,
 * `<api id>-permission`): the permission names the alias (`qualifier`) and only this API may use
 * it (`source_arn`), so nothing else invokes the function through it.
 */
export class HttpApi extends Construct {
  readonly apiName: string;
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  /** `/aws/apigateway/<apiName>`: the stage's access logs. */
  readonly logGroup: CloudwatchLogGroup;
  readonly authorizer?: Apigatewayv2Authorizer;
  /** Routes by route key. */
  readonly routes: Readonly<Record<string, Apigatewayv2Route>>;
  /** The integration of each function. */
  readonly integrations: ReadonlyMap<LambdaFunction, Apigatewayv2Integration>;
  /** The invoke permission of each function. */
  readonly permissions: ReadonlyMap<LambdaFunction, LambdaPermission>;
  /** The URL the API answers at: `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const tags = tagsOrNothing(props.tags);
    this.apiName = props.apiName;

    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.apiName,
      description: props.description,
      protocolType: 'HTTP',
      corsConfiguration: props.cors ? corsBlock(props.cors) : undefined,
      tags,
    });
    this.endpoint = this.api.apiEndpoint;

    this.logGroup = new CloudwatchLogGroup(this, 'access-log-group', {
      name: `/aws/apigateway/${props.apiName}`,
      retentionInDays: props.accessLogRetentionInDays ?? 30,
      tags,
    });

    const throttled = props.throttlingRateLimit !== undefined || props.throttlingBurstLimit !== undefined;
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      accessLogSettings: { destinationArn: this.logGroup.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: throttled
        ? { throttlingRateLimit: props.throttlingRateLimit, throttlingBurstLimit: props.throttlingBurstLimit }
        : undefined,
      tags,
    });

    if (props.jwtAuthorizer) {
      this.authorizer = new Apigatewayv2Authorizer(this, 'authorizer', {
        apiId: this.api.id,
        name: 'jwt',
        authorizerType: 'JWT',
        identitySources: [props.jwtAuthorizer.identitySource ?? DEFAULT_IDENTITY_SOURCE],
        jwtConfiguration: { issuer: props.jwtAuthorizer.issuer, audience: [...props.jwtAuthorizer.audience] },
      });
    }

    const integrations = new Map<LambdaFunction, Apigatewayv2Integration>();
    const permissions = new Map<LambdaFunction, LambdaPermission>();
    for (const fn of new Set(Object.values(props.routes))) {
      integrations.set(
        fn,
        new Apigatewayv2Integration(fn, `${id}-integration`, {
          apiId: this.api.id,
          integrationType: 'AWS_PROXY',
          integrationMethod: 'POST',
          // The alias: the API serves the version CI promoted, never $LATEST.
          integrationUri: fn.aliasArn,
          payloadFormatVersion: '2.0',
        }),
      );
      permissions.set(
        fn,
        new LambdaPermission(fn, `${id}-permission`, {
          ...HTTP_API_PERMISSION,
          statementId: `AllowHttpApi-${id}`,
          functionName: fn.resource.functionName,
          qualifier: fn.alias.name,
          // Any stage, method and path of this API, and of no other.
          sourceArn: `${this.api.executionArn}/*/*`,
        }),
      );
    }
    this.integrations = integrations;
    this.permissions = permissions;

    const routes: Record<string, Apigatewayv2Route> = {};
    const ids = new Set<string>();
    for (const [routeKey, fn] of Object.entries(props.routes)) {
      routes[routeKey] = new Apigatewayv2Route(this, uniqueRouteId(routeKey, ids), {
        apiId: this.api.id,
        routeKey,
        target: `integrations/${integrations.get(fn)!.id}`,
        authorizationType: this.authorizer ? 'JWT' : 'NONE',
        authorizerId: this.authorizer?.id,
      });
    }
    this.routes = routes;

    addProblemCheck(this, () => checkHttpApi(props));
  }
}

/** A readable construct id for a route: `GET /books/{id}` → `route-get-books-id`; a second one alike gets `-2`. */
function uniqueRouteId(routeKey: string, taken: Set<string>): string {
  const base = `route-${routeKey.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root'}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Problems with an HTTP API's settings, on its fields as the environment config writes them. */
export function checkHttpApi(props: HttpApiProps): Problem[] {
  const problems: Problem[] = [
    ...check('apiName', props.apiName, HTTP_API_RULES.apiName),
    ...(props.description === undefined ? [] : check('description', props.description, HTTP_API_RULES.description)),
    ...Object.keys(props.routes).flatMap((key) => check(`routes[${JSON.stringify(key)}]`, key, HTTP_API_RULES.routeKey)),
    ...(props.throttlingBurstLimit === undefined ? [] : check('throttlingBurstLimit', props.throttlingBurstLimit, HTTP_API_RULES.throttlingBurstLimit)),
    ...(props.accessLogRetentionInDays === undefined ? [] : check('accessLogRetentionInDays', props.accessLogRetentionInDays, RULES.logRetentionDays)),
    ...checkCors('cors', props.cors),
  ];
  const rate = props.throttlingRateLimit;
  if (rate !== undefined && !isToken(rate) && !(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    const rule = HTTP_API_VALUE_RULES.throttlingRateLimit;
    problems.push(problem(rule.code, 'throttlingRateLimit', rate, rule.text));
  }
  if ((rate === undefined) !== (props.throttlingBurstLimit === undefined)) {
    const rule = HTTP_API_VALUE_RULES.throttlingPair;
    const [field, value] = rate === undefined ? ['throttlingBurstLimit', props.throttlingBurstLimit] : ['throttlingRateLimit', rate];
    problems.push(problem(rule.code, field, value, rule.text));
  }
  const jwt = props.jwtAuthorizer;
  if (jwt) {
    problems.push(...check('jwtAuthorizer.issuer', jwt.issuer, HTTP_API_RULES.issuer));
    if (!isToken(jwt.audience) && jwt.audience.length === 0) {
      const rule = HTTP_API_VALUE_RULES.audience;
      problems.push(problem(rule.code, 'jwtAuthorizer.audience', jwt.audience, rule.text));
    }
    if (jwt.identitySource !== undefined) problems.push(...check('jwtAuthorizer.identitySource', jwt.identitySource, HTTP_API_RULES.identitySource));
  }
  return problems;
}
