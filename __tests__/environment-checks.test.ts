import { ARN_REGION_RULE } from '../core/arn';
import { formatProblem } from '../core/problems';
import { checkEnvironment } from '../stacks/check-environment';
import { EnvironmentConfig, FunctionConfig } from '../stacks/environment-config';
import { CLEANUP_SCHEDULE_KEY_RULE } from '../stacks/wire-schedules';
import { SMALL_ACCOUNT, smallEnvironment, synthSmall } from './support/small-environment';

/** The problems checkEnvironment finds, as `field = value: rule`. */
function problemsOf(config: EnvironmentConfig): string[] {
  return checkEnvironment(config).problems.map(formatProblem);
}

const KEY_ID = '11111111-2222-3333-4444-555555555555';
const key = (region: string, partition = 'aws') => `arn:${partition}:kms:${region}:${SMALL_ACCOUNT}:key/${KEY_ID}`;
const queue = (region: string) => `arn:aws:sqs:${region}:${SMALL_ACCOUNT}:jobs`;
const topic = (region: string) => `arn:aws:sns:${region}:${SMALL_ACCOUNT}:ops`;
// The same words as the generated modules' validations (no region: a module cannot know it at synth).
const IN_REGION = ARN_REGION_RULE.text;
const handler = 'app.main.handler';

describe('ARNs of regional resources are in the environment\'s region', () => {
  test('each field naming one in another region is reported once, naming the field as written', () => {
    const config = smallEnvironment(
      {
        worker: {
          handler,
          kmsKeyArn: key('eu-west-1'),
          logsKmsKeyArn: key('eu-west-1'),
          eventSources: [{ queue: queue('us-east-1'), kmsKeyArn: key('us-east-1') }],
          asyncInvoke: { onFailure: topic('eu-central-1') },
        },
      },
      { alarmTopicArn: topic('us-east-2'), queues: { jobs: { kmsKeyArn: key('ap-south-1') } } },
    );
    expect(problemsOf(config)).toEqual([
      `alarmTopicArn = "${topic('us-east-2')}": ${IN_REGION}`,
      `queues.jobs.kmsKeyArn = "${key('ap-south-1')}": ${IN_REGION}`,
      `functions.worker.kmsKeyArn = "${key('eu-west-1')}": ${IN_REGION}`,
      `functions.worker.logsKmsKeyArn = "${key('eu-west-1')}": ${IN_REGION}`,
      `functions.worker.eventSources[0].queue = "${queue('us-east-1')}": ${IN_REGION}`,
      `functions.worker.eventSources[0].kmsKeyArn = "${key('us-east-1')}": ${IN_REGION}`,
      `functions.worker.asyncInvoke.onFailure = "${topic('eu-central-1')}": ${IN_REGION}`,
    ]);
  });

  test('the same ARNs in the region pass', () => {
    const config = smallEnvironment(
      {
        worker: {
          handler,
          kmsKeyArn: key('us-west-2'),
          logsKmsKeyArn: key('us-west-2'),
          eventSources: [{ queue: queue('us-west-2'), kmsKeyArn: key('us-west-2') }],
          asyncInvoke: { onFailure: topic('us-west-2') },
        },
      },
      { alarmTopicArn: topic('us-west-2'), queues: { jobs: { kmsKeyArn: key('us-west-2') } } },
    );
    expect(problemsOf(config)).toEqual([]);
  });

  test('an ARN in another partition is reported by the partition check only', () => {
    const config = smallEnvironment({ worker: { handler, kmsKeyArn: key('cn-north-1', 'aws-cn') } });
    expect(checkEnvironment(config).problems.map((p) => `${p.code} ${p.field}`)).toEqual(['arn-partition functions.worker.kmsKeyArn']);
  });

  test('synth reports it', () => {
    const { problems } = synthSmall(smallEnvironment({ worker: { handler, kmsKeyArn: key('eu-west-1') } }));
    expect(problems).toContain(`functions.worker.kmsKeyArn = "${key('eu-west-1')}": ${IN_REGION}`);
  });
});

