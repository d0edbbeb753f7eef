import { ASYNC_INVOKE_RULES } from '../modules/async-invoke';
import { LambdaFunction } from '../modules/lambda-function';
import { wireAsyncInvoke } from '../stacks/wire-async';
import { decide, Decision, policiesOfRole } from './support/iam-simulator';
import { SMALL_ACCOUNT, smallEnvironment, synthSmall } from './support/small-environment';
import { onlyResource, synthJson, testStack } from './support/synth';

const queueArn = (name: string) => `arn:aws:sqs:us-west-2:${SMALL_ACCOUNT}:${name}`;
const topicArn = `arn:aws:sns:us-west-2:${SMALL_ACCOUNT}:team-scratch-failures`;
const kmsKey = `arn:aws:kms:us-west-2:${SMALL_ACCOUNT}:key/0f0e0d0c-0b0a-0908-0706-050403020100`;
const withoutMetadata = ({ '//': _metadata, ...rest }: any) => rest;

describe('asynchronous failure handling, by default', () => {
  // api invokes worker; reports runs on a schedule; audit says asyncInvoke itself; plain is none of these.
  const { json, problems } = synthSmall(
    smallEnvironment(
      {
        api: { handler: 'app.main.handler', invokes: ['worker'] },
        worker: { handler: 'app.worker.handler' },
        reports: { handler: 'app.report.handler', schedules: { nightly: { expression: 'rate(1 day)' } } },
        audit: { handler: 'app.audit.handler', asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 } },
      },
      { alarmTopicArn: 'arn:aws:sns:us-west-2:111111111111:ops' },
    ),
  );
  const resources = (type: string) => json.resource[type] ?? {};

  test('synth accepts the environment', () => {
    expect(problems).toEqual([]);
  });

  test('functions invoked asynchronously get an event invoke config on their alias, with Lambda\'s limits unless told otherwise; the others get none', () => {
    expect(Object.keys(resources('aws_lambda_function_event_invoke_config')).sort()).toEqual([
      'audit_async_invoke_config',
      'reports_async_invoke_config',
      'worker_async_invoke_config',
    ]);
    expect(withoutMetadata(resources('aws_lambda_function_event_invoke_config').worker_async_invoke_config)).toEqual({
      function_name: '${aws_lambda_function.worker_function.function_name}',
      qualifier: '${aws_lambda_alias.worker_alias.name}',
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21600,
      destination_config: { on_failure: { destination: '${aws_sqs_queue.worker_async_invoke_failure_queue.arn}' } },
      depends_on: ['aws_iam_role_policy.worker_async_invoke_send_policy'],
    });
    expect(resources('aws_lambda_function_event_invoke_config').audit_async_invoke_config).toMatchObject({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 60,
    });
  });

  test('each gets its own failure queue, <functionName>-failures, encrypted, keeping events 14 days, its URL an output', () => {
    expect(withoutMetadata(resources('aws_sqs_queue').worker_async_invoke_failure_queue)).toEqual({
      name: 'team-scratch-worker-failures',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    expect(json.output.worker_failure_queue_url.value).toBe('${aws_sqs_queue.worker_async_invoke_failure_queue.url}');
    expect(Object.keys(json.output).filter((name) => name.endsWith('failure_queue_url')).sort()).toEqual([
      'audit_failure_queue_url',
      'reports_failure_queue_url',
      'worker_failure_queue_url',
    ]);
  });

  test('alarms: a failed event waiting in the queue, and failed events of the alias its destination did not take (not watched by canaries), both notifying the topic', () => {
    const alarms = resources('aws_cloudwatch_metric_alarm');
    const notify = { alarm_actions: ['arn:aws:sns:us-west-2:111111111111:ops'], ok_actions: ['arn:aws:sns:us-west-2:111111111111:ops'] };
    expect(withoutMetadata(alarms.worker_async_invoke_failure_queue_alarm)).toEqual({
      alarm_name: 'team-scratch-worker-failures-depth',
      alarm_description: 'Failed asynchronous invocations of team-scratch-worker are waiting in team-scratch-worker-failures',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      period: 60,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
      dimensions: { QueueName: 'team-scratch-worker-failures' },
      ...notify,
    });
    expect(withoutMetadata(alarms.worker_async_invoke_events_lost_alarm)).toEqual({
      alarm_name: 'team-scratch-worker-async-events-lost',
      alarm_description:
        "Failed asynchronous events of team-scratch-worker:live could not be sent to the on-failure destination and are lost: check the destination, its policy and its key, and the role's async-failures policy",
      namespace: 'AWS/Lambda',
      metric_name: 'DestinationDeliveryFailures',
      statistic: 'Sum',
      period: 60,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
      dimensions: { FunctionName: 'team-scratch-worker', Resource: 'team-scratch-worker:live' },
      ...notify,
    });
    expect(alarms.api_async_invoke_events_lost_alarm).toBeUndefined();
  });

  test('the role may send to its own failure queue: one statement, on that queue', () => {
    const policy = resources('aws_iam_role_policy').worker_async_invoke_send_policy;
    expect(policy.role).toBe('${aws_iam_role.worker_role.id}');
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'SendFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.worker_async_invoke_failure_queue.arn}' }],
    });
  });

  describe('what the worker role may send, evaluated by an IAM policy simulator', () => {
    const policies = policiesOfRole(json, 'worker_role');
    test.each<[string, string, string, Decision]>([
      ['its own failure queue', 'sqs:SendMessage', queueArn('worker_async_invoke_failure_queue'), 'Allowed'],
      ["another function's failure queue", 'sqs:SendMessage', queueArn('reports_async_invoke_failure_queue'), 'ImplicitlyDenied'],
      ['reads its own failure queue', 'sqs:ReceiveMessage', queueArn('worker_async_invoke_failure_queue'), 'ImplicitlyDenied'],
      ['publishes to a topic', 'sns:Publish', topicArn, 'ImplicitlyDenied'],
    ])('%s: %s', async (_what, action, resource, expected) => {
      expect(await decide(policies, action, resource)).toBe(expected);
    });
  });
});

