import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue as SqsQueueResource } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { Construct } from 'constructs';
import { Lazy, Token } from '../core/framework';
import { known, optional } from '../core/known-values';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, FieldPairRule, ruleTable, RULES, satisfies } from '../core/rules';
import { alarmNotifications, tagsOrNothing } from './lambda-function';

/** Properties of an {@link SqsQueue}. */
export interface SqsQueueProps {
  /** Name of the queue: 1 to 76 letters, digits, hyphens, underscores; its dead-letter queue is `<queueName>-dlq`. */
  readonly queueName: string;
  /**
   * Seconds a received message stays invisible to other consumers, 0 to 43200: at least 6 × the
   * timeout of every consumer (see {@link SqsQueue.addConsumer}).
   * @default 6 × the longest timeout of its consumers, 30 when nothing consumes it
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Seconds a message is kept, 60 to 1209600. @default 345600 (4 days) */
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the dead-letter queue, 1 to 1000. @default 5 */
  readonly maxReceiveCount?: number;
  /** Seconds the dead-letter queue keeps a message, 60 to 1209600. @default 1209600 (14 days) */
  readonly deadLetterRetentionSeconds?: number;
  /** KMS key ARN encrypting both queues (SSE-KMS). @default SQS-managed encryption (SSE-SQS) */
  readonly kmsKeyArn?: string;
  /** The age-of-oldest-message alarm goes off at this age in seconds; less than the retention. @default 900 */
  readonly oldestMessageAlarmSeconds?: number;
  /** SNS topic ARN both alarms notify (see {@link alarmNotifications}). @default no notifications */
  readonly alarmTopicArn?: string;
  /** Tags of both queues and both alarms, on top of the provider's default tags. @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Whether the dead-letter queue gets its redrive-allow policy. Off only for an AWS API emulator
   * that cannot store it (moto 5 has no `RedriveAllowPolicy` attribute: creating it never ends).
   * @default true
   */
  readonly redriveAllowPolicy?: boolean;
}

/** A function consuming a queue, as the visibility timeout rule names it. */
export interface QueueConsumer {
  /** How the consumer is named in a problem: `functions.analysis-worker`. */
  readonly name: string;
  /** Its timeout in seconds (a Terraform value is not checked). */
  readonly timeout: number;
}

/** The defaults of a queue. */
export const QUEUE_DEFAULTS = Object.freeze({
  maxReceiveCount: 5,
  messageRetentionSeconds: 345_600,
  deadLetterRetentionSeconds: 1_209_600,
  oldestMessageAlarmSeconds: 900,
  /** The visibility timeout of a queue nothing consumes (SQS's own default). */
  visibilityTimeoutSeconds: 30,
  /** A queue's visibility timeout is at least this many times each consumer's timeout (AWS's advice). */
  consumerTimeoutFactor: 6,
} as const);

/** The limits of SQS, as data: synth checks them here. */
export const QUEUE_RULES = ruleTable(
  {
    // The dead-letter queue adds "-dlq": 76 + 4 is the 80 characters SQS allows.
    queueName: {
      kind: 'pattern',
      pattern: '^[A-Za-z0-9_-]{1,76}$',
      text: 'must be 1 to 76 letters, digits, hyphens and underscores (SQS allows 80, and the dead-letter queue adds "-dlq")',
    },
    visibilityTimeoutSeconds: { kind: 'range', min: 0, max: 43_200, unit: 'seconds' },
    messageRetentionSeconds: { kind: 'range', min: 60, max: 1_209_600, unit: 'seconds' },
    deadLetterRetentionSeconds: { kind: 'range', min: 60, max: 1_209_600, unit: 'seconds' },
    maxReceiveCount: { kind: 'range', min: 1, max: 1000, unit: '(receives before a message moves to the dead-letter queue)' },
    oldestMessageAlarmSeconds: { kind: 'range', min: 1, unit: 'seconds' },
    kmsKeyArn: RULES.kmsKeyArn,
  },
  'queue-',
);

/** Rules between a queue's settings, or between a queue and its consumers, in words. */
export const QUEUE_PAIR_RULES = Object.freeze({
  /** On the visibility timeout: a message must stay hidden while a consumer may still be working on it, with retries. */
  visibilityBelowConsumerTimeout: {
    code: 'queue-visibility-below-consumer-timeout',
    text: `must be at least ${QUEUE_DEFAULTS.consumerTimeoutFactor} × the timeout of every function consuming the queue (AWS's advice for Lambda event sources)`,
  },
  /** On the oldest-message alarm: a message older than the retention is gone, so the alarm could never go off. */
  oldestMessageAlarmAboveRetention: {
    code: 'queue-oldest-message-alarm-above-retention',
    text: 'must be less than messageRetentionSeconds: a message is deleted before it is that old, so the alarm could never go off',
  },
} as const satisfies Record<string, FieldPairRule>);

