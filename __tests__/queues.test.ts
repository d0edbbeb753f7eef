import * as path from 'node:path';
import { Testing } from '../core/framework';
import { formatProblem, ValidationError } from '../core/problems';
import { EnvironmentConfig, EventSourceConfig, FunctionConfig, QueueConfig } from '../stacks/environment-config';
import { EnvironmentStack } from '../stacks/environment-stack';
import { lambdaFunctionModule } from '../module-export/lambda-function-module';
import { collectProblems } from '../synth/collect-problems';
import { synthesize } from '../synth/synthesize';
import { decide, policiesOfRole } from './support/iam-simulator';
import { resourcesOf, tempDir } from './support/synth';

const TOPIC = 'arn:aws:sns:us-west-2:111111111111:shop-ops';
const KEY = 'arn:aws:kms:us-west-2:111111111111:key/11111111-2222-3333-4444-555555555555';
const OTHER_KEY = 'arn:aws:kms:us-west-2:222222222222:key/66666666-7777-8888-9999-000000000000';
const EXTERNAL_QUEUE = 'arn:aws:sqs:us-west-2:222222222222:billing-events';
const FIFO_QUEUE = 'arn:aws:sqs:us-west-2:222222222222:billing-orders.fifo';

/** A small environment: a worker consuming `jobs`, and whatever a test adds. */
function environment(
  change: { queues?: Record<string, QueueConfig>; functions?: Record<string, FunctionConfig> } = {},
): EnvironmentConfig {
  return {
    name: 'shop',
    accountId: '111111111111',
    region: 'us-west-2',
    namePrefix: 'shop',
    backend: { bucket: 'shop-terraform-state', useLockfile: true },
    artifactsBucket: 'shop-artifacts',
    alarmTopicArn: TOPIC,
    queues: change.queues ?? { jobs: {} },
    functions: change.functions ?? { worker: { handler: 'app.worker.handler', timeout: 60, eventSources: [{ queue: 'jobs' }] } },
  };
}

/** The synthesized stack of an environment, which must have no problems. */
function synthesized(config: EnvironmentConfig): any {
  const stack = new EnvironmentStack(Testing.app(), config);
  expect(collectProblems(stack).map(formatProblem)).toEqual([]);
  return JSON.parse(Testing.synth(stack));
}

/** What synth reports for an environment, each problem as `field = value: rule`; fails if synth succeeds. */
function problemsFor(config: EnvironmentConfig): string[] {
  try {
    synthesize([config], { outdir: path.join(tempDir('queues'), 'cdktf.out') });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => formatProblem({ ...p, path: undefined }));
  }
  throw new Error('synth accepted the bad input');
}

/** A worker with these event sources (and settings) consuming the environment's queues. */
const worker = (eventSources: EventSourceConfig[], settings: Partial<FunctionConfig> = {}): Record<string, FunctionConfig> => ({
  worker: { handler: 'app.worker.handler', timeout: 60, ...settings, eventSources },
});

/** Inline policies by name, parsed. */
function policies(json: any): Record<string, any> {
  return Object.fromEntries(Object.values<any>(resourcesOf(json, 'aws_iam_role_policy')).map((p) => [p.name, JSON.parse(p.policy)]));
}