describe('a named failure destination', () => {
  test('an SNS topic: published to, nothing created, and no dead-letter queue for its schedules', () => {
    const { json, problems } = synthSmall(
      smallEnvironment({
        reports: { handler: 'app.report.handler', schedules: { nightly: { expression: 'rate(1 day)' } }, asyncInvoke: { onFailure: topicArn } },
      }),
    );
    expect(problems).toEqual([]);
    expect(json.resource.aws_sqs_queue).toBeUndefined();
    expect(json.output.reports_failure_queue_url).toBeUndefined();
    expect(json.resource.aws_lambda_function_event_invoke_config.reports_async_invoke_config.destination_config).toEqual({
      on_failure: { destination: topicArn },
    });
    expect(JSON.parse(json.resource.aws_iam_role_policy.reports_async_invoke_send_policy.policy).Statement).toEqual([
      { Sid: 'PublishFailedEvents', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
    ]);
    expect(json.resource.aws_scheduler_schedule.reports_schedules_nightly.target.dead_letter_config).toBeUndefined();
    expect(JSON.parse(json.resource.aws_iam_role_policy.reports_schedules_scheduler_policy.policy).Statement).toHaveLength(1);
  });

  test('an SQS queue ARN: sent to, and the dead-letter queue of its schedules', () => {
    const arn = queueArn('team-scratch-dead-letters');
    const { json, problems } = synthSmall(
      smallEnvironment({
        reports: { handler: 'app.report.handler', schedules: { nightly: { expression: 'rate(1 day)' } }, asyncInvoke: { onFailure: arn } },
      }),
    );
    expect(problems).toEqual([]);
    expect(JSON.parse(json.resource.aws_iam_role_policy.reports_async_invoke_send_policy.policy).Statement).toEqual([
      { Sid: 'SendFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn },
    ]);
    expect(json.resource.aws_scheduler_schedule.reports_schedules_nightly.target.dead_letter_config).toEqual({ arn });
  });
});

describe("one of the environment's queues, by key", () => {
  test('sent to, with its KMS key (kms:GenerateDataKey and kms:Decrypt on that key only); no failure queue is created', () => {
    const stack = testStack();
    const worker = new LambdaFunction(stack, 'worker', { functionName: 'team-scratch-worker', handler: 'app.worker.handler' });
    const jobs = queueArn('team-scratch-jobs');
    const config = smallEnvironment({ worker: { handler: 'app.worker.handler', asyncInvoke: { onFailure: 'jobs' } } });
    wireAsyncInvoke(config, { worker }, { jobs: { arn: jobs, kmsKeyArn: kmsKey } });
    const json = synthJson(stack);
    expect(json.resource.aws_sqs_queue).toBeUndefined();
    expect(onlyResource(json, 'aws_lambda_function_event_invoke_config').destination_config).toEqual({ on_failure: { destination: jobs } });
    const sendPolicy = Object.values<any>(json.resource.aws_iam_role_policy).find((p) => p.name === 'async-failures');
    expect(JSON.parse(sendPolicy.policy).Statement).toEqual([
      { Sid: 'SendFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: jobs },
      { Sid: 'EncryptFailedEvents', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: kmsKey },
    ]);
  });
});

describe('asynchronous failure handling: bad input is reported at synth, naming the field as written, the value and the rule', () => {
  const problemsWith = (asyncInvoke: Record<string, unknown>, more = {}) =>
    synthSmall(smallEnvironment({ worker: { handler: 'app.worker.handler', asyncInvoke: asyncInvoke as any } }, more)).problems;

  test.each<[string, Record<string, unknown>, string]>([
    ['too many retries', { maximumRetryAttempts: 3 }, 'functions.worker.asyncInvoke.maximumRetryAttempts = 3: must be a whole number from 0 to 2 (retries of a failed asynchronous invocation)'],
    ['an event age too short', { maximumEventAgeInSeconds: 59 }, 'functions.worker.asyncInvoke.maximumEventAgeInSeconds = 59: must be a whole number from 60 to 21600 seconds'],
    ['an event age too long', { maximumEventAgeInSeconds: 21601 }, 'functions.worker.asyncInvoke.maximumEventAgeInSeconds = 21601: must be a whole number from 60 to 21600 seconds'],
    [
      'a destination that is neither a queue nor a topic',
      { onFailure: `arn:aws:lambda:us-west-2:${SMALL_ACCOUNT}:function:other` },
      `functions.worker.asyncInvoke.onFailure = "arn:aws:lambda:us-west-2:${SMALL_ACCOUNT}:function:other": ${ASYNC_INVOKE_RULES.destination.text}`,
    ],
    ['a FIFO queue', { onFailure: queueArn('dead.fifo') }, `functions.worker.asyncInvoke.onFailure = "${queueArn('dead.fifo')}": ${ASYNC_INVOKE_RULES.destination.text}`],
    [
      'a destination in another partition',
      { onFailure: 'arn:aws-cn:sqs:cn-north-1:111111111111:dead' },
      'functions.worker.asyncInvoke.onFailure = "arn:aws-cn:sqs:cn-north-1:111111111111:dead": must be in the partition of region us-west-2: arn:aws:…, not arn:aws-cn:…',
    ],
  ])('%s', (_what, asyncInvoke, message) => {
    expect(problemsWith(asyncInvoke)).toEqual([message]);
  });

  test('a queue a function consumes', () => {
    const config = smallEnvironment(
      {
        worker: { handler: 'app.worker.handler', eventSources: [{ queue: 'jobs' }] },
        reports: { handler: 'app.report.handler', asyncInvoke: { onFailure: 'jobs' } },
      },
      { queues: { jobs: {} } },
    );
    expect(synthSmall(config).problems).toEqual([
      'functions.reports.asyncInvoke.onFailure = "jobs": must not be a queue a function consumes (eventSources): its worker would take the failure records as jobs; name a queue of its own, or leave onFailure out for <functionName>-failures (functions.worker consumes it)',
    ]);
  });

  test('a queue key that is not one of the environment\'s queues, with the nearest one', () => {
    expect(problemsWith({ onFailure: 'dead-leters' }, { queues: { 'dead-letters': {}, jobs: {} } })).toEqual([
      'functions.worker.asyncInvoke.onFailure = "dead-leters": must be an SQS queue or SNS topic ARN, or the key of one of this environment\'s queues (dead-letters, jobs); did you mean dead-letters?',
    ]);
  });
});
