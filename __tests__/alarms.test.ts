import * as path from 'node:path';
import { Testing } from '../core/framework';
import { formatProblem, ValidationError } from '../core/problems';
import { lambdaFunctionModule } from '../module-export/lambda-function-module';
import { cleanupLambdaModule } from '../module-export/cleanup-lambda-module';
import { DASHBOARD_LIMITS, FleetDashboard } from '../modules/fleet-dashboard';
import { LambdaFunction, LambdaFunctionProps } from '../modules/lambda-function';
import { EnvironmentConfig } from '../stacks/environment-config';
import { EnvironmentStack } from '../stacks/environment-stack';
import { buildReleaseManifest } from '../synth/build-release-manifest';
import { collectProblems } from '../synth/collect-problems';
import { synthesize } from '../synth/synthesize';
import { BAD_INPUTS } from './support/module-bad-inputs';
import { resourcesOf, synthJson, tempDir, testStack } from './support/synth';

const TOPIC = 'arn:aws:sns:eu-west-1:444444444444:shelf-ops';

/** A small environment of its own: an API, a worker with reserved concurrency, a stopped function. */
const environment: EnvironmentConfig = {
  name: 'shelf',
  accountId: '444444444444',
  region: 'eu-west-1',
  namePrefix: 'shelf-test',
  backend: { bucket: 'shelf-terraform-state-444444444444', dynamodbTable: 'shelf-terraform-locks' },
  artifactsBucket: 'shelf-artifacts-test',
  alarmTopicArn: TOPIC,
  functions: {
    api: { handler: 'app.main.handler', timeout: 30, alarms: ['shelf-api-5xx'] },
    worker: { handler: 'app.worker.handler', reservedConcurrentExecutions: 2, timeout: 120 },
    paused: { handler: 'app.paused.handler', reservedConcurrentExecutions: 0 },
  },
};

/** Alarms of a synthesized stack, by alarm name. */
function alarmsByName(json: any): Record<string, any> {
  return Object.fromEntries(Object.values<any>(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).map((alarm) => [alarm.alarm_name, alarm]));
}

function functionAlarms(props: Partial<LambdaFunctionProps>): { fn: LambdaFunction; alarms: Record<string, any> } {
  const stack = testStack();
  const fn = new LambdaFunction(stack, 'api', { functionName: 'team-api', handler: 'app.main.handler', ...props });
  return { fn, alarms: alarmsByName(synthJson(stack)) };
}