describe('a queue', () => {
  test('has a dead-letter queue by redrive policy that only it may use, both encrypted by SQS, and the documented defaults', () => {
    const json = synthesized(environment({ functions: {} }));
    expect(resourcesOf(json, 'aws_sqs_queue')).toEqual({
      jobs_queue_queue: {
        name: 'shop-jobs',
        visibility_timeout_seconds: 30, // nothing consumes it
        message_retention_seconds: 345600,
        redrive_policy: JSON.stringify({ deadLetterTargetArn: '${aws_sqs_queue.jobs_queue_dead_letter_queue.arn}', maxReceiveCount: 5 }),
        sqs_managed_sse_enabled: true,
      },
      jobs_queue_dead_letter_queue: { name: 'shop-jobs-dlq', message_retention_seconds: 1209600, sqs_managed_sse_enabled: true },
    });
    expect(resourcesOf(json, 'aws_sqs_queue_redrive_allow_policy')).toEqual({
      jobs_queue_redrive_allow_policy: {
        queue_url: '${aws_sqs_queue.jobs_queue_dead_letter_queue.url}',
        redrive_allow_policy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['${aws_sqs_queue.jobs_queue_queue.arn}'] }),
      },
    });
  });

  test('built for an AWS API emulator, has no redrive-allow policy (moto cannot store one); the rest is the same', () => {
    const config = environment({ functions: {} });
    const emulated = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), config, 'http://127.0.0.1:5000')));
    const real = synthesized(config);
    expect(resourcesOf(emulated, 'aws_sqs_queue_redrive_allow_policy')).toEqual({});
    expect(resourcesOf(emulated, 'aws_sqs_queue')).toEqual(resourcesOf(real, 'aws_sqs_queue'));
  });

  test('takes its settings, and a KMS key encrypts both queues instead of SQS-managed keys', () => {
    const json = synthesized(
      environment({
        functions: {},
        queues: {
          jobs: {
            queueName: 'shop-orders',
            visibilityTimeoutSeconds: 120,
            messageRetentionSeconds: 86400,
            maxReceiveCount: 3,
            deadLetterRetentionSeconds: 604800,
            kmsKeyArn: KEY,
            oldestMessageAlarmSeconds: 300,
          },
        },
      }),
    );
    expect(resourcesOf(json, 'aws_sqs_queue')).toEqual({
      jobs_queue_queue: {
        name: 'shop-orders',
        visibility_timeout_seconds: 120,
        message_retention_seconds: 86400,
        redrive_policy: JSON.stringify({ deadLetterTargetArn: '${aws_sqs_queue.jobs_queue_dead_letter_queue.arn}', maxReceiveCount: 3 }),
        kms_master_key_id: KEY,
      },
      jobs_queue_dead_letter_queue: { name: 'shop-orders-dlq', message_retention_seconds: 604800, kms_master_key_id: KEY },
    });
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm').jobs_queue_oldest_message_alarm.threshold).toBe(300);
  });

  test('has two alarms notifying the environment topic: age of the oldest message, and any message in the dead-letter queue', () => {
    const alarms = resourcesOf(synthesized(environment({ functions: {} })), 'aws_cloudwatch_metric_alarm');
    const shared = {
      namespace: 'AWS/SQS',
      statistic: 'Maximum',
      period: 60,
      evaluation_periods: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    };
    expect(alarms.jobs_queue_oldest_message_alarm).toEqual({
      ...shared,
      alarm_name: 'shop-jobs-oldest-message-age',
      alarm_description: expect.any(String),
      metric_name: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: 'shop-jobs' },
      threshold: 900,
    });
    expect(alarms.jobs_queue_dead_letter_depth_alarm).toEqual({
      ...shared,
      alarm_name: 'shop-jobs-dlq-depth',
      alarm_description: expect.any(String),
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'shop-jobs-dlq' },
      threshold: 1,
    });
  });

  test('without an alarm topic, its alarms notify nobody', () => {
    const alarms = resourcesOf(synthesized({ ...environment({ functions: {} }), alarmTopicArn: undefined }), 'aws_cloudwatch_metric_alarm');
    for (const alarm of Object.values<any>(alarms)) expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([undefined, undefined]);
  });

  test('waits 6 × the longest timeout of its consumers before showing a message again, unless told otherwise', () => {
    const consumers = (visibilityTimeoutSeconds?: number) =>
      environment({
        queues: { jobs: { visibilityTimeoutSeconds } },
        functions: {
          worker: { handler: 'app.worker.handler', timeout: 60, eventSources: [{ queue: 'jobs' }] },
          slow: { handler: 'app.slow.handler', timeout: 100, eventSources: [{ queue: 'jobs' }] },
        },
      });
    expect(resourcesOf(synthesized(consumers()), 'aws_sqs_queue').jobs_queue_queue.visibility_timeout_seconds).toBe(600);
    expect(resourcesOf(synthesized(consumers(900)), 'aws_sqs_queue').jobs_queue_queue.visibility_timeout_seconds).toBe(900);
    const defaultTimeout = environment({ functions: worker([{ queue: 'jobs' }], { timeout: undefined }) });
    expect(resourcesOf(synthesized(defaultTimeout), 'aws_sqs_queue').jobs_queue_queue.visibility_timeout_seconds).toBe(18);
  });

  test('has outputs: its URL, its ARN and its dead-letter queue ARN', () => {
    const outputs = synthesized(environment({ functions: {} })).output;
    expect({
      url: outputs.jobs_queue_url.value,
      arn: outputs.jobs_queue_arn.value,
      dlq: outputs.jobs_dead_letter_queue_arn.value,
    }).toEqual({
      url: '${aws_sqs_queue.jobs_queue_queue.url}',
      arn: '${aws_sqs_queue.jobs_queue_queue.arn}',
      dlq: '${aws_sqs_queue.jobs_queue_dead_letter_queue.arn}',
    });
  });
});

