import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { Construct } from 'constructs';
import { isJsonObject } from '../core/json-text';
import { known, optional } from '../core/known-values';
import { policyDocument, PolicyStatement } from '../core/policy-document';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, FieldPairRule, isToken, ruleTable } from '../core/rules';
import { LambdaFunction } from './lambda-function';
import { QueueTarget } from './queue-target';
import { QUEUE_RULES, SqsQueue } from './sqs-queue';

/** Properties of a {@link QueueEventSource}. */
export interface QueueEventSourceProps {
  /** The queue: an {@link SqsQueue} (its visibility timeout then follows the function's timeout) or any queue. */
  readonly queue: QueueTarget;
  /**
   * How the visibility timeout rule of an {@link SqsQueue} names this consumer: `functions.worker`.
   * @default the function's name
   */
  readonly consumerName?: string;
  /** Messages per invocation: 1 to 10, up to 10000 with a batching window. @default 10 */
  readonly batchSize?: number;
  /** Seconds to gather a batch, 0 to 300. @default 0 */
  readonly maximumBatchingWindowInSeconds?: number;
  /** Most concurrent invocations the queue may start, 2 to 1000, not above the function's reserved concurrency. @default Lambda's own scaling */
  readonly maximumConcurrency?: number;
  /** The handler reports the failed messages of a batch, so only those are retried. @default true */
  readonly reportBatchItemFailures?: boolean;
  /** Event filter patterns, each a JSON object; at most 5. @default every message invokes the function */
  readonly filterPatterns?: readonly string[];
  /** Whether the mapping polls. @default true */
  readonly enabled?: boolean;
}

/** The defaults of an event source. */
export const EVENT_SOURCE_DEFAULTS = Object.freeze({
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  /** The batch size Lambda allows without a batching window. */
  batchSizeWithoutWindow: 10,
  /** The largest batch Lambda takes from a FIFO queue, which allows no batching window. */
  fifoBatchSize: 10,
} as const);

/** How an SQS queue ARN ends when the queue is FIFO. */
export const FIFO_QUEUE_SUFFIX = '.fifo';

/** Whether a queue ARN synth knows names a FIFO queue (`…:orders.fifo`). */
export function isFifoQueueArn(queueArn: string): boolean {
  return !isToken(queueArn) && queueArn.endsWith(FIFO_QUEUE_SUFFIX);
}

/** What the handler may report: the failed messages of a batch (`batchItemFailures`). */
export const REPORT_BATCH_ITEM_FAILURES = 'ReportBatchItemFailures';

/**
 * The limits of Lambda's SQS event sources, as data: synth checks them here, and the generated
 * `lambda` module states them as validations of `event_source_mapping` with the same words
 * (module-export/event-source-variables.ts).
 */
export const EVENT_SOURCE_RULES = ruleTable(
  {
    batchSize: { kind: 'range', min: 1, max: 10_000, unit: '(messages per invocation)' },
    maximumBatchingWindowInSeconds: { kind: 'range', min: 0, max: 300, unit: 'seconds' },
    maximumConcurrency: { kind: 'range', min: 2, max: 1000, unit: '(concurrent invocations the queue may start)' },
    filterPatterns: { kind: 'items', max: 5, what: 'filter patterns (the Lambda limit per event source)' },
    queueArn: {
      kind: 'pattern',
      pattern: '^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$',
      text: 'must be an SQS queue ARN: arn:aws:sqs:<region>:<account>:<name> (only SQS event sources are supported)',
    },
    functionResponseTypes: { kind: 'oneOf', values: [REPORT_BATCH_ITEM_FAILURES], what: 'function response types' },
  },
  'event-source-',
);