describe("a function's alarms", () => {
  test('the duration alarm: p99 of the alias by the minute above 80% of the default 3 s timeout (2400 ms) in 3 of 5 minutes', () => {
    const { fn, alarms } = functionAlarms({ aliasName: 'prod' });
    expect(Object.keys(alarms).sort()).toEqual(['team-api-duration-p99', 'team-api-errors']);
    expect(alarms['team-api-duration-p99']).toEqual({
      alarm_name: 'team-api-duration-p99',
      alarm_description:
        "The slowest 1% of team-api:prod's invocations took over 2400 ms, 80% of its 3 s timeout, in 3 of the last 5 minutes: they are close to timing out. " +
        'Look for a slow dependency or a larger input, or raise the timeout (the threshold follows it); a canary release rolls back while it is in ALARM',
      namespace: 'AWS/Lambda',
      metric_name: 'Duration',
      dimensions: { FunctionName: 'team-api', Resource: 'team-api:prod' },
      extended_statistic: 'p99',
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 3,
      threshold: 2400,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
    });
    expect(fn.alarmNames).toEqual(['team-api-errors', 'team-api-duration-p99']);
  });

  test('the threshold follows the timeout: 30 s → 24000 ms, 900 s → 720000 ms', () => {
    expect(functionAlarms({ timeout: 30 }).alarms['team-api-duration-p99'].threshold).toBe(24000);
    expect(functionAlarms({ timeout: 900 }).alarms['team-api-duration-p99'].threshold).toBe(720000);
  });

  test('the throttles alarm: any throttled invocation of the alias in a minute, with reserved concurrency of 1 or more only', () => {
    const { fn, alarms } = functionAlarms({ reservedConcurrentExecutions: 5, alarms: ['team-api-latency'] });
    expect(alarms['team-api-throttles']).toEqual({
      alarm_name: 'team-api-throttles',
      alarm_description:
        'Invocations of team-api:live refused because its reserved concurrency (5) was all in use. ' +
        'Raise its reserved concurrency if the load is expected, otherwise find what invokes it more often; a canary release rolls back while it is in ALARM',
      namespace: 'AWS/Lambda',
      metric_name: 'Throttles',
      dimensions: { FunctionName: 'team-api', Resource: 'team-api:live' },
      statistic: 'Sum',
      period: 60,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
    });
    // what a canary watches: the alarms on the alias, then the named ones
    expect(fn.alarmNames).toEqual(['team-api-errors', 'team-api-throttles', 'team-api-duration-p99', 'team-api-latency']);
    expect(fn.throttlesAlarm).toBeDefined();
  });

  test.each([
    ['unreserved (the default)', {}],
    ['unreserved (-1)', { reservedConcurrentExecutions: -1 }],
    ['reserved at 0: stopped on purpose', { reservedConcurrentExecutions: 0 }],
  ])('no throttles alarm when %s', (_, props) => {
    const { fn, alarms } = functionAlarms(props);
    expect(Object.keys(alarms).sort()).toEqual(['team-api-duration-p99', 'team-api-errors']);
    expect(fn.throttlesAlarm).toBeUndefined();
    expect(fn.alarmNames).not.toContain('team-api-throttles');
  });

  test('every alarm notifies the topic going into ALARM and back to OK; without a topic, none notifies', () => {
    const { alarms } = functionAlarms({ reservedConcurrentExecutions: 1, alarmTopicArn: TOPIC });
    expect(Object.keys(alarms).sort()).toEqual(['team-api-duration-p99', 'team-api-errors', 'team-api-throttles']);
    for (const alarm of Object.values(alarms)) expect([alarm.alarm_name, alarm.alarm_actions, alarm.ok_actions]).toEqual([alarm.alarm_name, [TOPIC], [TOPIC]]);
    const quiet = functionAlarms({ reservedConcurrentExecutions: 1 }).alarms;
    for (const alarm of Object.values(quiet)) expect([alarm.alarm_name, alarm.alarm_actions, alarm.ok_actions]).toEqual([alarm.alarm_name, undefined, undefined]);
  });
});

