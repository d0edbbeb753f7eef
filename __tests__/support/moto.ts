import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import * as http from 'node:http';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { Running, start } from './processes';

/** How a user gets the emulator; the tests fail with this when it is missing, never skip. */
export const MOTO_INSTALL_HINT = 'install it with: pip install "moto[server]" (moto 5.x; puts moto_server on the PATH)';

/** Throwaway credentials: moto accepts any, and they can never reach a real account. */
export const EMULATOR_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

/** Credential settings of the caller's own that would win over {@link EMULATOR_CREDENTIALS}. */
const CALLER_CREDENTIALS = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

/**
 * `env` with the throwaway credentials and without the caller's own, plus `extra`; empty
 * variables are left out: they clear a setting for the Go and JavaScript SDKs, but botocore
 * inside moto reads `AWS_PROFILE=""` as a profile named "" and fails every request that creates
 * a backend (`ProfileNotFound`).
 */
export function emulatorEnvironment(extra: NodeJS.ProcessEnv = {}, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env, ...EMULATOR_CREDENTIALS, ...extra };
  for (const name of CALLER_CREDENTIALS) if (!(name in extra)) delete result[name];
  return Object.fromEntries(Object.entries(result).filter(([, value]) => value !== ''));
}

/** SDK clients for an emulator, with its throwaway credentials. */
export function emulatorClients(endpoint: string, region: string) {
  const config = {
    region,
    endpoint,
    credentials: { accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  };
  return {
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    events: new EventBridgeClient(config),
    cloudwatch: new CloudWatchClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    scheduler: new SchedulerClient(config),
    sqs: new SQSClient(config),
    apigateway: new ApiGatewayV2Client(config),
    destroy() {
      [this.lambda, this.iam, this.logs, this.events, this.cloudwatch, this.s3, this.scheduler, this.sqs, this.apigateway].forEach((client) => client.destroy());
    },
  };
}

/** One moto server on a loopback port chosen at run time, serving one AWS account. */
export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The account every request is served as (`MOTO_ACCOUNT_ID`). */
  readonly accountId: string;
  /** The server's log so far, for failure messages. */
  log(): string;
  /** Stops the server (and only it); its state is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` (the Python AWS API emulator) on a free loopback port as `accountId`, and
 * waits until it answers. A missing `moto_server` fails with the install hint. `settings` are
 * moto's own environment variables, such as `MOTO_IAM_LOAD_MANAGED_POLICIES: 'true'` for the
 * AWS managed policies.
 */
export async function startMoto(accountId: string, timeoutMs = 30_000, settings: Readonly<Record<string, string>> = {}): Promise<Moto> {
  let server: Running;
  try {
    server = start('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
      cwd: process.cwd(),
      env: emulatorEnvironment({ ...settings, MOTO_ACCOUNT_ID: accountId, PYTHONUNBUFFERED: '1' }),
    });
  } catch (error) {
    throw new Error(`could not start moto_server: ${(error as Error).message}; ${MOTO_INSTALL_HINT}`);
  }
  const stop = async () => {
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await server.finished.catch(() => undefined);
    clearTimeout(timer);
  };
  let ended: string | undefined;
  server.finished.then(
    (finished) => (ended = `moto_server exited (${finished.signal ?? finished.status})`),
    (error: NodeJS.ErrnoException) =>
      (ended = error.code === 'ENOENT' ? `moto_server is not on the PATH; ${MOTO_INSTALL_HINT}` : `could not start moto_server: ${error.message}`),
  );
  const deadline = Date.now() + timeoutMs;
  let endpoint: string | undefined;
  while (endpoint === undefined || !(await answers(endpoint))) {
    if (ended !== undefined) throw new Error(`${ended}\n${server.output()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer within ${timeoutMs} ms:\n${server.output()}`);
    }
    endpoint ??= /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { endpoint, accountId, log: () => server.output(), stop };
}

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${endpoint}/moto-api/data.json`, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2_000, () => request.destroy());
  });
}

/**
 * What moto 5 does not store as AWS does, by resource type: a plan against it shows these
 * attributes changed after every apply. Each is proved otherwise, with `terraform test` and a
 * mocked provider (the ownership contract, __tests__/terraform.test.ts): `logging_config` and
 * `kms_key_arn` (moto returns neither), `redrive_policy` (moto re-serialises the JSON with
 * spaces, which the provider reads as a change), an event source mapping's `function_name`
 * (moto stores the version the alias pointed to instead of the alias ARN).
 */
export const MOTO_GAPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  aws_lambda_function: ['logging_config', 'kms_key_arn'],
  aws_sqs_queue: ['redrive_policy'],
  aws_lambda_event_source_mapping: ['function_name'],
});

/**
 * What the provider plans for a function whose settings it updates while `publish` is on (set
 * when Terraform created it): a new version, and so new qualified ARNs.
 */
export const PUBLISHED_ON_UPDATE = Object.freeze(['qualified_arn', 'qualified_invoke_arn', 'version']);

/** A planned change, by address: its actions and the attributes it changes. */
export interface PlannedChange {
  readonly address: string;
  readonly actions: string[];
  readonly changed: string[];
}

/**
 * The planned changes without moto's gaps: {@link MOTO_GAPS} attributes are left out of every
 * update, and an update that changed only those (with, for a function, the version its update
 * would publish) is left out whole.
 */
export function withoutMotoGaps(changes: readonly PlannedChange[]): PlannedChange[] {
  return changes.flatMap((change) => {
    const type = change.address.replace(/^(module\.[^.]+\.)*/, '').split('.')[0];
    const gaps = MOTO_GAPS[type] ?? [];
    const rest = change.changed.filter((attribute) => !gaps.includes(attribute));
    if (change.actions.join() !== 'update' || rest.length === change.changed.length) return [change];
    const onlyPublished = rest.every((attribute) => type === 'aws_lambda_function' && PUBLISHED_ON_UPDATE.includes(attribute));
    return onlyPublished ? [] : [{ ...change, changed: rest }];
  });
}