/** Rules between an event source's settings, or between it and its function, in words. */
export const EVENT_SOURCE_PAIR_RULES = Object.freeze({
  /** On the batch size: above 10 only with a batching window. */
  batchSizeWithoutWindow: {
    code: 'event-source-batch-size-without-window',
    text: `must be at most ${EVENT_SOURCE_DEFAULTS.batchSizeWithoutWindow} without a batching window (a window above 0 seconds allows up to 10000)`,
  },
  /** On the batch size of a FIFO queue's event source: Lambda takes at most 10 messages at once from one. */
  fifoBatchSize: {
    code: 'event-source-fifo-batch-size',
    text: `must be at most ${EVENT_SOURCE_DEFAULTS.fifoBatchSize} for a FIFO queue (an ARN ending ${FIFO_QUEUE_SUFFIX})`,
  },
  /** On the batching window of a FIFO queue's event source: Lambda allows none. */
  fifoBatchingWindow: {
    code: 'event-source-fifo-batching-window',
    text: `must be 0 for a FIFO queue (an ARN ending ${FIFO_QUEUE_SUFFIX}): Lambda allows no batching window on one`,
  },
  /** On the maximum concurrency: the function can never run more at once than it reserves. */
  maximumConcurrencyAboveReserved: {
    code: 'event-source-maximum-concurrency-above-reserved',
    text: "must not be more than the function's reserved concurrency, when it has one (a reserved concurrency of 0 or more)",
  },
  /** On each filter pattern: Lambda takes a JSON object. */
  filterPatternJson: {
    code: 'event-source-filter-pattern',
    text: 'must be a JSON object, such as {"body":{"type":["order"]}}',
  },
  /** On the queue: one mapping per function and queue. */
  queueConsumedTwice: {
    code: 'event-source-queue-consumed-twice',
    text: 'a function consumes each queue once: give each queue one event source',
  },
} as const satisfies Record<string, FieldPairRule>);

/** The actions a function needs to consume a queue (AWSLambdaSQSQueueExecutionRole's, on that queue only). */
export const CONSUME_ACTIONS = Object.freeze(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const);

/** The statements of a consume policy: the queue's actions on that queue, kms:Decrypt on its key when it has one. */
export function consumeStatements(queueArn: string, kmsKeyArn?: string): PolicyStatement[] {
  return [
    { sid: 'ConsumeQueue', actions: CONSUME_ACTIONS, resources: [queueArn] },
    ...(kmsKeyArn === undefined ? [] : [{ sid: 'DecryptQueueMessages', actions: ['kms:Decrypt'], resources: [kmsKeyArn] }]),
  ];
}

/**
 * A function consuming an SQS queue: an event source mapping on the function's alias (the
 * version CI promoted, never `$LATEST`), and an inline policy on the function's role naming that
 * queue only. The mapping depends on the policy: Lambda checks the role when it creates the
 * mapping, and the first poll fails with access denied otherwise. Create it as a child of the
 * function (`new QueueEventSource(fn, 'jobs-event-source', …)`).
 */
export class QueueEventSource extends Construct {
  /** The event source mapping, on the function's alias. */
  readonly mapping: LambdaEventSourceMapping;
  /** The inline policy on the function's role that lets it consume the queue. */
  readonly policy: IamRolePolicy;

  private readonly props: QueueEventSourceProps;
  private readonly fn: LambdaFunction;