describe("an environment's alarms and dashboard", () => {
  const stack = new EnvironmentStack(Testing.app(), environment);
  const json = synthJson(stack);

  test('is valid', () => {
    expect(collectProblems(stack)).toEqual([]);
  });

  test('the release manifest lists each function\'s alarms, for its canaries: errors, throttles (reserved 1 or more), duration, then the named ones', () => {
    const manifest = buildReleaseManifest(stack);
    expect(Object.fromEntries(Object.entries(manifest.functions).map(([key, fn]) => [key, fn.alarms]))).toEqual({
      api: ['shelf-test-api-errors', 'shelf-test-api-duration-p99', 'shelf-api-5xx'],
      worker: ['shelf-test-worker-errors', 'shelf-test-worker-throttles', 'shelf-test-worker-duration-p99'],
      paused: ['shelf-test-paused-errors', 'shelf-test-paused-duration-p99'],
    });
    // each one the stack creates exists in it
    const created = Object.keys(alarmsByName(json));
    for (const fn of Object.values(manifest.functions)) {
      expect(fn.alarms.filter((name) => name.startsWith('shelf-test-')).every((name) => created.includes(name))).toBe(true);
    }
  });

  test('thresholds derived from each timeout', () => {
    const alarms = alarmsByName(json);
    expect([alarms['shelf-test-api-duration-p99'].threshold, alarms['shelf-test-worker-duration-p99'].threshold, alarms['shelf-test-paused-duration-p99'].threshold]).toEqual([
      24000, 96000, 2400,
    ]);
  });

  test('every alarm of the stack notifies the environment\'s topic, the errors alarms included', () => {
    const alarms = Object.values<any>(resourcesOf(json, 'aws_cloudwatch_metric_alarm'));
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) expect({ name: alarm.alarm_name, alarm: alarm.alarm_actions, ok: alarm.ok_actions }).toEqual({ name: alarm.alarm_name, alarm: [TOPIC], ok: [TOPIC] });
  });

  test('one dashboard named after the prefix: a header, then per function a row of graphs on its alias', () => {
    const dashboards = Object.values<any>(resourcesOf(json, 'aws_cloudwatch_dashboard'));
    expect(dashboards.map((d) => d.dashboard_name)).toEqual(['shelf-test']);
    const { widgets } = JSON.parse(dashboards[0].dashboard_body);
    expect(widgets).toHaveLength(1 + 3 * 4);
    expect(widgets[0]).toMatchObject({ type: 'text', x: 0, y: 0, width: 24 });
    expect(widgets[0].properties.markdown).toMatch(/^# shelf-test\n/);
    const api = widgets.slice(1, 5);
    expect(api.map((w: any) => [w.properties.title, w.x, w.y, w.width, w.height])).toEqual([
      ['shelf-test-api: invocations and errors', 0, 3, 6, 6],
      ['shelf-test-api: duration (ms)', 6, 3, 6, 6],
      ['shelf-test-api: throttles', 12, 3, 6, 6],
      ['shelf-test-api: concurrent executions', 18, 3, 6, 6],
    ]);
    const onAlias = ['FunctionName', 'shelf-test-api', 'Resource', 'shelf-test-api:live'];
    expect(api.map((w: any) => w.properties.metrics)).toEqual([
      [
        ['AWS/Lambda', 'Invocations', ...onAlias, { stat: 'Sum', label: 'invocations' }],
        ['AWS/Lambda', 'Errors', ...onAlias, { stat: 'Sum', label: 'errors' }],
      ],
      [
        ['AWS/Lambda', 'Duration', ...onAlias, { stat: 'p50', label: 'p50' }],
        ['AWS/Lambda', 'Duration', ...onAlias, { stat: 'p99', label: 'p99' }],
      ],
      [['AWS/Lambda', 'Throttles', ...onAlias, { stat: 'Sum', label: 'throttles' }]],
      [['AWS/Lambda', 'ConcurrentExecutions', ...onAlias, { stat: 'Maximum', label: 'concurrent executions' }]],
    ]);
    expect(widgets.slice(1).every((w: any) => w.type === 'metric' && w.properties.region === 'eu-west-1' && w.properties.period === 60)).toBe(true);
    // the duration alarm's threshold, derived from the timeout, drawn on the duration graph
    expect(api[1].properties.annotations).toEqual({ horizontal: [{ label: 'shelf-test-api-duration-p99: 80% of the 30 s timeout', value: 24000 }] });
    // the worker's reserved concurrency and its throttles alarm drawn in; the API has neither
    const worker = widgets.slice(5, 9);
    expect(worker.map((w: any) => [w.y, w.properties.annotations?.horizontal])).toEqual([
      [9, undefined],
      [9, [{ label: 'shelf-test-worker-duration-p99: 80% of the 120 s timeout', value: 96000 }]],
      [9, [{ label: 'shelf-test-worker-throttles', value: 1 }]],
      [9, [{ label: 'reserved concurrency', value: 2 }]],
    ]);
    expect(api[2].properties.annotations).toBeUndefined();
  });

  test('queues get a row each: messages waiting, age of the oldest message, dead-letter queue depth; a failure queue ends its function\'s row', () => {
    const s = testStack();
    const fn = new LambdaFunction(s, 'worker', { functionName: 'shelf-worker', handler: 'app.worker.handler' });
    new FleetDashboard(s, 'dashboard', {
      dashboardName: 'shelf',
      region: 'eu-west-1',
      functions: { worker: fn },
      queues: { analysis: { queueName: 'shelf-analysis', deadLetterQueueName: 'shelf-analysis-dlq' } },
      failureQueues: { worker: 'shelf-worker-failures' },
    });
    const { widgets } = JSON.parse(onlyDashboard(synthJson(s)).dashboard_body);
    expect(widgets.slice(1).map((w: any) => [w.properties.title, w.x, w.y, w.width, w.properties.metrics])).toEqual([
      ['shelf-worker: invocations and errors', 0, 3, 6, expect.any(Array)],
      ['shelf-worker: duration (ms)', 6, 3, 6, expect.any(Array)],
      ['shelf-worker: throttles', 12, 3, 4, expect.any(Array)],
      ['shelf-worker: concurrent executions', 16, 3, 4, expect.any(Array)],
      ['shelf-worker-failures: failed events waiting', 20, 3, 4, [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'shelf-worker-failures', { stat: 'Maximum', label: 'messages' }]]],
      ['shelf-analysis: messages waiting', 0, 9, 8, [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'shelf-analysis', { stat: 'Maximum', label: 'messages' }]]],
      ['shelf-analysis: age of the oldest message (s)', 8, 9, 8, [['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', 'shelf-analysis', { stat: 'Maximum', label: 'seconds' }]]],
      ['shelf-analysis-dlq: dead-letter queue depth', 16, 9, 8, [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'shelf-analysis-dlq', { stat: 'Maximum', label: 'messages' }]]],
    ]);
  });

  test('a fleet beyond 500 widgets continues on further dashboards, rows whole, every row once, each page within the limits', () => {
    // Queues: rows of 3 graphs, as cheap to make as plain objects (functions' rows of 4 page alike).
    const queues = Object.fromEntries(
      Array.from({ length: 170 }, (_, i) => [`q${i}`, { queueName: `shelf-${'q'.repeat(70)}-${i}`, deadLetterQueueName: `shelf-${'q'.repeat(70)}-${i}-dlq` }]),
    );
    const s = testStack();
    const dashboard = new FleetDashboard(s, 'dashboard', { dashboardName: 'shelf', region: 'eu-west-1', functions: {}, queues });
    const bodies = Object.values<any>(resourcesOf(synthJson(s), 'aws_cloudwatch_dashboard'));
    // (500 - 1 header) / 3 graphs a queue: 166 queues a page
    expect(bodies.map((d) => [d.dashboard_name, JSON.parse(d.dashboard_body).widgets.length])).toEqual([
      ['shelf', 1 + 166 * 3],
      ['shelf-2', 1 + 4 * 3],
    ]);
    expect(dashboard.dashboardNames).toEqual(['shelf', 'shelf-2']);
    const titles: string[] = [];
    bodies.forEach((d, page) => {
      expect(Buffer.byteLength(d.dashboard_body)).toBeLessThanOrEqual(DASHBOARD_LIMITS.maxBodyBytes);
      const { widgets } = JSON.parse(d.dashboard_body);
      expect(widgets.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.maxWidgets);
      expect(widgets[0].properties.markdown).toMatch(new RegExp(`^# shelf \\(${page + 1} of 2\\)\\n`));
      expect(widgets.slice(1).map((w: any) => w.x)).toEqual(widgets.slice(1).map((_: unknown, i: number) => [0, 8, 16][i % 3]));
      titles.push(...widgets.filter((w: any) => w.properties.title?.endsWith(': messages waiting')).map((w: any) => w.properties.title));
    });
    expect(titles).toEqual(Object.values(queues).map((q) => `${q.queueName}: messages waiting`));
  });
});

