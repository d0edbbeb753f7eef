import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { HTTP_API_VALUE_RULES } from '../modules/http-api';
import { EnvironmentConfig } from './environment-config';
import { functionsBehindHttpApis, httpApiName } from './wire-http';

/** The rule that a function has one HTTP front door, in words. */
export const ONE_FRONT_DOOR_RULE = {
  code: 'function-url-behind-http-api',
  text: 'a function is reached through an HTTP API or through its function URL, not both: remove the functionUrl, or the routes to it',
} as const;

/**
 * Problems between the environment's HTTP APIs and its functions: every route names a function
 * of the environment and every API has a route; a function behind an API has no function URL;
 * API names, and so their access log groups (`/aws/apigateway/<apiName>`), are unique.
 */
export function checkHttp(config: EnvironmentConfig): Problem[] {
  const functionKeys = Object.keys(config.functions ?? {});
  const problems: Problem[] = [];
  const names = new Map<string, string>();
  for (const [key, api] of Object.entries(config.httpApis ?? {})) {
    if (Object.keys(api.routes).length === 0) {
      const rule = HTTP_API_VALUE_RULES.routes;
      problems.push(problem(rule.code, `httpApis.${key}.routes`, api.routes, rule.text));
    }
    for (const [routeKey, functionKey] of Object.entries(api.routes)) {
      if (functionKeys.includes(functionKey)) continue;
      problems.push(
        problem(
          'unknown-reference',
          `httpApis.${key}.routes[${JSON.stringify(routeKey)}]`,
          functionKey,
          `must be the key of one of this environment's functions (${functionKeys.length ? functionKeys.join(', ') : 'none defined'})${didYouMean(functionKey, functionKeys)}`,
        ),
      );
    }
    const name = httpApiName(config, key);
    const field = api.apiName === undefined ? `httpApis.${key}` : `httpApis.${key}.apiName`;
    const owner = names.get(name);
    if (owner === undefined) names.set(name, field);
    else problems.push(problem('http-api-name-taken', field, name, `is already the name of ${owner}; each HTTP API needs its own name (and access log group)`));
  }
  const behind = functionsBehindHttpApis(config);
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    const apiKey = behind.get(key);
    if (fn.functionUrl !== undefined && apiKey !== undefined) {
      problems.push(problem(ONE_FRONT_DOOR_RULE.code, `functions.${key}.functionUrl`, fn.functionUrl, `${ONE_FRONT_DOOR_RULE.text} (httpApis.${apiKey} routes to it)`));
    }
  }
  return problems;
}
