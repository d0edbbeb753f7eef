import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { EVENT_SOURCE_PAIR_RULES } from '../modules/queue-event-source';
import { EnvironmentConfig } from './environment-config';

/**
 * The rules between functions' `eventSources` and the environment's `queues`: each names a
 * queue ARN or the key of one of the queues, each queue at most once per function, and a KMS key
 * only for a queue ARN (a queue of the environment grants its own). The queues and event sources
 * check their own limits (modules/sqs-queue.ts, modules/queue-event-source.ts), ARN formats
 * included; the partition of every ARN is checked with the others' (checkPartitions).
 */
export function checkQueues(config: EnvironmentConfig): Problem[] {
  const keys = Object.keys(config.queues ?? {});
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) =>
    (fn.eventSources ?? []).flatMap((source, i) => {
      const field = `functions.${key}.eventSources[${i}]`;
      const isArn = source.queue.startsWith('arn:');
      const problems: Problem[] = [];
      if (!isArn && !keys.includes(source.queue)) {
        problems.push(
          problem(
            'unknown-reference',
            `${field}.queue`,
            source.queue,
            `must be an SQS queue ARN or the key of one of this environment's queues (${keys.length ? keys.join(', ') : 'none defined'})${didYouMean(source.queue, keys)}`,
          ),
        );
      }
      if ((fn.eventSources ?? []).findIndex((other) => other.queue === source.queue) < i) {
        const rule = EVENT_SOURCE_PAIR_RULES.queueConsumedTwice;
        problems.push(problem(rule.code, `${field}.queue`, source.queue, rule.text));
      }
      if (!isArn && source.kmsKeyArn !== undefined) {
        problems.push(
          problem(
            'event-source-kms-key-of-own-queue',
            `${field}.kmsKeyArn`,
            source.kmsKeyArn,
            `is only for a queue ARN: the key of a queue of this environment is its own kmsKeyArn (queues.${source.queue}.kmsKeyArn)`,
          ),
        );
      }
      return problems;
    }),
  );
}
