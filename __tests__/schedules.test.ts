import { SCHEDULE_RULES } from '../modules/function-schedules';
import { decide, Decision, policiesOfRole } from './support/iam-simulator';
import { SMALL_ACCOUNT, smallEnvironment, synthSmall } from './support/small-environment';

const alias = (key: string) => `arn:aws:lambda:us-west-2:${SMALL_ACCOUNT}:function:${key}_function:live`;
const queue = (name: string) => `arn:aws:sqs:us-west-2:${SMALL_ACCOUNT}:${name}`;

const reports = {
  handler: 'app.report.handler',
  schedules: {
    nightly: { expression: 'cron(0 3 * * ? *)' },
    weekly: {
      expression: 'rate(7 days)',
      timezone: 'Europe/Berlin',
      description: 'The weekly digest',
      input: '{"mode": "digest"}',
      enabled: false,
      maximumRetryAttempts: 3,
      maximumEventAgeInSeconds: 3600,
    },
  },
};

describe('schedules: EventBridge Scheduler on the alias', () => {
  const { json, problems } = synthSmall(
    smallEnvironment({
      reports,
      cleanup: { handler: 'app.cleanup.handler', cleanup: { bucketName: 'team-scratch-images', prefix: 'books/', schedule: 'rate(1 day)' } },
      api: { handler: 'app.main.handler' },
    }),
  );

  test('synth accepts the environment', () => {
    expect(problems).toEqual([]);
  });

  test('each schedule is <functionName>-<key> in the default group, on the alias, with the defaults where nothing is said', () => {
    const schedules = json.resource.aws_scheduler_schedule;
    const { '//': _metadata, ...nightly } = schedules.reports_schedules_nightly;
    expect(nightly).toEqual({
      name: 'team-scratch-reports-nightly',
      group_name: 'default',
      description: 'Runs team-scratch-reports on cron(0 3 * * ? *)',
      schedule_expression: 'cron(0 3 * * ? *)',
      schedule_expression_timezone: 'UTC',
      state: 'ENABLED',
      flexible_time_window: { mode: 'OFF' },
      target: {
        arn: '${aws_lambda_alias.reports_alias.arn}',
        role_arn: '${aws_iam_role.reports_schedules_scheduler_role.arn}',
        input: '{}',
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
        dead_letter_config: { arn: '${aws_sqs_queue.reports_async_invoke_failure_queue.arn}' },
      },
      depends_on: ['aws_iam_role_policy.reports_schedules_scheduler_policy'],
    });
    expect(schedules.reports_schedules_weekly).toMatchObject({
      name: 'team-scratch-reports-weekly',
      description: 'The weekly digest',
      schedule_expression: 'rate(7 days)',
      schedule_expression_timezone: 'Europe/Berlin',
      state: 'DISABLED',
      target: { input: '{"mode": "digest"}', retry_policy: { maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 } },
    });
  });

  test('a cleanup function is scheduled the same way, as <functionName>-cleanup, with no EventBridge rule or permission left', () => {
    expect(json.resource.aws_scheduler_schedule.cleanup_schedules_cleanup).toMatchObject({
      name: 'team-scratch-cleanup-cleanup',
      schedule_expression: 'rate(1 day)',
      target: { arn: '${aws_lambda_alias.cleanup_alias.arn}', role_arn: '${aws_iam_role.cleanup_schedules_scheduler_role.arn}' },
    });
    expect(json.resource.aws_cloudwatch_event_rule).toBeUndefined();
    expect(json.resource.aws_cloudwatch_event_target).toBeUndefined();
    expect(json.resource.aws_lambda_permission).toBeUndefined();
  });

  test('one scheduler role per scheduled function: trusted by the scheduler of this account only, allowed to invoke the alias and send to the dead-letter queue', () => {
    const roles = json.resource.aws_iam_role;
    expect(Object.keys(roles).filter((name) => name.includes('scheduler')).sort()).toEqual(['cleanup_schedules_scheduler_role', 'reports_schedules_scheduler_role']);
    expect(roles.reports_schedules_scheduler_role.name).toBe('team-scratch-reports-scheduler');
    expect(JSON.parse(roles.reports_schedules_scheduler_role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': SMALL_ACCOUNT } },
        },
      ],
    });
    const policy = json.resource.aws_iam_role_policy.reports_schedules_scheduler_policy;
    expect(policy.role).toBe('${aws_iam_role.reports_schedules_scheduler_role.id}');
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'InvokeAlias', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '${aws_lambda_alias.reports_alias.arn}' },
        { Sid: 'SendToDeadLetterQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.reports_async_invoke_failure_queue.arn}' },
      ],
    });
  });

  describe('what the scheduler role may do, evaluated by an IAM policy simulator', () => {
    const policies = policiesOfRole(json, 'reports_schedules_scheduler_role');
    const reportsFunction = `arn:aws:lambda:us-west-2:${SMALL_ACCOUNT}:function:reports_function`;
    test.each<[string, string, string, Decision]>([
      ['invokes the alias', 'lambda:InvokeFunction', alias('reports'), 'Allowed'],
      ['invokes the function itself ($LATEST)', 'lambda:InvokeFunction', reportsFunction, 'ImplicitlyDenied'],
      ['invokes a version', 'lambda:InvokeFunction', `${reportsFunction}:7`, 'ImplicitlyDenied'],
      ['invokes another function', 'lambda:InvokeFunction', alias('api'), 'ImplicitlyDenied'],
      ['sends to its dead-letter queue', 'sqs:SendMessage', queue('reports_async_invoke_failure_queue'), 'Allowed'],
      ["sends to another function's failure queue", 'sqs:SendMessage', queue('cleanup_async_invoke_failure_queue'), 'ImplicitlyDenied'],
      ['changes the function', 'lambda:UpdateFunctionCode', reportsFunction, 'ImplicitlyDenied'],
    ])('%s: %s', async (_what, action, resource, expected) => {
      expect(await decide(policies, action, resource)).toBe(expected);
    });
  });
});

