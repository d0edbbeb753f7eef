import { Construct } from 'constructs';
import { TerraformOutput } from '../core/framework';
import { nameFieldsAs } from '../core/problems';
import { addFunctionUrl, DEFAULT_FUNCTION_URL_AUTH_TYPE } from '../modules/function-url';
import { HttpApi } from '../modules/http-api';
import { LambdaFunction } from '../modules/lambda-function';
import { ClaimIds } from './claim-ids';
import { defaultName, EnvironmentConfig } from './environment-config';

/** The name of the environment's HTTP API of this key: its `apiName`, else `<namePrefix>-<key>`. */
export function httpApiName(config: EnvironmentConfig, key: string): string {
  return config.httpApis?.[key]?.apiName ?? defaultName(config, key);
}

/** The keys of the functions some HTTP API route of the environment invokes. */
export function functionsBehindHttpApis(config: EnvironmentConfig): Map<string, string> {
  const behind = new Map<string, string>();
  for (const [apiKey, api] of Object.entries(config.httpApis ?? {})) {
    for (const functionKey of Object.values(api.routes)) if (!behind.has(functionKey)) behind.set(functionKey, apiKey);
  }
  return behind;
}

/**
 * The environment's HTTP front doors, once its functions exist: each function's `functionUrl`
 * (on its alias; output `<key>-function-url`), then each of `httpApis` (`<key>-http-api`, output
 * `<key>-http-api-endpoint`). Routes to unknown functions, and a URL on a function behind an
 * API, are left out: `checkHttp` (stacks/check-http.ts) reports them.
 */
export function wireHttp(
  stack: Construct,
  config: EnvironmentConfig,
  functions: Readonly<Record<string, LambdaFunction>>,
  claim: ClaimIds,
): Record<string, HttpApi> {
  const behind = functionsBehindHttpApis(config);
  for (const [key, fnConfig] of Object.entries(config.functions ?? {})) {
    const fn = functions[key];
    if (!fn || !fnConfig.functionUrl || behind.has(key)) continue;
    if (!claim(`functions.${key}.functionUrl`, key, [`${key}-function-url`])) continue;
    const { url } = addFunctionUrl(fn, fnConfig.functionUrl);
    new TerraformOutput(stack, `${key}-function-url`, {
      value: url.functionUrl,
      description: `URL of the ${key} function's ${fn.aliasName} alias (auth ${fnConfig.functionUrl.authType ?? DEFAULT_FUNCTION_URL_AUTH_TYPE})`,
    });
  }

  const apis: Record<string, HttpApi> = {};
  for (const [key, { apiName: _apiName, routes, ...api }] of Object.entries(config.httpApis ?? {})) {
    if (!claim(`httpApis.${key}`, key, [`${key}-http-api`, `${key}-http-api-endpoint`])) continue;
    const targets = Object.entries(routes).flatMap(([routeKey, functionKey]): [string, LambdaFunction][] =>
      functions[functionKey] ? [[routeKey, functions[functionKey]]] : [],
    );
    apis[key] = new HttpApi(stack, `${key}-http-api`, { ...api, apiName: httpApiName(config, key), routes: Object.fromEntries(targets) });
    nameFieldsAs(apis[key], (field) => `httpApis.${key}.${field}`);
    new TerraformOutput(stack, `${key}-http-api-endpoint`, {
      value: apis[key].endpoint,
      description: `URL of the ${apis[key].apiName} HTTP API (its $default stage)`,
    });
  }
  return apis;
}
