import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from '../core/framework';
import { formatProblem, Problem, ValidationError } from '../core/problems';
import { ACCESS_LOG_FORMAT, HTTP_API_PERMISSION } from '../modules/http-api';
import { PUBLIC_FUNCTION_URL_PERMISSION } from '../modules/function-url';
import { EnvironmentConfig, FunctionConfig, HttpApiConfig } from '../stacks/environment-config';
import { EnvironmentStack } from '../stacks/environment-stack';
import { buildApp, synthesize } from '../synth/synthesize';
import { allowTrigger } from '../modules/allowed-triggers';
import { LambdaFunction } from '../modules/lambda-function';
import { messagesOf, resourcesOf, synthJson, tempDir, testStack } from './support/synth';

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Config = Mutable<EnvironmentConfig> & { functions: Record<string, Mutable<FunctionConfig>>; httpApis: Record<string, Mutable<HttpApiConfig>> };

/** A small environment of its own: an API behind an HTTP API with a JWT authorizer, a bot with a function URL. */
function shop(): Config {
  return {
    name: 'staging',
    accountId: '111111111111',
    region: 'us-west-2',
    namePrefix: 'shop-staging',
    backend: { bucket: 'shop-state', dynamodbTable: 'shop-locks' },
    artifactsBucket: 'shop-artifacts',
    functions: {
      api: { handler: 'app.main.handler' },
      bot: { handler: 'app.bot.handler', alias: 'current' },
      worker: { handler: 'app.worker.handler' },
    },
    httpApis: {
      public: {
        routes: { 'GET /books': 'api', 'POST /books/{id}': 'api', $default: 'bot' },
        throttlingRateLimit: 50.5,
        throttlingBurstLimit: 100,
        accessLogRetentionInDays: 90,
        jwtAuthorizer: { issuer: 'https://auth.example.com/', audience: ['shop-web', 'shop-app'] },
        cors: { allowOrigins: ['https://shop.example.com'], allowHeaders: ['authorization'], allowCredentials: true, maxAge: 600 },
      },
    },
  };
}

/** The environment's stack as synthesized. */
function synthesized(config: Config): any {
  const app = buildApp([config as EnvironmentConfig], { outdir: path.join(tempDir('http'), 'out') });
  return JSON.parse(Testing.synth(app.node.findChild(config.name) as EnvironmentStack));
}

/** Resources of a type, without cdktf's metadata. */
function plain(json: any, type: string): Record<string, any> {
  return Object.fromEntries(
    Object.entries(resourcesOf(json, type)).map(([name, body]) => [name, Object.fromEntries(Object.entries(body as object).filter(([k]) => k !== '//'))]),
  );
}

/** Every problem synth reports for the environment, in words; fails if synth writes anything. */
function problemsOf(config: Config): string[] {
  const outdir = path.join(tempDir('http-bad'), 'cdktf.out');
  try {
    synthesize([config as EnvironmentConfig], { outdir });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(fs.existsSync(outdir)).toBe(false);
    return (error as ValidationError).problems.map((p: Problem) => formatProblem(p));
  }
  throw new Error('synth accepted the bad input');
}