  /** @param policyName the name of the inline policy, unique on the function's role: `consume-<queue key>` */
  constructor(fn: LambdaFunction, id: string, policyName: string, props: QueueEventSourceProps) {
    super(fn, id);
    this.fn = fn;
    this.props = props;
    const { queue } = props;
    // The function's own settings (the resource's `timeout` is a reference to what AWS reports).
    const timeout = fn.resource.timeoutInput;
    if (queue instanceof SqsQueue && timeout !== undefined) queue.addConsumer({ name: props.consumerName ?? fn.functionName, timeout });

    this.policy = new IamRolePolicy(this, 'policy', {
      name: policyName,
      role: fn.role.id,
      policy: policyDocument(consumeStatements(queue.arn, queue.kmsKeyArn)),
    });
    const patterns = props.filterPatterns ?? [];
    this.mapping = new LambdaEventSourceMapping(this, 'mapping', {
      functionName: fn.aliasArn,
      eventSourceArn: queue.arn,
      batchSize: props.batchSize ?? EVENT_SOURCE_DEFAULTS.batchSize,
      maximumBatchingWindowInSeconds: props.maximumBatchingWindowInSeconds ?? EVENT_SOURCE_DEFAULTS.maximumBatchingWindowInSeconds,
      scalingConfig: props.maximumConcurrency === undefined ? undefined : { maximumConcurrency: props.maximumConcurrency },
      functionResponseTypes: props.reportBatchItemFailures === false ? undefined : [REPORT_BATCH_ITEM_FAILURES],
      filterCriteria: patterns.length === 0 ? undefined : { filter: patterns.map((pattern) => ({ pattern })) },
      enabled: props.enabled ?? true,
      dependsOn: [this.policy],
    });

    addProblemCheck(this, () => this.checkProps());
  }

  private checkProps(): Problem[] {
    const p = this.props;
    const batchSize = p.batchSize ?? EVENT_SOURCE_DEFAULTS.batchSize;
    const window = p.maximumBatchingWindowInSeconds ?? EVENT_SOURCE_DEFAULTS.maximumBatchingWindowInSeconds;
    const reserved = this.fn.resource.reservedConcurrentExecutionsInput;
    const problems = [
      ...optional('batchSize', p.batchSize, EVENT_SOURCE_RULES.batchSize),
      ...optional('maximumBatchingWindowInSeconds', p.maximumBatchingWindowInSeconds, EVENT_SOURCE_RULES.maximumBatchingWindowInSeconds),
      ...optional('maximumConcurrency', p.maximumConcurrency, EVENT_SOURCE_RULES.maximumConcurrency),
      ...optional('filterPatterns', p.filterPatterns, EVENT_SOURCE_RULES.filterPatterns),
      ...check('queue', p.queue.arn, EVENT_SOURCE_RULES.queueArn),
      // A queue of this project checks its own key.
      ...(p.queue instanceof SqsQueue ? [] : optional('kmsKeyArn', p.queue.kmsKeyArn, QUEUE_RULES.kmsKeyArn)),
    ];
    if (isFifoQueueArn(p.queue.arn)) {
      if (known(batchSize) && batchSize > EVENT_SOURCE_DEFAULTS.fifoBatchSize) {
        const rule = EVENT_SOURCE_PAIR_RULES.fifoBatchSize;
        problems.push(problem(rule.code, 'batchSize', batchSize, rule.text));
      }
      if (known(window) && window !== 0) {
        const rule = EVENT_SOURCE_PAIR_RULES.fifoBatchingWindow;
        problems.push(problem(rule.code, 'maximumBatchingWindowInSeconds', window, rule.text));
      }
    } else if (known(batchSize) && known(window) && window === 0 && batchSize > EVENT_SOURCE_DEFAULTS.batchSizeWithoutWindow) {
      const rule = EVENT_SOURCE_PAIR_RULES.batchSizeWithoutWindow;
      problems.push(problem(rule.code, 'batchSize', batchSize, rule.text));
    }
    if (known(p.maximumConcurrency) && known(reserved) && reserved >= 0 && p.maximumConcurrency > reserved) {
      const rule = EVENT_SOURCE_PAIR_RULES.maximumConcurrencyAboveReserved;
      problems.push(problem(rule.code, 'maximumConcurrency', p.maximumConcurrency, `${rule.text}: it is ${reserved}`));
    }
    (p.filterPatterns ?? []).forEach((pattern, i) => {
      if (!isJsonObject(pattern)) {
        const rule = EVENT_SOURCE_PAIR_RULES.filterPatternJson;
        problems.push(problem(rule.code, `filterPatterns[${i}]`, pattern, rule.text));
      }
    });
    return problems;
  }
}