/** The name of a queue's dead-letter queue. */
export function deadLetterQueueName(queueName: string): string {
  return `${queueName}-dlq`;
}

/** The name of a queue's age-of-oldest-message alarm. */
export function oldestMessageAlarmName(queueName: string): string {
  return `${queueName}-oldest-message-age`;
}

/** The name of the alarm on a queue's dead-letter queue depth. */
export function deadLetterDepthAlarmName(queueName: string): string {
  return `${queueName}-dlq-depth`;
}

/** What both queue alarms share: the highest value in a minute, no data is no alarm. */
const QUEUE_ALARM = Object.freeze({
  namespace: 'AWS/SQS',
  statistic: 'Maximum',
  period: 60,
  evaluationPeriods: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
} as const);

/** An alarm on any message waiting in a queue of failures (a dead-letter queue, a function's failure queue). */
export const ANY_MESSAGE_WAITING = Object.freeze({ ...QUEUE_ALARM, metricName: 'ApproximateNumberOfMessagesVisible', threshold: 1 } as const);

/**
 * An SQS queue with its dead-letter queue: a message received `maxReceiveCount` times without
 * being deleted moves there (redrive policy), and only this queue may move messages there
 * (redrive-allow policy). Both are encrypted at rest (SQS-managed keys, or the KMS key given).
 * Two alarms watch them: a message waiting too long (`<queueName>-oldest-message-age`) and any
 * message in the dead-letter queue (`<queueName>-dlq-depth`).
 *
 * The visibility timeout follows the consumers ({@link addConsumer}): by default 6 × the longest
 * consumer timeout; a value given is checked against each of them.
 */
export class SqsQueue extends Construct {
  /** The queue consumers read. */
  readonly queue: SqsQueueResource;
  /** The queue messages move to after `maxReceiveCount` receives. */
  readonly deadLetterQueue: SqsQueueResource;
  /** Lets only {@link queue} move messages to the dead-letter queue. */
  readonly redriveAllowPolicy?: SqsQueueRedriveAllowPolicy;
  /** `<queueName>-oldest-message-age`. */
  readonly oldestMessageAlarm: CloudwatchMetricAlarm;
  /** `<queueName>-dlq-depth`. */
  readonly deadLetterDepthAlarm: CloudwatchMetricAlarm;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** ARN of the queue. */
  readonly arn: string;
  /** URL of the queue. */
  readonly url: string;
  /** ARN of the dead-letter queue. */
  readonly deadLetterQueueArn: string;
  /** The KMS key encrypting both queues, when there is one: consumers need kms:Decrypt on it. */
  readonly kmsKeyArn?: string;

  private readonly props: SqsQueueProps;
  private readonly consumers: QueueConsumer[] = [];