describe('an HTTP API in front of functions', () => {
  const json = synthesized(shop());

  test('the API, with its CORS, and a $default stage deployed on every change, logging JSON lines to its own log group, throttled as asked', () => {
    expect(plain(json, 'aws_apigatewayv2_api')).toEqual({
      public_http_api_api: {
        name: 'shop-staging-public',
        protocol_type: 'HTTP',
        cors_configuration: {
          allow_origins: ['https://shop.example.com'],
          allow_methods: ['*'],
          allow_headers: ['authorization'],
          allow_credentials: true,
          max_age: 600,
        },
      },
    });
    expect(plain(json, 'aws_apigatewayv2_stage')).toEqual({
      public_http_api_stage: {
        api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
        name: '$default',
        auto_deploy: true,
        access_log_settings: { destination_arn: '${aws_cloudwatch_log_group.public_http_api_access_log_group.arn}', format: ACCESS_LOG_FORMAT },
        default_route_settings: { throttling_rate_limit: 50.5, throttling_burst_limit: 100 },
      },
    });
    expect(JSON.parse(ACCESS_LOG_FORMAT)).toEqual({
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
    expect(plain(json, 'aws_cloudwatch_log_group').public_http_api_access_log_group).toEqual({
      name: '/aws/apigateway/shop-staging-public',
      retention_in_days: 90,
    });
  });

  test("one Lambda proxy integration per function, on the function's alias, payload 2.0", () => {
    expect(plain(json, 'aws_apigatewayv2_integration')).toEqual({
      api_public_http_api_integration: {
        api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
        integration_type: 'AWS_PROXY',
        integration_method: 'POST',
        integration_uri: '${aws_lambda_alias.api_alias.arn}',
        payload_format_version: '2.0',
      },
      bot_public_http_api_integration: {
        api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
        integration_type: 'AWS_PROXY',
        integration_method: 'POST',
        integration_uri: '${aws_lambda_alias.bot_alias.arn}',
        payload_format_version: '2.0',
      },
    });
  });

  test('one invoke permission per function: API Gateway, this API only (source_arn), the alias only (qualifier)', () => {
    expect(plain(json, 'aws_lambda_permission')).toEqual({
      api_public_http_api_permission: {
        ...HTTP_API_PERMISSION,
        statement_id: 'AllowHttpApi-public-http-api',
        function_name: '${aws_lambda_function.api_function.function_name}',
        qualifier: '${aws_lambda_alias.api_alias.name}',
        source_arn: '${aws_apigatewayv2_api.public_http_api_api.execution_arn}/*/*',
      },
      bot_public_http_api_permission: {
        ...HTTP_API_PERMISSION,
        statement_id: 'AllowHttpApi-public-http-api',
        function_name: '${aws_lambda_function.bot_function.function_name}',
        qualifier: '${aws_lambda_alias.bot_alias.name}',
        source_arn: '${aws_apigatewayv2_api.public_http_api_api.execution_arn}/*/*',
      },
    });
    expect(HTTP_API_PERMISSION).toEqual({ action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com' });
  });

  test('every route goes through the JWT authorizer, which reads the bearer token by default', () => {
    const authorized = { authorization_type: 'JWT', authorizer_id: '${aws_apigatewayv2_authorizer.public_http_api_authorizer.id}' };
    const api = '${aws_apigatewayv2_api.public_http_api_api.id}';
    expect(plain(json, 'aws_apigatewayv2_route')).toEqual({
      public_http_api_route_get_books: {
        api_id: api,
        route_key: 'GET /books',
        target: 'integrations/${aws_apigatewayv2_integration.api_public_http_api_integration.id}',
        ...authorized,
      },
      public_http_api_route_post_books_id: {
        api_id: api,
        route_key: 'POST /books/{id}',
        target: 'integrations/${aws_apigatewayv2_integration.api_public_http_api_integration.id}',
        ...authorized,
      },
      public_http_api_route_default: {
        api_id: api,
        route_key: '$default',
        target: 'integrations/${aws_apigatewayv2_integration.bot_public_http_api_integration.id}',
        ...authorized,
      },
    });
    expect(plain(json, 'aws_apigatewayv2_authorizer')).toEqual({
      public_http_api_authorizer: {
        api_id: api,
        name: 'jwt',
        authorizer_type: 'JWT',
        identity_sources: ['$request.header.Authorization'],
        jwt_configuration: { issuer: 'https://auth.example.com/', audience: ['shop-web', 'shop-app'] },
      },
    });
  });

  test('the endpoint is a stack output', () => {
    expect(json.output.public_http_api_endpoint).toEqual({
      value: '${aws_apigatewayv2_api.public_http_api_api.api_endpoint}',
      description: 'URL of the shop-staging-public HTTP API (its $default stage)',
    });
  });

  test('without an authorizer, throttling or retention: open routes (said so), no route settings, 30 days of access logs, the apiName given', () => {
    const config = shop();
    config.httpApis.public = { apiName: 'shop-books', routes: { 'ANY /{proxy+}': 'api' }, jwtAuthorizer: undefined };
    const bare = synthesized(config);
    expect(plain(bare, 'aws_apigatewayv2_route')).toEqual({
      public_http_api_route_any_proxy: {
        api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
        route_key: 'ANY /{proxy+}',
        target: 'integrations/${aws_apigatewayv2_integration.api_public_http_api_integration.id}',
        authorization_type: 'NONE',
      },
    });
    expect(resourcesOf(bare, 'aws_apigatewayv2_authorizer')).toEqual({});
    expect(plain(bare, 'aws_apigatewayv2_stage').public_http_api_stage.default_route_settings).toBeUndefined();
    expect(plain(bare, 'aws_apigatewayv2_api').public_http_api_api).toEqual({ name: 'shop-books', protocol_type: 'HTTP' });
    expect(plain(bare, 'aws_cloudwatch_log_group').public_http_api_access_log_group).toEqual({ name: '/aws/apigateway/shop-books', retention_in_days: 30 });
    expect(Object.keys(resourcesOf(bare, 'aws_lambda_permission'))).toEqual(['api_public_http_api_permission']);
  });

  test('routes whose keys read alike get construct ids of their own', () => {
    const config = shop();
    config.httpApis.public = { routes: { 'GET /books/{id}': 'api', 'GET /books/id': 'bot' } };
    expect(Object.keys(resourcesOf(synthesized(config), 'aws_apigatewayv2_route'))).toEqual([
      'public_http_api_route_get_books_id',
      'public_http_api_route_get_books_id_2',
    ]);
  });
});

describe('function URLs', () => {
  test('on the alias, AWS_IAM by default, with no resource permission: callers need their own IAM grant', () => {
    const config = shop();
    config.functions.worker.functionUrl = {};
    const json = synthesized(config);
    expect(plain(json, 'aws_lambda_function_url')).toEqual({
      worker_function_url: {
        function_name: '${aws_lambda_function.worker_function.function_name}',
        qualifier: '${aws_lambda_alias.worker_alias.name}',
        authorization_type: 'AWS_IAM',
      },
    });
    expect(Object.keys(resourcesOf(json, 'aws_lambda_permission')).filter((name) => name.startsWith('worker'))).toEqual([]);
    expect(json.output.worker_function_url).toEqual({
      value: '${aws_lambda_function_url.worker_function_url.function_url}',
      description: "URL of the worker function's live alias (auth AWS_IAM)",
    });
  });

  test('NONE said public: open to anyone, through the URL of the alias only, with its CORS', () => {
    const config = shop();
    config.functions.worker.functionUrl = { authType: 'NONE', public: true, cors: { allowOrigins: ['*'], allowMethods: ['GET'] } };
    const json = synthesized(config);
    expect(plain(json, 'aws_lambda_function_url').worker_function_url).toEqual({
      function_name: '${aws_lambda_function.worker_function.function_name}',
      qualifier: '${aws_lambda_alias.worker_alias.name}',
      authorization_type: 'NONE',
      cors: { allow_origins: ['*'], allow_methods: ['GET'], allow_credentials: false, max_age: 0 },
    });
    expect(plain(json, 'aws_lambda_permission').worker_function_url_permission).toEqual({
      statement_id: 'AllowPublicFunctionUrl',
      action: 'lambda:InvokeFunctionUrl',
      principal: '*',
      function_url_auth_type: 'NONE',
      function_name: '${aws_lambda_function.worker_function.function_name}',
      qualifier: '${aws_lambda_alias.worker_alias.name}',
    });
    expect(PUBLIC_FUNCTION_URL_PERMISSION.action).toBe('lambda:InvokeFunctionUrl');
  });
});

describe('bad HTTP input is refused at synth, naming the field as written, the value and the rule', () => {
  test.each<[string, (c: Config) => void, string[]]>([
    [
      'a route key without a method',
      (c) => (c.httpApis.public.routes = { 'GET books': 'api' }),
      ['[staging] staging/public-http-api: httpApis.public.routes["GET books"] = "GET books": must be $default or "<METHOD> /<path>", METHOD one of ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, such as "GET /books/{id}"'],
    ],
    [
      'a method API Gateway does not route',
      (c) => (c.httpApis.public.routes = { 'FETCH /books': 'api' }),
      ['[staging] staging/public-http-api: httpApis.public.routes["FETCH /books"] = "FETCH /books": must be $default or "<METHOD> /<path>", METHOD one of ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, such as "GET /books/{id}"'],
    ],
    [
      'a route to an unknown function',
      (c) => (c.httpApis.public.routes = { 'GET /books': 'apii' }),
      ['[staging] staging: httpApis.public.routes["GET /books"] = "apii": must be the key of one of this environment\'s functions (api, bot, worker); did you mean api?'],
    ],
    ['an API without routes', (c) => (c.httpApis.public.routes = {}), ['[staging] staging: httpApis.public.routes = {}: must have at least one route, such as "$default" or "ANY /{proxy+}"']],
    [
      'a rate limit of 0',
      (c) => (c.httpApis.public.throttlingRateLimit = 0),
      ['[staging] staging/public-http-api: httpApis.public.throttlingRateLimit = 0: must be a number above 0 (requests per second, on average): 0 answers every request with 429 Too Many Requests'],
    ],
    [
      'a burst limit of 0',
      (c) => (c.httpApis.public.throttlingBurstLimit = 0),
      ['[staging] staging/public-http-api: httpApis.public.throttlingBurstLimit = 0: must be a whole number of at least 1 requests'],
    ],
    [
      'a rate limit without a burst limit',
      (c) => delete c.httpApis.public.throttlingBurstLimit,
      [
        "[staging] staging/public-http-api: httpApis.public.throttlingRateLimit = 50.5: throttlingRateLimit and throttlingBurstLimit go together: give both, or neither (the account's limits); a limit left out would be 0, which answers every request with 429 Too Many Requests",
      ],
    ],
    [
      'a burst limit without a rate limit',
      (c) => delete c.httpApis.public.throttlingRateLimit,
      [
        "[staging] staging/public-http-api: httpApis.public.throttlingBurstLimit = 100: throttlingRateLimit and throttlingBurstLimit go together: give both, or neither (the account's limits); a limit left out would be 0, which answers every request with 429 Too Many Requests",
      ],
    ],
    [
      'a retention CloudWatch Logs does not offer',
      (c) => (c.httpApis.public.accessLogRetentionInDays = 31),
      [
        '[staging] staging/public-http-api: httpApis.public.accessLogRetentionInDays = 31: must be one of the supported CloudWatch Logs retention periods (days): 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      ],
    ],
    [
      'an issuer over plain http',
      (c) => (c.httpApis.public.jwtAuthorizer = { issuer: 'http://auth.example.com/', audience: ['shop-web'] }),
      ['[staging] staging/public-http-api: httpApis.public.jwtAuthorizer.issuer = "http://auth.example.com/": must be an https:// URL: API Gateway reads the signing keys from the issuer over TLS'],
    ],
    [
      'no audience',
      (c) => (c.httpApis.public.jwtAuthorizer = { issuer: 'https://auth.example.com/', audience: [] }),
      ['[staging] staging/public-http-api: httpApis.public.jwtAuthorizer.audience = []: must name at least one audience (the client ids a token may be issued to)'],
    ],
    [
      'an identity source that is no selection expression',
      (c) => (c.httpApis.public.jwtAuthorizer = { issuer: 'https://auth.example.com/', audience: ['a'], identitySource: 'Authorization' }),
      ['[staging] staging/public-http-api: httpApis.public.jwtAuthorizer.identitySource = "Authorization": must be one selection expression such as $request.header.Authorization'],
    ],
    [
      'a preflight cached for more than a day',
      (c) => (c.httpApis.public.cors = { allowOrigins: ['https://shop.example.com'], maxAge: 86401 }),
      ['[staging] staging/public-http-api: httpApis.public.cors.maxAge = 86401: must be a whole number from 0 to 86400 seconds'],
    ],
    [
      'credentials for any origin',
      (c) => (c.httpApis.public.cors = { allowOrigins: ['*'], allowCredentials: true }),
      ['[staging] staging/public-http-api: httpApis.public.cors.allowCredentials = true: credentials cannot be allowed for the origin "*" (browsers refuse them): name the origins instead'],
    ],
    [
      'two APIs of one name (and one access log group)',
      (c) => (c.httpApis.admin = { apiName: 'shop-staging-public', routes: { $default: 'worker' } }),
      ['[staging] staging: httpApis.admin.apiName = "shop-staging-public": is already the name of httpApis.public; each HTTP API needs its own name (and access log group)'],
    ],
    [
      'a public URL not said to be public',
      (c) => (c.functions.worker.functionUrl = { authType: 'NONE' }),
      [
        '[staging] staging/worker/function-url: functions.worker.functionUrl.authType = "NONE": authType NONE opens the function to anyone on the internet: set public: true to say so (lambda module: lambda_function_url_public = true)',
      ],
    ],
    [
      'an AWS_IAM URL said to be public',
      (c) => (c.functions.worker.functionUrl = { public: true }),
      [
        '[staging] staging/worker/function-url: functions.worker.functionUrl.public = true: public: true contradicts authType AWS_IAM, which lets only signed requests in: set authType NONE, or drop public (lambda module: authorization_type, lambda_function_url_public)',
      ],
    ],
    [
      'a URL with a negative preflight cache',
      (c) => (c.functions.worker.functionUrl = { cors: { allowOrigins: ['https://shop.example.com'], maxAge: -1 } }),
      ['[staging] staging/worker/function-url: functions.worker.functionUrl.cors.maxAge = -1: must be a whole number from 0 to 86400 seconds'],
    ],
    [
      'a URL on a function behind the API (two front doors)',
      (c) => (c.functions.api.functionUrl = {}),
      ['[staging] staging: functions.api.functionUrl = {}: a function is reached through an HTTP API or through its function URL, not both: remove the functionUrl, or the routes to it (httpApis.public routes to it)'],
    ],
  ])('%s', (_case, change, expected) => {
    const config = shop();
    change(config);
    expect(problemsOf(config)).toEqual(expected);
  });

  test('an API key whose construct ids a function has taken is reported, not a crash', () => {
    const config = shop();
    config.functions['public-http-api'] = { handler: 'app.main.handler' };
    expect(problemsOf(config)).toEqual([
      '[staging] staging: httpApis.public = "public": needs the construct id "public-http-api", which functions.public-http-api has already; rename one of them',
    ]);
  });
});

describe('allowed triggers (the construct side of the modules\' allowed_triggers)', () => {
  const fn = () => new LambdaFunction(testStack(), 'api', { functionName: 'shop-api', handler: 'app.main.handler', aliasName: 'current' });

  test('a permission on the alias, the service written out, under the trigger name', () => {
    const f = fn();
    allowTrigger(f, 'Nightly', { service: 'events', sourceArn: 'arn:aws:events:us-west-2:111111111111:rule/nightly' });
    // a plain test stack: Terraform names end in hashes
    expect(Object.values(plain(synthJson(f.node.scope as TerraformStack), 'aws_lambda_permission'))).toEqual([
      {
        statement_id: 'Nightly',
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        function_name: expect.stringMatching(/^\$\{aws_lambda_function\.api_function_[0-9A-F]+\.function_name\}$/),
        qualifier: expect.stringMatching(/^\$\{aws_lambda_alias\.api_alias_[0-9A-F]+\.name\}$/),
        source_arn: 'arn:aws:events:us-west-2:111111111111:rule/nightly',
      },
    ]);
  });

  test('bad triggers are refused with the words the module validations use', () => {
    const f = fn();
    allowTrigger(f, 'nightly run', { service: 'events', principal: 'events.amazonaws.com' });
    allowTrigger(f, 'Anyone', { principal: '*', action: 'lambda:*', sourceAccount: '2222' });
    expect(messagesOf(f.node.scope as TerraformStack)).toEqual([
      'allowedTriggers.nightly run.statementId = "nightly run": must be 1 to 100 letters, digits, hyphens and underscores (a Lambda permission statement id)',
      'allowedTriggers.nightly run = {"principal":"events.amazonaws.com","service":"events"}: must name either its principal or its service, one of the two',
      'allowedTriggers.Anyone.action = "lambda:*": must be one of the supported trigger actions (function URLs have their own settings): lambda:InvokeFunction',
      'allowedTriggers.Anyone.sourceAccount = "2222": must be a 12-digit AWS account id',
    ]);
    const g = fn();
    allowTrigger(g, 'Anyone', { principal: '*' });
    expect(messagesOf(g.node.scope as TerraformStack)).toEqual([
      'allowedTriggers.Anyone.principal = "*": principal "*" lets anyone invoke the function: scope it with source_arn, source_account or principal_org_id (a public URL is a function URL with authorization NONE)',
    ]);
  });
});