describe('schedules: bad input is reported at synth, naming the field as written, the value and the rule', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['an expression', { expression: 'rate(1 week)' }, `functions.reports.schedules.bad.expression = "rate(1 week)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() without seconds', { expression: 'at(2026-12-01T09:00)' }, `functions.reports.schedules.bad.expression = "at(2026-12-01T09:00)": ${SCHEDULE_RULES.expression.text}`],
    ['a cron with no ?', { expression: 'cron(0 3 * * * *)' }, `functions.reports.schedules.bad.expression = "cron(0 3 * * * *)": ${SCHEDULE_RULES.expression.text}`],
    ['a cron with ? twice', { expression: 'cron(0 3 ? * ? *)' }, `functions.reports.schedules.bad.expression = "cron(0 3 ? * ? *)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() in month 13', { expression: 'at(2026-13-01T09:00:00)' }, `functions.reports.schedules.bad.expression = "at(2026-13-01T09:00:00)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() on day 0', { expression: 'at(2026-12-00T09:00:00)' }, `functions.reports.schedules.bad.expression = "at(2026-12-00T09:00:00)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() on day 32', { expression: 'at(2026-12-32T09:00:00)' }, `functions.reports.schedules.bad.expression = "at(2026-12-32T09:00:00)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() at hour 24', { expression: 'at(2026-12-01T24:00:00)' }, `functions.reports.schedules.bad.expression = "at(2026-12-01T24:00:00)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() at minute 60', { expression: 'at(2026-12-01T09:60:00)' }, `functions.reports.schedules.bad.expression = "at(2026-12-01T09:60:00)": ${SCHEDULE_RULES.expression.text}`],
    ['an at() at second 60', { expression: 'at(2026-12-01T09:00:60)' }, `functions.reports.schedules.bad.expression = "at(2026-12-01T09:00:60)": ${SCHEDULE_RULES.expression.text}`],
    ['a time zone', { expression: 'rate(1 day)', timezone: 'CET +1' }, `functions.reports.schedules.bad.timezone = "CET +1": ${SCHEDULE_RULES.timezone.text}`],
    [
      'a misspelled time zone, with the nearest one',
      { expression: 'rate(1 day)', timezone: 'Europe/Berln' },
      'functions.reports.schedules.bad.timezone = "Europe/Berln": is no time zone of the IANA time zone database, such as Europe/Berlin or America/New_York, or UTC; did you mean Europe/Berlin?',
    ],
    ['a time zone nowhere', { expression: 'rate(1 day)', timezone: 'Mars/Olympus' }, 'functions.reports.schedules.bad.timezone = "Mars/Olympus": is no time zone of the IANA time zone database, such as Europe/Berlin or America/New_York, or UTC'],
    ['an input that is not JSON', { expression: 'rate(1 day)', input: '{mode: full}' }, 'functions.reports.schedules.bad.input = "{mode: full}": must be JSON, such as {"mode": "full"}: it is the event the function receives'],
    ['retries', { expression: 'rate(1 day)', maximumRetryAttempts: 186 }, 'functions.reports.schedules.bad.maximumRetryAttempts = 186: must be a whole number from 0 to 185 (retries when the scheduler cannot invoke)'],
    ['an event age', { expression: 'rate(1 day)', maximumEventAgeInSeconds: 59 }, 'functions.reports.schedules.bad.maximumEventAgeInSeconds = 59: must be a whole number from 60 to 86400 seconds'],
  ])('%s', (_what, schedule, message) => {
    const { problems } = synthSmall(smallEnvironment({ reports: { handler: 'app.report.handler', schedules: { bad: schedule as any } } }));
    expect(problems).toEqual([message]);
  });

  test.each(['rate(1 minute)', 'rate(5 minutes)', 'cron(0 3 * * ? *)', 'cron(0/15 8-17 ? * MON-FRI *)', 'cron(0 0 1,15 * ? 2026)', 'at(2026-12-31T23:59:59)', 'at(2026-01-01T00:00:00)'])(
    'a good expression passes: %s',
    (expression) => {
      const { problems } = synthSmall(smallEnvironment({ reports: { handler: 'app.report.handler', schedules: { good: { expression } } } }));
      expect(problems).toEqual([]);
    },
  );

  test('the full derived name is checked: <functionName>-<key> within 64 characters', () => {
    const functionName = `reports-${'x'.repeat(40)}`;
    const key = `k${'y'.repeat(20)}`;
    const { problems } = synthSmall(
      smallEnvironment({ reports: { handler: 'app.report.handler', functionName, schedules: { [key]: { expression: 'rate(1 day)' } } } }),
    );
    expect(problems).toEqual([`functions.reports.schedules.${key} = "${functionName}-${key}": ${SCHEDULE_RULES.name.text}`]);
  });

  test("a cleanup function's schedule is named cleanup.schedule", () => {
    const { problems } = synthSmall(
      smallEnvironment({
        cleanup: { handler: 'app.cleanup.handler', cleanup: { bucketName: 'team-scratch-images', prefix: 'books/', schedule: 'daily' } },
      }),
    );
    expect(problems).toEqual([`functions.cleanup.cleanup.schedule = "daily": ${SCHEDULE_RULES.expression.text}`]);
  });
});
