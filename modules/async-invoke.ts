import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { policyDocument, PolicyStatement } from '../core/policy-document';
import { addProblemCheck } from '../core/problems';
import { check, ruleTable } from '../core/rules';
import { QueueTarget } from './queue-target';
import { ANY_MESSAGE_WAITING } from './sqs-queue';
import { alarmNotifications, aliasDimensions, ANY_IN_A_MINUTE, LambdaFunction, tagsOrNothing } from './lambda-function';

/**
 * Where a function's failed asynchronous invocations go: an SQS queue (with its KMS key, when
 * it has one) or an SNS topic. FIFO queues and topics are not destinations Lambda supports.
 */
export type FailureDestination = ({ readonly kind: 'sqs' } & QueueTarget) | { readonly kind: 'sns'; readonly arn: string };

/** The defaults of an event invoke config: Lambda's own. */
export const ASYNC_INVOKE_DEFAULTS = Object.freeze({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 } as const);

/** How long a function's own failure queue keeps a failed event: 14 days, the most SQS keeps. */
export const FAILURE_QUEUE_RETENTION_SECONDS = 1209600;

/**
 * Lambda's limits on asynchronous invocation, as data: synth checks them and the generated
 * `lambda` module renders the same rules as validations, with the same words.
 */
export const ASYNC_INVOKE_RULES = ruleTable(
  {
    maximumRetryAttempts: { kind: 'range', min: 0, max: 2, unit: '(retries of a failed asynchronous invocation)' },
    maximumEventAgeInSeconds: { kind: 'range', min: 60, max: 21600, unit: 'seconds' },
    destination: {
      kind: 'pattern',
      pattern: '^arn:aws[a-z-]*:(sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}|sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256})$',
      text: 'must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>) or an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), not FIFO',
    },
  },
  'async-invoke-',
);

/** The name of a function's own failure queue. */
export function failureQueueName(functionName: string): string {
  return `${functionName}-failures`;
}

/** The name of the alarm on a function's own failure queue. */
export function failureQueueAlarmName(functionName: string): string {
  return `${failureQueueName(functionName)}-depth`;
}

/** The name of a function's alarm on failed asynchronous events its destination did not take. */
export function asyncEventsLostAlarmName(functionName: string): string {
  return `${functionName}-async-events-lost`;
}

/**
 * What the lost-events alarm watches, besides the function and alias it names: any failed event
 * of the alias that Lambda could not send to its on-failure destination in a minute (the role
 * may not send there, the queue or topic is gone, its key refuses): such an event is lost.
 * (AsyncEventsDropped would not do: it also counts every failed event the destination took.)
 * No events is no problem.
 */
export const ASYNC_EVENTS_LOST_ALARM = Object.freeze({ ...ANY_IN_A_MINUTE, metricName: 'DestinationDeliveryFailures' } as const);

/** The lost-events alarm of a function, but for its count and tags: the construct's and the generated module's. */
export function asyncEventsLostAlarmConfig(fn: LambdaFunction) {
  return {
    ...ASYNC_EVENTS_LOST_ALARM,
    alarmName: asyncEventsLostAlarmName(fn.functionName),
    alarmDescription: `Failed asynchronous events of ${fn.functionName}:${fn.aliasName} could not be sent to the on-failure destination and are lost: check the destination, its policy and its key, and the role's async-failures policy`,
    dimensions: aliasDimensions(fn.functionName, fn.aliasName),
    ...alarmNotifications(fn.alarmTopicArn),
  };
}

/** What the failure-queue alarm watches, besides the queue it names: any failed event waiting in it. */
export const FAILURE_QUEUE_DEPTH_ALARM = ANY_MESSAGE_WAITING;

/**
 * The statements that let a function's role send failed events to `destination`, and nowhere
 * else: `sqs:SendMessage` on the queue (with `kms:GenerateDataKey` and `kms:Decrypt` on its key,
 * when it has one), or `sns:Publish` on the topic.
 */
export function failureDestinationStatements(destination: FailureDestination): PolicyStatement[] {
  if (destination.kind === 'sns') return [{ sid: 'PublishFailedEvents', actions: ['sns:Publish'], resources: [destination.arn] }];
  return [
    { sid: 'SendFailedEvents', actions: ['sqs:SendMessage'], resources: [destination.arn] },
    ...(destination.kmsKeyArn === undefined
      ? []
      : [{ sid: 'EncryptFailedEvents', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [destination.kmsKeyArn] }]),
  ];
}

