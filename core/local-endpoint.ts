import { Problem, problem } from './problems';

/**
 * The one environment variable that points everything at an AWS API emulator on this machine
 * (moto_server, for example): the provider of every stack, the state backend, the release
 * command and `adopt`.
 */
export const LOCAL_AWS_ENDPOINT_VARIABLE = 'LAMBDA_FLEET_LOCAL_AWS_ENDPOINT';

/** Variables of an earlier version that named one endpoint per service: refused, never half-honoured. */
const RETIRED_VARIABLES = ['LAMBDA_FLEET_LOCAL_S3_ENDPOINT', 'LAMBDA_FLEET_LOCAL_DYNAMODB_ENDPOINT'] as const;

const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):([0-9]{1,5})\/?$/;

/** Whether `value` is a plain-HTTP URL of this machine with a port from 1 to 65535, and nothing else. */
function isLoopbackUrl(value: string): boolean {
  const port = LOOPBACK_URL.exec(value)?.[2];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
}

/**
 * The local endpoint the environment asks for, or none. It must be a plain-HTTP loopback URL,
 * so the override can only ever reach this machine.
 */
export function localAwsEndpointFrom(env: NodeJS.ProcessEnv): { endpoint?: string; problems: Problem[] } {
  const problems = RETIRED_VARIABLES.filter((name) => env[name] !== undefined).map((name) =>
    problem('local-endpoint-retired', name, env[name], `is no longer read: unset it, and set ${LOCAL_AWS_ENDPOINT_VARIABLE} to the emulator's one endpoint instead`),
  );
  const value = env[LOCAL_AWS_ENDPOINT_VARIABLE];
  if (value !== undefined && !isLoopbackUrl(value)) {
    problems.push(
      problem(
        'local-endpoint-not-loopback',
        LOCAL_AWS_ENDPOINT_VARIABLE,
        value,
        'must be http://127.0.0.1:<port>, http://localhost:<port> or http://[::1]:<port> (port 1 to 65535): the override is for an emulator on this machine only',
      ),
    );
  }
  if (problems.length > 0 || value === undefined) return { problems };
  return { endpoint: value.replace(/\/$/, ''), problems };
}
