import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { EnvironmentConfig } from './environment-config';

/** On `asyncInvoke.onFailure`: a queue a function consumes would hand Lambda's failure records to a worker as jobs. */
export const FAILURE_QUEUE_CONSUMED_RULE = Object.freeze({
  code: 'failure-queue-consumed',
  text: 'must not be a queue a function consumes (eventSources): its worker would take the failure records as jobs; name a queue of its own, or leave onFailure out for <functionName>-failures',
});

/**
 * Every `asyncInvoke.onFailure` is an ARN (its format is the construct's to check, its
 * partition `checkPartitions`') or the key of one of this environment's `queues` that no
 * function consumes.
 */
export function checkAsyncInvoke(config: EnvironmentConfig): Problem[] {
  const queues = Object.keys(config.queues ?? {});
  const consumed = new Map(
    Object.entries(config.functions ?? {}).flatMap(([key, fn]) => (fn.eventSources ?? []).map((source): [string, string] => [source.queue, key])),
  );
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) => {
    const ref = fn.asyncInvoke?.onFailure;
    if (ref === undefined) return [];
    const field = `functions.${key}.asyncInvoke.onFailure`;
    if (consumed.has(ref)) {
      return [problem(FAILURE_QUEUE_CONSUMED_RULE.code, field, ref, `${FAILURE_QUEUE_CONSUMED_RULE.text} (functions.${consumed.get(ref)} consumes it)`)];
    }
    if (ref.startsWith('arn:') || queues.includes(ref)) return [];
    return [
      problem(
        'unknown-reference',
        field,
        ref,
        `must be an SQS queue or SNS topic ARN, or the key of one of this environment's queues (${queues.length ? queues.join(', ') : 'none defined'})${didYouMean(ref, queues)}`,
      ),
    ];
  });
}