/** Properties of an {@link AsyncInvoke}. Fields as an environment's `asyncInvoke` writes them. */
export interface AsyncInvokeProps {
  /** Retries of a failed asynchronous invocation, 0 to 2. @default 2 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an event may wait to be processed, 60 to 21600. @default 21600 (6 hours) */
  readonly maximumEventAgeInSeconds?: number;
  /** Where failed events go. @default a queue created for the function, `<functionName>-failures` */
  readonly onFailure?: FailureDestination;
  /** Tags of the queue and the alarms. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * What happens to a function's failed asynchronous invocations: an event invoke config on its
 * ALIAS (retries, maximum event age) with an on-failure destination, so no failed event is
 * dropped silently. The destination is a queue or topic named, or by default a queue created
 * for the function, `<functionName>-failures` (SSE-SQS, 14 days), with an alarm on any message
 * in it, `<functionName>-failures-depth`. The function's role may send to that destination and to
 * no other. The alarm `<functionName>-async-events-lost` goes off when a failed event could not be
 * sent there. Every alarm notifies the function's alarm topic.
 *
 * Make it a child of the function: `new AsyncInvoke(fn, 'async-invoke', …)`.
 */
export class AsyncInvoke extends Construct {
  readonly config: LambdaFunctionEventInvokeConfig;
  /** The function's own failure queue, when no destination is named. */
  readonly failureQueue?: SqsQueue;
  /** The alarm on the failure queue, with the queue. */
  readonly failureQueueAlarm?: CloudwatchMetricAlarm;
  /** Name of {@link failureQueue}, when the construct created it. */
  readonly failureQueueName?: string;
  /** The role policy that lets the function send to the destination. */
  readonly sendPolicy: IamRolePolicy;
  /** `<functionName>-async-events-lost`. */
  readonly asyncEventsLostAlarm: CloudwatchMetricAlarm;
  /** Where failed events go. */
  readonly destination: FailureDestination;

  constructor(fn: LambdaFunction, id: string, props: AsyncInvokeProps = {}) {
    super(fn, id);
    const tags = tagsOrNothing(props.tags);
    if (props.onFailure === undefined) {
      const queueName = failureQueueName(fn.functionName);
      this.failureQueueName = queueName;
      this.failureQueue = new SqsQueue(this, 'failure-queue', {
        name: queueName,
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: FAILURE_QUEUE_RETENTION_SECONDS,
        tags,
      });
      this.failureQueueAlarm = new CloudwatchMetricAlarm(this, 'failure-queue-alarm', {
        ...FAILURE_QUEUE_DEPTH_ALARM,
        alarmName: failureQueueAlarmName(fn.functionName),
        alarmDescription: `Failed asynchronous invocations of ${fn.functionName} are waiting in ${queueName}`,
        dimensions: { QueueName: queueName },
        ...alarmNotifications(fn.alarmTopicArn),
        tags,
      });
    }
    this.destination = props.onFailure ?? { kind: 'sqs', arn: this.failureQueue!.arn };

    this.sendPolicy = new IamRolePolicy(this, 'send-policy', {
      name: 'async-failures',
      role: fn.role.id,
      policy: policyDocument(failureDestinationStatements(this.destination)),
    });
    this.config = new LambdaFunctionEventInvokeConfig(this, 'config', {
      functionName: fn.resource.functionName,
      qualifier: fn.alias.name,
      maximumRetryAttempts: props.maximumRetryAttempts ?? ASYNC_INVOKE_DEFAULTS.maximumRetryAttempts,
      maximumEventAgeInSeconds: props.maximumEventAgeInSeconds ?? ASYNC_INVOKE_DEFAULTS.maximumEventAgeInSeconds,
      destinationConfig: { onFailure: { destination: this.destination.arn } },
      // Lambda checks that the role may send to the destination when the config is set.
      dependsOn: [this.sendPolicy],
    });

    // Not watched by canaries: a destination that refuses events is no fault of a new version.
    this.asyncEventsLostAlarm = new CloudwatchMetricAlarm(this, 'events-lost-alarm', { ...asyncEventsLostAlarmConfig(fn), tags });

    const named = props.onFailure;
    addProblemCheck(this, () => [
      ...(named === undefined ? [] : check('asyncInvoke.onFailure', named.arn, ASYNC_INVOKE_RULES.destination)),
      ...(props.maximumRetryAttempts === undefined ? [] : check('asyncInvoke.maximumRetryAttempts', props.maximumRetryAttempts, ASYNC_INVOKE_RULES.maximumRetryAttempts)),
      ...(props.maximumEventAgeInSeconds === undefined
        ? []
        : check('asyncInvoke.maximumEventAgeInSeconds', props.maximumEventAgeInSeconds, ASYNC_INVOKE_RULES.maximumEventAgeInSeconds)),
    ]);
  }

  /** The queue the function's failed events go to, for a schedule's dead-letter queue; none when it is a topic. */
  get deadLetterQueue(): QueueTarget | undefined {
    return this.destination.kind === 'sqs' ? { arn: this.destination.arn, kmsKeyArn: this.destination.kmsKeyArn } : undefined;
  }
}
