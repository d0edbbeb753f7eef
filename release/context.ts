import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FunctionConfiguration, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
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

  /**
   * A progress line of a long run (`<function>: <step>`), for a person watching: not an event,
   * so --json stays one document of what was done.
   */
  progress(line: string): void {
    if (!this.json) this.write(line);
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
  /** How many functions are worked on at once (`--concurrency`). @default {@link DEFAULT_CONCURRENCY} */
  readonly concurrency?: number;
}

/** Functions updated at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 10;

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Errors that mean "try again later": throttling, and an update still running on the function. */
const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'SlowDown',
  'ResourceConflictException',
  'ServiceException',
]);

/** Network failures of one request that a second one may not have; a refused connection is not one. */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/**
 * Whether an error is worth another attempt: throttling, a conflict with a running update, a
 * server error (HTTP 500, 502, 503, 504) or a dropped connection. The release command's clients
 * make one attempt each ({@link releaseClientConfig}), so this is the only retry loop.
 */
export function isRetryable(error: unknown): boolean {
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return (
    RETRYABLE.has(name ?? '') ||
    TRANSIENT_NETWORK.has(name ?? '') ||
    TRANSIENT_NETWORK.has(code ?? '') ||
    (status !== undefined && [500, 502, 503, 504].includes(status))
  );
}

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
      if (!isRetryable(error) || attempt >= RETRY.attempts) throw error;
      const delay = Math.min(RETRY.firstDelayMs * 2 ** (attempt - 1), RETRY.maxDelayMs);
      context.reporter.report(
        { action: 'retry', status: 'done', what, error: name, attempt, delayMs: delay },
        `  ${what}: ${name}, retrying in ${delay} ms (attempt ${attempt + 1} of ${RETRY.attempts})`,
      );
      await context.sleep(delay);
    }
  }
}

/**
 * How a running update is polled: every {@link UPDATE_POLL.quickDelayMs} for the first
 * {@link UPDATE_POLL.quickForMs} (most updates finish within a few seconds), then at doubling
 * intervals up to {@link UPDATE_POLL.maxDelayMs}, for {@link UPDATE_POLL.timeoutMs} at most. Polls
 * use GetFunction, which has its own request quota (100 per second), not the 15 per second that
 * every other Lambda control-plane call, GetFunctionConfiguration included, shares with the updates.
 */
export const UPDATE_POLL = { quickDelayMs: 250, quickForMs: 2_000, maxDelayMs: 2_000, timeoutMs: 300_000, progressEveryMs: 10_000 } as const;

/** The wait before the next poll, after `waitedMs` of polling and a last wait of `lastDelayMs`. */
export function nextPollDelay(waitedMs: number, lastDelayMs: number): number {
  if (waitedMs < UPDATE_POLL.quickForMs) return UPDATE_POLL.quickDelayMs;
  return Math.min(Math.max(lastDelayMs * 2, UPDATE_POLL.quickDelayMs), UPDATE_POLL.maxDelayMs);
}

/** A function's configuration (its layers, code hash and last update's status), by GetFunction. */
export async function readFunction(context: ReleaseContext, functionName: string): Promise<FunctionConfiguration> {
  const answer = await withRetries(context, `read ${functionName}`, () => context.lambda.send(new GetFunctionCommand({ FunctionName: functionName })));
  return answer.Configuration ?? {};
}

/**
 * Reads `read` on the {@link UPDATE_POLL} schedule until `settled` says the answer is final (it
 * throws for a failure), and returns that answer. `first` saves a read: an answer the caller has
 * just had, or 'wait first' (a read is worth making only after the first wait). After
 * {@link UPDATE_POLL.timeoutMs} it fails with `timedOut`; every {@link UPDATE_POLL.progressEveryMs}
 * it prints `waiting(seconds)`.
 */
export async function poll<T>(
  context: ReleaseContext,
  steps: {
    readonly read: () => Promise<T>;
    readonly settled: (answer: T) => boolean;
    readonly timedOut: string;
    readonly waiting: (seconds: number) => string;
    readonly first?: T | 'wait first';
  },
): Promise<T> {
  let waited = 0;
  let delay = 0;
  let current = steps.first === 'wait first' ? undefined : { answer: steps.first ?? (await steps.read()) };
  for (;;) {
    if (current && steps.settled(current.answer)) return current.answer;
    if (waited >= UPDATE_POLL.timeoutMs) throw new ReleaseError(steps.timedOut);
    delay = nextPollDelay(waited, delay);
    await context.sleep(delay);
    const before = waited;
    waited += delay;
    if (Math.floor(waited / UPDATE_POLL.progressEveryMs) > Math.floor(before / UPDATE_POLL.progressEveryMs)) {
      context.reporter.progress(steps.waiting(waited / 1000));
    }
    current = { answer: await steps.read() };
  }
}

/**
 * Waits until the function's last update has finished, and returns its configuration then.
 * Lambda refuses a second update while one runs (ResourceConflictException), so every update
 * waits for the one before it. `known` saves a read: the configuration the caller has just read,
 * or 'just updated' (the first read is worth making only after the first wait).
 */
export async function waitForUpdate(
  context: ReleaseContext,
  functionName: string,
  known?: FunctionConfiguration | 'just updated',
): Promise<FunctionConfiguration> {
  return poll(context, {
    read: () => readFunction(context, functionName),
    settled: ({ LastUpdateStatus: status, LastUpdateStatusReasonCode: code, LastUpdateStatusReason: reason }) => {
      if (status === 'Failed') throw new ReleaseError(`${functionName}: the update failed: ${[code, reason].filter(Boolean).join(': ') || 'no reason given'}`);
      return status === 'Successful' || status === undefined;
    },
    timedOut: `${functionName}: the update did not finish within ${UPDATE_POLL.timeoutMs / 1000} s`,
    waiting: (seconds) => `${functionName}: still updating after ${seconds} s`,
    first: known === 'just updated' ? 'wait first' : known,
  });
}

/**
 * The configuration of every client of the release command: {@link awsClientConfig}'s, with one
 * attempt per call. {@link withRetries} retries throttling and conflicts with its own backoff;
 * the SDK's retries under it would multiply the attempts (3 × 8) and the waits.
 */
export function releaseClientConfig(region: string, localEndpoint?: string) {
  return { ...awsClientConfig(region, localEndpoint), maxAttempts: 1 };
}

/**
 * Clients for the manifest's region, with the caller's credentials; with `localEndpoint` (an AWS
 * API emulator on this machine) they call it instead, S3 by path.
 */
export function awsClients(region: string, localEndpoint?: string): ReleaseClients {
  const config = releaseClientConfig(region, localEndpoint);
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