describe('checks at synth: the alarm topic, the alarms a function names', () => {
  const RULE = 'must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<account>:<name>';

  function problemsWith(change: Partial<EnvironmentConfig>): string[] {
    const outdir = path.join(tempDir('bad-topic'), 'cdktf.out');
    try {
      synthesize([{ ...environment, ...change }], { outdir });
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).problems.map((p) => `${p.code} ${formatProblem({ ...p, path: undefined })}`);
    }
    throw new Error('synth accepted the bad input');
  }

  test.each([
    ['a queue', 'arn:aws:sqs:eu-west-1:444444444444:shelf-ops'],
    ['a FIFO topic (CloudWatch notifies standard topics only)', 'arn:aws:sns:eu-west-1:444444444444:shelf-ops.fifo'],
    ['a topic name alone', 'shelf-ops'],
  ])('%s is refused at synth, named, with the words of the module validation', (_, value) => {
    expect(problemsWith({ alarmTopicArn: value })).toEqual([`alarm-topic-arn alarmTopicArn = ${JSON.stringify(value)}: ${RULE}`]);
    const moduleCase = BAD_INPUTS.find((c) => c.module === 'lambda' && c.variable === 'alarm_topic_arn')!;
    expect(moduleCase.message.endsWith(`: ${RULE}.`)).toBe(true);
  });

  test("a function's alarms may not name those the stack creates for it", () => {
    const api = { ...environment.functions!.api, alarms: ['shelf-test-api-duration-p99', 'shelf-test-api-throttles', 'shelf-test-api-errors'] };
    expect(problemsWith({ functions: { ...environment.functions, api } })).toEqual([
      'alarm-is-own-alarm functions.api.alarms[0] = "shelf-test-api-duration-p99": is the duration alarm the stack creates for this function, watched anyway; name only other alarms',
      'alarm-is-own-alarm functions.api.alarms[1] = "shelf-test-api-throttles": is the throttles alarm the stack creates for this function, watched anyway; name only other alarms',
      'alarm-is-errors-alarm functions.api.alarms[2] = "shelf-test-api-errors": is the errors alarm the stack creates for this function, watched anyway; name only other alarms',
    ]);
  });

  test("in another partition than the environment's region", () => {
    expect(problemsWith({ alarmTopicArn: 'arn:aws-us-gov:sns:us-gov-west-1:444444444444:shelf-ops' })).toEqual([
      'arn-partition alarmTopicArn = "arn:aws-us-gov:sns:us-gov-west-1:444444444444:shelf-ops": must be in the partition of region eu-west-1: arn:aws:…, not arn:aws-us-gov:…',
    ]);
  });
});

