import { Problem, problem } from '../core/problems';

/** Environment variables that point the state backend at local test servers. */
export const LOCAL_S3_ENDPOINT_VARIABLE = 'LAMBDA_FLEET_LOCAL_S3_ENDPOINT';
export const LOCAL_DYNAMODB_ENDPOINT_VARIABLE = 'LAMBDA_FLEET_LOCAL_DYNAMODB_ENDPOINT';

/** S3 and DynamoDB endpoints on this machine, such as s3rver and dynalite. */
export interface LocalEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
}

const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):[0-9]{1,5}\/?$/;

/**
 * The local endpoints the environment asks for, or none. Off unless both variables are set;
 * each must be a plain-HTTP loopback URL, so an override can only ever reach this machine.
 */
export function localEndpointsFrom(env: NodeJS.ProcessEnv): { endpoints?: LocalEndpoints; problems: Problem[] } {
  const s3 = env[LOCAL_S3_ENDPOINT_VARIABLE];
  const dynamodb = env[LOCAL_DYNAMODB_ENDPOINT_VARIABLE];
  if (s3 === undefined && dynamodb === undefined) return { problems: [] };
  const problems = [
    ...[
      [LOCAL_S3_ENDPOINT_VARIABLE, s3],
      [LOCAL_DYNAMODB_ENDPOINT_VARIABLE, dynamodb],
    ].flatMap(([name, value]) =>
      value === undefined
        ? [problem('local-endpoint-missing', name!, value, 'must be set too: the local override needs both endpoints')]
        : LOOPBACK_URL.test(value)
          ? []
          : [problem('local-endpoint-not-loopback', name!, value, 'must be an http://127.0.0.1:<port> URL: the override is for servers on this machine only')],
    ),
  ];
  return problems.length > 0 ? { problems } : { endpoints: { s3: s3!, dynamodb: dynamodb! }, problems };
}

/**
 * AWS services the stacks call. With local endpoints, the provider sends every one of them to
 * the loopback address, so a plan works offline and an apply fails on this machine instead of
 * changing a real account.
 */
export const PROVIDER_SERVICES = ['cloudwatch', 'cloudwatchevents', 'cloudwatchlogs', 'dynamodb', 'iam', 'lambda', 's3', 'sts'] as const;
