import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from '../core/aws-client-config';

/** A release that cannot go on; its message says what was and was not done. */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** Arguments that cannot be run: every problem, one per line. The command exits 2 and does nothing. */
export class UsageError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

/** One thing a release did, skipped, or (in a dry run) would do. */
export interface ReleaseEvent {
  readonly action: string;
  readonly status: 'done' | 'skipped' | 'would do';
  readonly [detail: string]: unknown;
}

/** Progress for a person (one line per step) and, with --json, one document for machines. */
export class Reporter {
  readonly events: ReleaseEvent[] = [];

  constructor(
    private readonly json: boolean,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  report(event: ReleaseEvent, line: string): void {
    this.events.push(event);
    if (!this.json) this.write(`${event.status === 'would do' ? '[dry run] would ' : ''}${line}`);
  }

  /** With --json, the whole result, printed once at the end. */
  finish(result: Record<string, unknown>): void {
    if (this.json) this.write(JSON.stringify({ ...result, events: this.events }, null, 2));
  }
}

/** What every release step needs: AWS clients, a clock, the reporter and the dry-run switch. */
export interface ReleaseContext {
  /** The environment released to, for messages. */
  readonly environment: string;
  readonly lambda: LambdaClient;
  /** Says whose credentials these are: a release changes only its environment's account. */
  readonly sts: STSClient;
  readonly s3: S3Client;
  /** Reads the alarms a canary watches. */
  readonly cloudwatch: CloudWatchClient;
  readonly reporter: Reporter;
  readonly dryRun: boolean;
  /** Waits between polls and retries; tests pass one that does not really wait. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Root of the repository, where build inputs are read. */
  readonly root: string;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Errors that mean "try again later": throttling, and an update still running on the function. */
const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'ResourceConflictException',
  'ServiceException',
]);

export const RETRY = { attempts: 8, firstDelayMs: 500, maxDelayMs: 20_000 } as const;

/**
 * Runs an AWS call, retrying throttling and conflicts with exponential backoff. Any other error
 * is a real failure and is thrown at once.
 */
export async function withRetries<T>(context: ReleaseContext, what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const name = (error as Error).name;
      if (!RETRYABLE.has(name) || attempt >= RETRY.attempts) throw error;
      const delay = Math.min(RETRY.firstDelayMs * 2 ** (attempt - 1), RETRY.maxDelayMs);
      context.reporter.report(
        { action: 'retry', status: 'done', what, error: name, attempt, delayMs: delay },
        `  ${what}: ${name}, retrying in ${delay} ms (attempt ${attempt + 1} of ${RETRY.attempts})`,
      );
      await context.sleep(delay);
    }
  }
}

export const UPDATE_POLL = { intervalMs: 2_000, attempts: 150 } as const;

/**
 * Waits until the function's last update has finished. Lambda refuses a second update while
 * one runs (ResourceConflictException), so every update waits for the one before it.
 */
export async function waitForUpdate(context: ReleaseContext, functionName: string): Promise<void> {
  for (let poll = 0; poll < UPDATE_POLL.attempts; poll++) {
    const configuration = await withRetries(context, `read ${functionName}`, () =>
      context.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    );
    const status = configuration.LastUpdateStatus;
    if (status === 'Successful' || status === undefined) return;
    if (status === 'Failed') {
      const reason = [configuration.LastUpdateStatusReasonCode, configuration.LastUpdateStatusReason].filter(Boolean).join(': ');
      throw new ReleaseError(`${functionName}: the update failed: ${reason || 'no reason given'}`);
    }
    await context.sleep(UPDATE_POLL.intervalMs);
  }
  throw new ReleaseError(`${functionName}: the update did not finish within ${(UPDATE_POLL.intervalMs * UPDATE_POLL.attempts) / 1000} s`);
}

/**
 * Clients for the manifest's region, with the caller's credentials; with `localEndpoint` (an AWS
 * API emulator on this machine) they call it instead, S3 by path.
 */
export function awsClients(region: string, localEndpoint?: string): ReleaseClients {
  const config = awsClientConfig(region, localEndpoint);
  return {
    lambda: new LambdaClient(config),
    s3: new S3Client(config),
    sts: new STSClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

/** The AWS clients a release uses. */
export type ReleaseClients = Pick<ReleaseContext, 'lambda' | 's3' | 'sts' | 'cloudwatch'>;

/**
 * Refuses credentials of any other account than the manifest's, before any other AWS call, dry
 * runs included: the release command's `allowed_account_ids`.
 */
export async function checkAccount(context: ReleaseContext, accountId: string): Promise<void> {
  const account = (await withRetries(context, 'read the caller identity', () => context.sts.send(new GetCallerIdentityCommand({})))).Account;
  if (account !== accountId) {
    throw new ReleaseError(
      `the AWS credentials belong to account ${account ?? '(unknown)'}, not to ${context.environment}'s account ${accountId} ` +
        "(the manifest's accountId): a release changes only its environment's own account; nothing was done",
    );
  }
}