  constructor(scope: Construct, id: string, props: SqsQueueProps) {
    super(scope, id);
    this.props = props;
    this.queueName = props.queueName;
    this.deadLetterQueueName = deadLetterQueueName(props.queueName);
    this.kmsKeyArn = props.kmsKeyArn;
    const tags = tagsOrNothing(props.tags);
    const encryption = props.kmsKeyArn === undefined ? { sqsManagedSseEnabled: true } : { kmsMasterKeyId: props.kmsKeyArn };

    this.deadLetterQueue = new SqsQueueResource(this, 'dead-letter-queue', {
      name: this.deadLetterQueueName,
      messageRetentionSeconds: props.deadLetterRetentionSeconds ?? QUEUE_DEFAULTS.deadLetterRetentionSeconds,
      ...encryption,
      tags,
    });
    this.deadLetterQueueArn = this.deadLetterQueue.arn;

    this.queue = new SqsQueueResource(this, 'queue', {
      name: props.queueName,
      visibilityTimeoutSeconds: Lazy.numberValue({ produce: () => this.visibilityTimeoutSeconds }),
      messageRetentionSeconds: props.messageRetentionSeconds ?? QUEUE_DEFAULTS.messageRetentionSeconds,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
      }),
      ...encryption,
      tags,
    });
    this.arn = this.queue.arn;
    this.url = this.queue.url;

    // A resource of its own: on the dead-letter queue it would name the queue that names it.
    if (props.redriveAllowPolicy ?? true) {
      this.redriveAllowPolicy = new SqsQueueRedriveAllowPolicy(this, 'redrive-allow-policy', {
        queueUrl: this.deadLetterQueue.url,
        redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queue.arn] }),
      });
    }

    const oldestMessageSeconds = props.oldestMessageAlarmSeconds ?? QUEUE_DEFAULTS.oldestMessageAlarmSeconds;
    this.oldestMessageAlarm = new CloudwatchMetricAlarm(this, 'oldest-message-alarm', {
      ...QUEUE_ALARM,
      alarmName: oldestMessageAlarmName(props.queueName),
      alarmDescription: `A message has waited ${oldestMessageSeconds} seconds or more in ${props.queueName}: its consumers are failing or falling behind`,
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: props.queueName },
      threshold: oldestMessageSeconds,
      ...alarmNotifications(props.alarmTopicArn),
      tags,
    });
    this.deadLetterDepthAlarm = new CloudwatchMetricAlarm(this, 'dead-letter-depth-alarm', {
      ...ANY_MESSAGE_WAITING,
      alarmName: deadLetterDepthAlarmName(props.queueName),
      alarmDescription: `Messages of ${props.queueName} failed ${props.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount} times and wait in ${this.deadLetterQueueName}`,
      dimensions: { QueueName: this.deadLetterQueueName },
      ...alarmNotifications(props.alarmTopicArn),
      tags,
    });

    addProblemCheck(this, () => this.checkProps());
  }

  /** Adds a function consuming the queue: the visibility timeout follows its timeout. */
  addConsumer(consumer: QueueConsumer): void {
    this.consumers.push(consumer);
  }

  /** The visibility timeout: the one given, else 6 × the longest consumer timeout, else 30. */
  get visibilityTimeoutSeconds(): number {
    if (this.props.visibilityTimeoutSeconds !== undefined) return this.props.visibilityTimeoutSeconds;
    const timeouts = this.consumers.map((c) => c.timeout).filter((t) => !Token.isUnresolved(t));
    return timeouts.length === 0 ? QUEUE_DEFAULTS.visibilityTimeoutSeconds : QUEUE_DEFAULTS.consumerTimeoutFactor * Math.max(...timeouts);
  }

  private checkProps(): Problem[] {
    const p = this.props;
    const retention = p.messageRetentionSeconds ?? QUEUE_DEFAULTS.messageRetentionSeconds;
    const alarmSeconds = p.oldestMessageAlarmSeconds ?? QUEUE_DEFAULTS.oldestMessageAlarmSeconds;
    const problems = [
      ...check('queueName', p.queueName, QUEUE_RULES.queueName),
      ...optional('visibilityTimeoutSeconds', p.visibilityTimeoutSeconds, QUEUE_RULES.visibilityTimeoutSeconds),
      ...optional('messageRetentionSeconds', p.messageRetentionSeconds, QUEUE_RULES.messageRetentionSeconds),
      ...optional('deadLetterRetentionSeconds', p.deadLetterRetentionSeconds, QUEUE_RULES.deadLetterRetentionSeconds),
      ...optional('maxReceiveCount', p.maxReceiveCount, QUEUE_RULES.maxReceiveCount),
      ...optional('kmsKeyArn', p.kmsKeyArn, QUEUE_RULES.kmsKeyArn),
      ...optional('oldestMessageAlarmSeconds', p.oldestMessageAlarmSeconds, QUEUE_RULES.oldestMessageAlarmSeconds),
    ];
    if (known(alarmSeconds) && satisfies(QUEUE_RULES.messageRetentionSeconds, retention) && alarmSeconds >= retention) {
      const rule = QUEUE_PAIR_RULES.oldestMessageAlarmAboveRetention;
      problems.push(problem(rule.code, 'oldestMessageAlarmSeconds', alarmSeconds, `${rule.text} (${retention})`));
    }
    const visibility = p.visibilityTimeoutSeconds;
    if (known(visibility)) {
      for (const consumer of this.consumers) {
        const least = QUEUE_DEFAULTS.consumerTimeoutFactor * consumer.timeout;
        if (known(consumer.timeout) && visibility < least) {
          const rule = QUEUE_PAIR_RULES.visibilityBelowConsumerTimeout;
          problems.push(
            problem(rule.code, 'visibilityTimeoutSeconds', visibility, `${rule.text}: ${consumer.name} has a timeout of ${consumer.timeout} seconds, so at least ${least}`),
          );
        }
      }
    }
    return problems;
  }
}