describe('the generated function modules', () => {
  const app = Testing.app();
  const modules = { lambda: synthJson(lambdaFunctionModule(app)), 'cleanup-lambda': synthJson(cleanupLambdaModule(app)) };

  test.each(Object.keys(modules) as (keyof typeof modules)[])('%s: the duration threshold derived from var.timeout, the throttles alarm counted on the reserved concurrency', (name) => {
    const alarms = resourcesOf(modules[name], 'aws_cloudwatch_metric_alarm');
    expect(Object.keys(alarms).sort()).toEqual(['lambda_async_invoke_events_lost_alarm', 'lambda_duration_alarm', 'lambda_errors_alarm', 'lambda_throttles_alarm']);
    expect(alarms.lambda_duration_alarm.threshold).toBe('${(var.timeout * 800)}');
    expect(alarms.lambda_throttles_alarm.count).toBe('${(var.reserved_concurrent_executions >= 1) ? 1 : 0}');
    for (const alarm of Object.values<any>(alarms)) {
      expect([alarm.alarm_actions, alarm.ok_actions]).toEqual(['${compact([var.alarm_topic_arn])}', '${compact([var.alarm_topic_arn])}']);
    }
    expect(modules[name].variable.alarm_topic_arn).toMatchObject({ type: 'string', default: null });
    expect(modules[name].output.alarm_names.value).toBe(
      '${concat(concat([aws_cloudwatch_metric_alarm.lambda_errors_alarm.alarm_name], aws_cloudwatch_metric_alarm.lambda_throttles_alarm[*].alarm_name, [aws_cloudwatch_metric_alarm.lambda_duration_alarm.alarm_name]), var.alarms)}',
    );
  });
});

function onlyDashboard(json: any): any {
  const dashboards = Object.values<any>(resourcesOf(json, 'aws_cloudwatch_dashboard'));
  expect(dashboards).toHaveLength(1);
  return dashboards[0];
}
