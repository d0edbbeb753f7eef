import { Construct } from 'constructs';
import { TerraformOutput } from '../core/framework';
import { addProblemCheck, nameFieldsAs, Problem, problem } from '../core/problems';
import { LambdaFunction } from '../modules/lambda-function';
import { QueueEventSource } from '../modules/queue-event-source';
import { QueueTarget } from '../modules/queue-target';
import { SqsQueue } from '../modules/sqs-queue';
import { ClaimIds } from './claim-ids';
import { EnvironmentConfig, queueNameOf } from './environment-config';

/** The construct ids a queue of this key takes at stack level: the queue and its outputs. */
export function queueIds(key: string): string[] {
  return [`${key}-queue`, `${key}-queue-url`, `${key}-queue-arn`, `${key}-dead-letter-queue-arn`];
}

/**
 * Builds the environment's queues (`queues`, each with its dead-letter queue and alarms, and its
 * outputs) and the event sources of its functions (`eventSources`, each a child of its function,
 * on the alias). A queue key or ARN that checkQueues (stacks/check-queues.ts) reports is left out.
 *
 * @returns the queues by key, for what else sends to them or shows them
 */
export function wireQueues(
  stack: Construct,
  config: EnvironmentConfig,
  functions: Readonly<Record<string, LambdaFunction>>,
  claim: ClaimIds,
  /** Built for an AWS API emulator (moto), which cannot store a redrive-allow policy. */
  emulator = false,
): Record<string, SqsQueue> {
  const queues: Record<string, SqsQueue> = {};
  for (const [key, queue] of Object.entries(config.queues ?? {})) {
    if (!claim(`queues.${key}`, key, queueIds(key))) continue;
    const { queueName: _queueName, ...props } = queue;
    queues[key] = new SqsQueue(stack, `${key}-queue`, {
      ...props,
      queueName: queueNameOf(config, key),
      alarmTopicArn: config.alarmTopicArn,
      redriveAllowPolicy: !emulator,
    });
    nameFieldsAs(queues[key], (field) => `queues.${key}.${field}`);
  }

  const problems: Problem[] = [];
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    const consumer = functions[key];
    if (!consumer) continue;
    (fn.eventSources ?? []).forEach((source, i) => {
      const { queue: ref, kmsKeyArn, ...props } = source;
      const field = `functions.${key}.eventSources[${i}]`;
      const target: QueueTarget | undefined = ref.startsWith('arn:') ? { arn: ref, kmsKeyArn } : queues[ref];
      // an unknown key, or a queue consumed twice: reported by checkQueues
      if (target === undefined || (fn.eventSources ?? []).findIndex((other) => other.queue === ref) < i) return;
      const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf(':') + 1) : ref;
      const id = `${name}-event-source`;
      if (consumer.node.tryFindChild(id) !== undefined) {
        // a queue ARN named like a queue key, or like another queue ARN
        problems.push(problem('construct-id-taken', `${field}.queue`, ref, `needs the construct id "${id}" under the function, which another of its event sources has; consume each queue once`));
        return;
      }
      const eventSource = new QueueEventSource(consumer, id, `consume-${name}`, { ...props, queue: target, consumerName: `functions.${key}` });
      nameFieldsAs(eventSource, (f) => `${field}.${f}`);
    });
  }
  addProblemCheck(stack, () => problems);

  for (const [key, queue] of Object.entries(queues)) {
    new TerraformOutput(stack, `${key}-queue-url`, { value: queue.url, description: `URL of the ${queue.queueName} queue` });
    new TerraformOutput(stack, `${key}-queue-arn`, { value: queue.arn, description: `ARN of the ${queue.queueName} queue` });
    new TerraformOutput(stack, `${key}-dead-letter-queue-arn`, {
      value: queue.deadLetterQueueArn,
      description: `ARN of ${queue.deadLetterQueueName}, the dead-letter queue of ${queue.queueName}`,
    });
  }
  return queues;
}