describe('names AWS needs unique in an environment', () => {
  const scheduled = (schedules: string[], more: Partial<FunctionConfig> = {}): FunctionConfig => ({
    handler,
    ...more,
    schedules: Object.fromEntries(schedules.map((k) => [k, { expression: 'rate(1 day)' }])),
  });
  const rule = (owner: string, what: string) => `is already the name of ${owner}; each ${what} needs its own name`;

  test('schedule names across functions: a-b + c is a + b-c', () => {
    const config = smallEnvironment({ a: scheduled(['b-c']), 'a-b': scheduled(['c']) });
    expect(problemsOf(config)).toEqual([`functions.a-b.schedules.c = "team-scratch-a-b-c": ${rule('functions.a.schedules.b-c', 'schedule')}`]);
  });

  test("a schedule named like another function's cleanup schedule", () => {
    const config = smallEnvironment({
      'ti-dy': { handler, cleanup: { bucketName: 'team-scratch-images', prefix: 'books/', schedule: 'rate(1 day)' } },
      ti: scheduled(['dy-cleanup']),
    });
    expect(problemsOf(config)).toEqual([`functions.ti.schedules.dy-cleanup = "team-scratch-ti-dy-cleanup": ${rule('functions.ti-dy.cleanup.schedule', 'schedule')}`]);
  });

  test('queue names: a queueName, a dead-letter queue and a failure queue', () => {
    const config = smallEnvironment(
      { reports: scheduled(['nightly']) },
      { queues: { jobs: {}, retries: { queueName: 'team-scratch-jobs-dlq' }, old: { queueName: 'team-scratch-reports-failures' } } },
    );
    expect(problemsOf(config)).toEqual([
      `queues.retries.queueName = "team-scratch-jobs-dlq": ${rule('the dead-letter queue of queues.jobs', 'queue')}`,
      `functions.reports = "team-scratch-reports-failures": (the name of its failure queue) ${rule('queues.old.queueName', 'queue')}`,
    ]);
  });

  test('a queue whose dead-letter queue is named like another queue', () => {
    const config = smallEnvironment({}, { queues: { 'jobs-dlq': {}, jobs: {} } });
    expect(problemsOf(config)).toEqual([`queues.jobs = "team-scratch-jobs-dlq": (the name of its dead-letter queue) ${rule('queues.jobs-dlq', 'queue')}`]);
  });

  test('a function with its own onFailure has no failure queue to collide', () => {
    const config = smallEnvironment(
      { reports: scheduled(['nightly'], { asyncInvoke: { onFailure: topic('us-west-2') } }) },
      { queues: { old: { queueName: 'team-scratch-reports-failures' } } },
    );
    expect(problemsOf(config)).toEqual([]);
  });
});

describe("schedules.cleanup on a cleanup function with cleanup.schedule", () => {
  const config = smallEnvironment({
    tidy: {
      handler,
      cleanup: { bucketName: 'team-scratch-images', prefix: 'books/', schedule: 'rate(1 day)' },
      schedules: { cleanup: { expression: 'rate(1 hour)' } },
    },
  });

  test('is reported at the key, not a crash', () => {
    const { problems } = synthSmall(config);
    expect(problems).toEqual([`functions.tidy.schedules.cleanup = {"expression":"rate(1 hour)"}: ${CLEANUP_SCHEDULE_KEY_RULE.text}`]);
  });

  test('is fine on an ordinary function, and the cleanup schedule on a cleanup function', () => {
    expect(problemsOf(smallEnvironment({ reports: { handler, schedules: { cleanup: { expression: 'rate(1 hour)' } } } }))).toEqual([]);
    const { cleanup: _, ...ordinary } = config.functions!.tidy;
    expect(problemsOf(smallEnvironment({ tidy: { ...ordinary, schedules: { other: { expression: 'rate(1 hour)' } }, cleanup: config.functions!.tidy.cleanup } }))).toEqual([]);
  });
});