describe('a function consuming a queue', () => {
  test('polls it with a mapping on its alias, after the policy that lets it consume exists, with the documented defaults', () => {
    const json = synthesized(environment());
    expect(resourcesOf(json, 'aws_lambda_event_source_mapping')).toEqual({
      worker_jobs_event_source_mapping: {
        function_name: '${aws_lambda_alias.worker_alias.arn}',
        event_source_arn: '${aws_sqs_queue.jobs_queue_queue.arn}',
        batch_size: 10,
        maximum_batching_window_in_seconds: 0,
        function_response_types: ['ReportBatchItemFailures'],
        enabled: true,
        depends_on: ['aws_iam_role_policy.worker_jobs_event_source_policy'],
      },
    });
    expect(resourcesOf(json, 'aws_iam_role_policy').worker_jobs_event_source_policy.role).toBe('${aws_iam_role.worker_role.id}');
  });

  test('may consume that queue only: receive, delete and read its attributes', () => {
    expect(policies(synthesized(environment()))['consume-jobs']).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ConsumeQueue',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: '${aws_sqs_queue.jobs_queue_queue.arn}',
        },
      ],
    });
  });

  test('may decrypt with the key of a KMS-encrypted queue, its own or one given with a queue ARN, and with no other key', () => {
    const json = synthesized(
      environment({
        queues: { jobs: { kmsKeyArn: KEY } },
        functions: worker([{ queue: 'jobs' }, { queue: EXTERNAL_QUEUE, kmsKeyArn: OTHER_KEY }]),
      }),
    );
    const decrypt = (key: string) => ({ Sid: 'DecryptQueueMessages', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key });
    const consume = (queue: string) => ({
      Sid: 'ConsumeQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: queue,
    });
    const found = policies(json);
    expect(found['consume-jobs'].Statement).toEqual([consume('${aws_sqs_queue.jobs_queue_queue.arn}'), decrypt(KEY)]);
    expect(found['consume-billing-events'].Statement).toEqual([consume(EXTERNAL_QUEUE), decrypt(OTHER_KEY)]);
    expect(resourcesOf(json, 'aws_lambda_event_source_mapping').worker_billing_events_event_source_mapping).toMatchObject({
      function_name: '${aws_lambda_alias.worker_alias.arn}',
      event_source_arn: EXTERNAL_QUEUE,
      depends_on: ['aws_iam_role_policy.worker_billing_events_event_source_policy'],
    });
  });

  test('takes its batching, concurrency, batch failure reporting, filters and switch', () => {
    const json = synthesized(
      environment({
        functions: worker(
          [
            {
              queue: 'jobs',
              batchSize: 500,
              maximumBatchingWindowInSeconds: 20,
              maximumConcurrency: 5,
              reportBatchItemFailures: false,
              filterPatterns: ['{"body":{"kind":["order"]}}', '{"attributes":{"MessageGroupId":["vip"]}}'],
              enabled: false,
            },
          ],
          { reservedConcurrentExecutions: 5 },
        ),
      }),
    );
    expect(resourcesOf(json, 'aws_lambda_event_source_mapping').worker_jobs_event_source_mapping).toEqual({
      function_name: '${aws_lambda_alias.worker_alias.arn}',
      event_source_arn: '${aws_sqs_queue.jobs_queue_queue.arn}',
      batch_size: 500,
      maximum_batching_window_in_seconds: 20,
      scaling_config: { maximum_concurrency: 5 },
      filter_criteria: { filter: [{ pattern: '{"body":{"kind":["order"]}}' }, { pattern: '{"attributes":{"MessageGroupId":["vip"]}}' }] },
      enabled: false,
      depends_on: ['aws_iam_role_policy.worker_jobs_event_source_policy'],
    });
  });

  test('IAM lets a worker receive and delete on its own queue, and nothing on another queue of the stack', async () => {
    const json = synthesized(
      environment({
        queues: { jobs: {}, reports: {} },
        functions: {
          ...worker([{ queue: 'jobs' }]),
          reporter: { handler: 'app.reporter.handler', eventSources: [{ queue: 'reports' }] },
        },
      }),
    );
    const own = 'arn:aws:sqs:us-west-2:111111111111:jobs_queue_queue';
    const other = 'arn:aws:sqs:us-west-2:111111111111:reports_queue_queue';
    const workerPolicies = policiesOfRole(json, 'worker_role');
    const decisions: Record<string, string> = {};
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:SendMessage', 'sqs:PurgeQueue']) {
      decisions[`${action} own`] = await decide(workerPolicies, action, own);
      decisions[`${action} other`] = await decide(workerPolicies, action, other);
    }
    expect(decisions).toEqual({
      'sqs:ReceiveMessage own': 'Allowed',
      'sqs:ReceiveMessage other': 'ImplicitlyDenied',
      'sqs:DeleteMessage own': 'Allowed',
      'sqs:DeleteMessage other': 'ImplicitlyDenied',
      'sqs:GetQueueAttributes own': 'Allowed',
      'sqs:GetQueueAttributes other': 'ImplicitlyDenied',
      'sqs:SendMessage own': 'ImplicitlyDenied',
      'sqs:SendMessage other': 'ImplicitlyDenied',
      'sqs:PurgeQueue own': 'ImplicitlyDenied',
      'sqs:PurgeQueue other': 'ImplicitlyDenied',
    });
    // and the other worker the other way round
    const reporterPolicies = policiesOfRole(json, 'reporter_role');
    expect([await decide(reporterPolicies, 'sqs:ReceiveMessage', other), await decide(reporterPolicies, 'sqs:ReceiveMessage', own)]).toEqual([
      'Allowed',
      'ImplicitlyDenied',
    ]);
  });
});

