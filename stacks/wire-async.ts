import { TerraformOutput } from '../core/framework';
import { AsyncInvoke, FailureDestination } from '../modules/async-invoke';
import { QueueTarget } from '../modules/queue-target';
import { LambdaFunction } from '../modules/lambda-function';
import { EnvironmentConfig, FunctionConfig } from './environment-config';

/**
 * Failure handling of the functions invoked asynchronously: those with `asyncInvoke`, and, with
 * its defaults, those with schedules (a cleanup function's included) and those another function
 * `invokes`. Each gets an {@link AsyncInvoke} on its alias; a function whose failure queue is its
 * own gets the output `<key>-failure-queue-url`. `queues` are the environment's queues by key,
 * which `asyncInvoke.onFailure` may name. An `onFailure` naming no queue (reported by
 * `checkAsyncInvoke`) is left out.
 */
export function wireAsyncInvoke(
  config: EnvironmentConfig,
  functions: Readonly<Record<string, LambdaFunction>>,
  queues: Readonly<Record<string, QueueTarget>>,
): Record<string, AsyncInvoke> {
  const invokedAsynchronously = asyncInvokedKeys(config);
  const wired: Record<string, AsyncInvoke> = {};
  for (const [key, fnConfig] of Object.entries(config.functions ?? {})) {
    const fn = functions[key];
    if (!fn || !invokedAsynchronously.has(key)) continue;
    const { onFailure, ...limits } = fnConfig.asyncInvoke ?? {};
    const destination = onFailure === undefined ? undefined : failureDestination(onFailure, queues);
    if (destination === 'unknown') continue;
    wired[key] = new AsyncInvoke(fn, 'async-invoke', { ...limits, onFailure: destination, tags: fnConfig.tags });
    const queue = wired[key].failureQueue;
    if (queue) {
      new TerraformOutput(fn, 'failure-queue-url', {
        value: queue.url,
        description: `URL of ${queue.name}, where the ${key} function's failed asynchronous invocations go`,
      });
    }
  }
  return wired;
}

/**
 * The keys of the functions invoked asynchronously, which get an {@link AsyncInvoke}: those with
 * `asyncInvoke`, with schedules, or that another function `invokes`. Those of them without
 * `asyncInvoke.onFailure` get their own failure queue, `<functionName>-failures`.
 */
export function asyncInvokedKeys(config: EnvironmentConfig): Set<string> {
  const invoked = new Set(Object.values(config.functions ?? {}).flatMap((fn) => fn.invokes ?? []));
  return new Set(
    Object.entries(config.functions ?? {})
      .filter(([key, fn]) => fn.asyncInvoke !== undefined || isScheduled(fn) || invoked.has(key))
      .map(([key]) => key),
  );
}

/** Whether a function runs on a schedule: its own `schedules`, or a cleanup function's `schedule`. */
export function isScheduled(fn: FunctionConfig): boolean {
  return Object.keys(fn.schedules ?? {}).length > 0 || fn.cleanup?.schedule !== undefined;
}

/** An `onFailure`: an SNS topic or SQS queue ARN, or the key of one of the environment's queues. */
function failureDestination(ref: string, queues: Readonly<Record<string, QueueTarget>>): FailureDestination | 'unknown' {
  if (ref.startsWith('arn:')) return ref.split(':')[2] === 'sns' ? { kind: 'sns', arn: ref } : { kind: 'sqs', arn: ref };
  const queue = queues[ref];
  return queue === undefined ? 'unknown' : { kind: 'sqs', arn: queue.arn, kmsKeyArn: queue.kmsKeyArn };
}
