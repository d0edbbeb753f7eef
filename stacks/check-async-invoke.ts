import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { EnvironmentConfig } from './environment-config';

/**
 * Every `asyncInvoke.onFailure` is an ARN (its format is the construct's to check, its
 * partition `checkPartitions`') or the key of one of this environment's `queues`.
 */
export function checkAsyncInvoke(config: EnvironmentConfig): Problem[] {
  const queues = Object.keys(config.queues ?? {});
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) => {
    const ref = fn.asyncInvoke?.onFailure;
    if (ref === undefined || ref.startsWith('arn:') || queues.includes(ref)) return [];
    return [
      problem(
        'unknown-reference',
        `functions.${key}.asyncInvoke.onFailure`,
        ref,
        `must be an SQS queue or SNS topic ARN, or the key of one of this environment's queues (${queues.length ? queues.join(', ') : 'none defined'})${didYouMean(ref, queues)}`,
      ),
    ];
  });
}