describe('the generated lambda module', () => {
  const module = JSON.parse(Testing.synth(lambdaFunctionModule(Testing.app())));

  test('maps each queue of event_source_mapping to the alias, after the consume policy of that queue', () => {
    const mapping = resourcesOf(module, 'aws_lambda_event_source_mapping').lambda_event_source_mapping;
    expect(mapping).toMatchObject({
      for_each: '${var.event_source_mapping}',
      function_name: '${aws_lambda_alias.lambda_alias.arn}',
      event_source_arn: '${each.value.event_source_arn}',
      depends_on: ['aws_iam_role_policy.lambda_event_source_policy'],
    });
    expect(resourcesOf(module, 'aws_iam_role_policy').lambda_event_source_policy).toMatchObject({
      for_each: '${var.event_source_mapping}',
      name: 'consume-${each.key}',
      role: '${aws_iam_role.lambda_role.id}',
    });
  });

  test('says in its description that only SQS sources are supported', () => {
    expect(module.variable.event_source_mapping.description).toContain('only SQS event sources are supported');
  });
});

describe('bad input is reported at synth, naming the field as written, the value and the rule', () => {
  const withQueue = (queue: QueueConfig) => environment({ queues: { jobs: queue } });
  const withSource = (source: Omit<EventSourceConfig, 'queue'> & { queue?: string }, settings: Partial<FunctionConfig> = {}) =>
    environment({ functions: worker([{ queue: 'jobs', ...source }], settings) });

  test.each<[string, EnvironmentConfig, string[]]>([
    [
      'a queue name SQS refuses',
      withQueue({ queueName: 'shop jobs' }),
      ['queues.jobs.queueName = "shop jobs": must be 1 to 76 letters, digits, hyphens and underscores (SQS allows 80, and the dead-letter queue adds "-dlq")'],
    ],
    [
      'a visibility timeout above 12 hours',
      withQueue({ visibilityTimeoutSeconds: 43201 }),
      ['queues.jobs.visibilityTimeoutSeconds = 43201: must be a whole number from 0 to 43200 seconds'],
    ],
    [
      'a visibility timeout below 6 × a consumer timeout',
      withQueue({ visibilityTimeoutSeconds: 359 }),
      [
        "queues.jobs.visibilityTimeoutSeconds = 359: must be at least 6 × the timeout of every function consuming the queue (AWS's advice for Lambda event sources): functions.worker has a timeout of 60 seconds, so at least 360",
      ],
    ],
    [
      'a retention below a minute',
      withQueue({ messageRetentionSeconds: 59 }),
      ['queues.jobs.messageRetentionSeconds = 59: must be a whole number from 60 to 1209600 seconds'],
    ],
    [
      'a dead-letter retention above 14 days',
      withQueue({ deadLetterRetentionSeconds: 1209601 }),
      ['queues.jobs.deadLetterRetentionSeconds = 1209601: must be a whole number from 60 to 1209600 seconds'],
    ],
    [
      'no receive before the dead-letter queue',
      withQueue({ maxReceiveCount: 0 }),
      ['queues.jobs.maxReceiveCount = 0: must be a whole number from 1 to 1000 (receives before a message moves to the dead-letter queue)'],
    ],
    [
      'more receives than SQS counts',
      withQueue({ maxReceiveCount: 1001 }),
      ['queues.jobs.maxReceiveCount = 1001: must be a whole number from 1 to 1000 (receives before a message moves to the dead-letter queue)'],
    ],
    [
      'a KMS alias for a queue key',
      withQueue({ kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:alias/shop' }),
      [
        'queues.jobs.kmsKeyArn = "arn:aws:kms:us-west-2:111111111111:alias/shop": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)',
      ],
    ],
    [
      'an oldest-message alarm no message can reach',
      withQueue({ messageRetentionSeconds: 600 }),
      [
        'queues.jobs.oldestMessageAlarmSeconds = 900: must be less than messageRetentionSeconds: a message is deleted before it is that old, so the alarm could never go off (600)',
      ],
    ],
    [
      'a zero oldest-message alarm',
      withQueue({ oldestMessageAlarmSeconds: 0 }),
      ['queues.jobs.oldestMessageAlarmSeconds = 0: must be a whole number of at least 1 seconds'],
    ],
    [
      'an empty batch',
      withSource({ batchSize: 0 }),
      ['functions.worker.eventSources[0].batchSize = 0: must be a whole number from 1 to 10000 (messages per invocation)'],
    ],
    [
      'a batch above 10 without a window',
      withSource({ batchSize: 11 }),
      ['functions.worker.eventSources[0].batchSize = 11: must be at most 10 without a batching window (a window above 0 seconds allows up to 10000)'],
    ],
    [
      'a batch above 10000 with a window',
      withSource({ batchSize: 10001, maximumBatchingWindowInSeconds: 1 }),
      ['functions.worker.eventSources[0].batchSize = 10001: must be a whole number from 1 to 10000 (messages per invocation)'],
    ],
    [
      'a batch above 10 from a FIFO queue, even with a window',
      withSource({ queue: FIFO_QUEUE, batchSize: 11, maximumBatchingWindowInSeconds: 1 }),
      [
        'functions.worker.eventSources[0].batchSize = 11: must be at most 10 for a FIFO queue (an ARN ending .fifo)',
        'functions.worker.eventSources[0].maximumBatchingWindowInSeconds = 1: must be 0 for a FIFO queue (an ARN ending .fifo): Lambda allows no batching window on one',
      ],
    ],
    [
      'a batch above 10 from a FIFO queue without a window: the FIFO rule, once',
      withSource({ queue: FIFO_QUEUE, batchSize: 11 }),
      ['functions.worker.eventSources[0].batchSize = 11: must be at most 10 for a FIFO queue (an ARN ending .fifo)'],
    ],
    [
      'a window above 5 minutes',
      withSource({ maximumBatchingWindowInSeconds: 301 }),
      ['functions.worker.eventSources[0].maximumBatchingWindowInSeconds = 301: must be a whole number from 0 to 300 seconds'],
    ],
    [
      'a maximum concurrency of 1',
      withSource({ maximumConcurrency: 1 }),
      ['functions.worker.eventSources[0].maximumConcurrency = 1: must be a whole number from 2 to 1000 (concurrent invocations the queue may start)'],
    ],
    [
      'a maximum concurrency above 1000',
      withSource({ maximumConcurrency: 1001 }),
      ['functions.worker.eventSources[0].maximumConcurrency = 1001: must be a whole number from 2 to 1000 (concurrent invocations the queue may start)'],
    ],
    [
      'a maximum concurrency above the reserved concurrency',
      withSource({ maximumConcurrency: 6 }, { reservedConcurrentExecutions: 5 }),
      ["functions.worker.eventSources[0].maximumConcurrency = 6: must not be more than the function's reserved concurrency, when it has one (a reserved concurrency of 0 or more): it is 5"],
    ],
    [
      'six filter patterns',
      withSource({ filterPatterns: Array.from({ length: 6 }, (_, i) => `{"body":{"n":[${i}]}}`) }),
      [
        'functions.worker.eventSources[0].filterPatterns = ["{\\"body\\":{\\"n\\":[0]}}","{\\"body\\":{\\"n\\":[1]}}","{\\"body\\... (6 items): must have at most 5 filter patterns (the Lambda limit per event source)',
      ],
    ],
    [
      'filter patterns that are no JSON object',
      withSource({ filterPatterns: ['{"body":', '["order"]'] }),
      [
        'functions.worker.eventSources[0].filterPatterns[0] = "{\\"body\\":": must be a JSON object, such as {"body":{"type":["order"]}}',
        'functions.worker.eventSources[0].filterPatterns[1] = "[\\"order\\"]": must be a JSON object, such as {"body":{"type":["order"]}}',
      ],
    ],
    [
      'an unknown queue key',
      withSource({ queue: 'job' }),
      ['functions.worker.eventSources[0].queue = "job": must be an SQS queue ARN or the key of one of this environment\'s queues (jobs); did you mean jobs?'],
    ],
    [
      'an ARN that is no SQS queue',
      withSource({ queue: 'arn:aws:sns:us-west-2:111111111111:jobs' }),
      [
        'functions.worker.eventSources[0].queue = "arn:aws:sns:us-west-2:111111111111:jobs": must be an SQS queue ARN: arn:aws:sqs:<region>:<account>:<name> (only SQS event sources are supported)',
      ],
    ],
    [
      'a queue ARN in another partition',
      withSource({ queue: 'arn:aws-cn:sqs:cn-north-1:111111111111:jobs' }),
      ['functions.worker.eventSources[0].queue = "arn:aws-cn:sqs:cn-north-1:111111111111:jobs": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-cn:…'],
    ],
    [
      'a queue KMS key in another partition',
      withQueue({ kmsKeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/11111111-2222-3333-4444-555555555555' }),
      [
        'queues.jobs.kmsKeyArn = "arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/11111111-2222-3333-4444-555555555555": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-us-gov:…',
      ],
    ],
    [
      'a queue ARN\'s KMS key in another partition',
      withSource({ queue: EXTERNAL_QUEUE, kmsKeyArn: 'arn:aws-cn:kms:cn-north-1:222222222222:key/66666666-7777-8888-9999-000000000000' }),
      [
        'functions.worker.eventSources[0].kmsKeyArn = "arn:aws-cn:kms:cn-north-1:222222222222:key/66666666-7777-8888-9999-000000000000": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-cn:…',
      ],
    ],
    [
      'a KMS key for a queue of the environment',
      withSource({ kmsKeyArn: KEY }),
      [`functions.worker.eventSources[0].kmsKeyArn = "${KEY}": is only for a queue ARN: the key of a queue of this environment is its own kmsKeyArn (queues.jobs.kmsKeyArn)`],
    ],
    [
      'a KMS alias for a queue ARN',
      withSource({ queue: EXTERNAL_QUEUE, kmsKeyArn: 'arn:aws:kms:us-west-2:222222222222:alias/billing' }),
      [
        'functions.worker.eventSources[0].kmsKeyArn = "arn:aws:kms:us-west-2:222222222222:alias/billing": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)',
      ],
    ],
    [
      'one function consuming a queue twice',
      environment({ functions: worker([{ queue: 'jobs' }, { queue: 'jobs', batchSize: 5 }]) }),
      ['functions.worker.eventSources[1].queue = "jobs": a function consumes each queue once: give each queue one event source'],
    ],
  ])('%s', (_case, config, expected) => {
    expect(problemsFor(config)).toEqual(expected);
  });

  test('a FIFO queue with a batch of 10 and no window is consumed', () => {
    const json = synthesized(environment({ functions: worker([{ queue: FIFO_QUEUE, batchSize: 10 }]) }));
    expect(Object.values<any>(resourcesOf(json, 'aws_lambda_event_source_mapping'))).toMatchObject([
      { event_source_arn: FIFO_QUEUE, batch_size: 10, maximum_batching_window_in_seconds: 0 },
    ]);
  });

  test('a queue key whose construct ids a function has already is reported, not a crash', () => {
    const config = environment({
      queues: { jobs: {} },
      functions: { 'jobs-queue': { handler: 'app.jobs.handler' }, ...worker([{ queue: 'jobs' }]) },
    });
    expect(problemsFor(config)).toEqual(['queues.jobs = "jobs": needs the construct id "jobs-queue", which functions.jobs-queue has already; rename one of them']);
  });
});
