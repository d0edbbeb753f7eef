import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Token } from '../core/framework';
import { Construct } from 'constructs';
import {
  aliasDimensions,
  DURATION_ALARM_SHARE_OF_TIMEOUT,
  durationAlarmName,
  durationThresholdMs,
  LambdaFunction,
  throttlesAlarmName,
} from './lambda-function';

/** A queue as the dashboard shows it: by name, with its dead-letter queue. */
export interface DashboardQueue {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
}

/** Properties of a {@link FleetDashboard}. */
export interface FleetDashboardProps {
  /** Name of the (first) dashboard: 1 to 255 letters, digits, hyphens and underscores; later pages add `-2`, `-3`, … */
  readonly dashboardName: string;
  /** Region of the metrics: the environment's. */
  readonly region: string;
  /** Functions by key, each a row of graphs on its alias, in this order. */
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  /** Queues by key, each a row of graphs, after the functions. @default none */
  readonly queues?: Readonly<Record<string, DashboardQueue>>;
  /**
   * Names of the queues functions' failed asynchronous invocations go to, by function key
   * (`<functionName>-failures`): a graph of its depth at the end of that function's row. @default none
   */
  readonly failureQueues?: Readonly<Record<string, string>>;
}

/**
 * CloudWatch's limits on a dashboard: widgets, and the size of its body (bytes of JSON). A
 * fleet that does not fit is shown on pages, each a dashboard of its own, rows kept whole.
 */
export const DASHBOARD_LIMITS = Object.freeze({ maxWidgets: 500, maxBodyBytes: 1_000_000 });

/** The grid: CloudWatch dashboards are 24 units wide; every row of graphs is this high. */
const GRID_WIDTH = 24;
const ROW_HEIGHT = 6;
const HEADER_HEIGHT = 3;
/** The metrics' period in seconds: the alarms' own (the duration alarm reads p99 by the minute). */
const PERIOD = 60;

/** A widget of a dashboard body, placed. */
interface Widget {
  readonly type: 'metric' | 'text';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** A graph before it is placed: its width and properties. */
interface Graph {
  readonly width: number;
  readonly properties: Record<string, unknown>;
}

/** A horizontal line on a graph. */
interface Line {
  readonly label: string;
  readonly value: number;
}

/**
 * One CloudWatch dashboard for an environment's fleet (`aws_cloudwatch_dashboard`): a text
 * header, then per function a row of graphs on its alias (invocations and errors; duration p50
 * and p99 with the duration alarm's threshold, 80% of the timeout; throttles; concurrent
 * executions, with the reserved concurrency; and, when it has one, its failure queue's depth),
 * then per queue a row (messages waiting, age of the oldest, dead-letter queue depth). Lambda
 * reports every one of these metrics per alias (the `Resource` dimension), so the graphs show
 * the traffic the alias serves, as the alarms do.
 *
 * A fleet beyond CloudWatch's limits ({@link DASHBOARD_LIMITS}: 500 widgets, about 120
 * functions) continues on further dashboards, `<dashboardName>-2` and so on, each with its
 * header: nothing is left out and synth never stops for it.
 */
export class FleetDashboard extends Construct {
  /** The dashboards, the first named `dashboardName`. */
  readonly dashboards: readonly CloudwatchDashboard[];
  /** Their names, in order. */
  readonly dashboardNames: readonly string[];

  constructor(scope: Construct, id: string, props: FleetDashboardProps) {
    super(scope, id);
    const rows = [
      ...Object.entries(props.functions).map(([key, fn]) => functionRow(fn, props.region, props.failureQueues?.[key])),
      ...Object.values(props.queues ?? {}).map((queue) => queueRow(queue, props.region)),
    ];
    const pages = paginate(rows);
    this.dashboardNames = pages.map((_, i) => (i === 0 ? props.dashboardName : `${props.dashboardName}-${i + 1}`));
    this.dashboards = pages.map(
      (page, i) =>
        new CloudwatchDashboard(this, i === 0 ? 'dashboard' : `dashboard-${i + 1}`, {
          dashboardName: this.dashboardNames[i],
          dashboardBody: dashboardBody(header(props.dashboardName, i, pages.length), page),
        }),
    );
  }
}

/** The JSON body of a dashboard: the header, then each row below the one before. */
export function dashboardBody(headerMarkdown: string, rows: readonly (readonly Graph[])[]): string {
  return JSON.stringify({ widgets: placeWidgets(headerMarkdown, rows) });
}

function placeWidgets(headerMarkdown: string, rows: readonly (readonly Graph[])[]): Widget[] {
  const widgets: Widget[] = [{ type: 'text', x: 0, y: 0, width: GRID_WIDTH, height: HEADER_HEIGHT, properties: { markdown: headerMarkdown } }];
  rows.forEach((row, r) => {
    let x = 0;
    for (const graph of row) {
      widgets.push({ type: 'metric', x, y: HEADER_HEIGHT + r * ROW_HEIGHT, width: graph.width, height: ROW_HEIGHT, properties: graph.properties });
      x += graph.width;
    }
  });
  return widgets;
}

/**
 * Rows on pages, in order, each page within {@link DASHBOARD_LIMITS} with its header: a page
 * takes the next row while it fits. Sizes count the page's final body, with the longest header.
 */
export function paginate<R extends readonly Graph[]>(rows: readonly R[]): R[][] {
  const headerBytes = Buffer.byteLength(dashboardBody(header('x'.repeat(255), 0, 2), []));
  const pages: R[][] = [[]];
  let widgets = 1;
  let bytes = headerBytes;
  for (const row of rows) {
    // A row adds its graphs, placed (x, y, width, height, type: under 100 bytes each), and commas.
    const rowBytes = row.reduce((sum, graph) => sum + Buffer.byteLength(JSON.stringify(graph.properties)) + 100, 0);
    if (widgets + row.length > DASHBOARD_LIMITS.maxWidgets || bytes + rowBytes > DASHBOARD_LIMITS.maxBodyBytes) {
      pages.push([]);
      widgets = 1;
      bytes = headerBytes;
    }
    pages[pages.length - 1].push(row);
    widgets += row.length;
    bytes += rowBytes;
  }
  return pages;
}

function header(dashboardName: string, page: number, pages: number): string {
  return [
    `# ${dashboardName}${pages > 1 ? ` (${page + 1} of ${pages})` : ''}`,
    'Each function on its alias, the version CI promoted: invocations and errors, duration (p50, p99; the line is the `-duration-p99` alarm, ' +
      `${DURATION_ALARM_SHARE_OF_TIMEOUT * 100}% of the timeout), throttles, concurrent executions. Each queue: messages waiting, age of the oldest, dead-letter queue depth.`,
    'Made by Terraform: changes made here are lost at the next apply.',
  ].join('\n\n');
}

/** A graph of metrics, each `[namespace, name, ...dimensions, options]`. */
function graph(width: number, title: string, region: string, metrics: unknown[][], lines: readonly Line[] = []): Graph {
  return {
    width,
    properties: {
      title,
      region,
      view: 'timeSeries',
      stacked: false,
      period: PERIOD,
      metrics,
      yAxis: { left: { min: 0 } },
      ...(lines.length > 0 ? { annotations: { horizontal: lines.map((line) => ({ ...line })) } } : {}),
    },
  };
}

/** A function's row: its graphs on the alias, and its failure queue's depth when it has one. */
export function functionRow(fn: LambdaFunction, region: string, failureQueueName?: string): Graph[] {
  const name = fn.functionName;
  const dimensions = Object.entries(aliasDimensions(name, fn.aliasName)).flat();
  const lambda = (metric: string, stat: string, label: string) => ['AWS/Lambda', metric, ...dimensions, { stat, label }];
  // Four graphs of 6, or with the failure queue's, 6 + 6 + 4 + 4 + 4.
  const [invocations, duration, throttles, concurrency, failures = 4] = failureQueueName === undefined ? [6, 6, 6, 6] : [6, 6, 4, 4, 4];
  const reserved = fn.reservedConcurrentExecutions;
  const knownReserved = !Token.isUnresolved(reserved) && reserved >= 1;
  const row = [
    graph(invocations, `${name}: invocations and errors`, region, [lambda('Invocations', 'Sum', 'invocations'), lambda('Errors', 'Sum', 'errors')]),
    graph(duration, `${name}: duration (ms)`, region, [lambda('Duration', 'p50', 'p50'), lambda('Duration', 'p99', 'p99')], [
      { label: `${durationAlarmName(name)}: ${DURATION_ALARM_SHARE_OF_TIMEOUT * 100}% of the ${fn.timeout} s timeout`, value: durationThresholdMs(fn.timeout) },
    ]),
    graph(throttles, `${name}: throttles`, region, [lambda('Throttles', 'Sum', 'throttles')], knownReserved ? [{ label: throttlesAlarmName(name), value: 1 }] : []),
    graph(
      concurrency,
      `${name}: concurrent executions`,
      region,
      [lambda('ConcurrentExecutions', 'Maximum', 'concurrent executions')],
      knownReserved ? [{ label: 'reserved concurrency', value: reserved }] : [],
    ),
  ];
  if (failureQueueName !== undefined) {
    row.push(graph(failures, `${failureQueueName}: failed events waiting`, region, [sqs(failureQueueName, 'ApproximateNumberOfMessagesVisible', 'messages')]));
  }
  return row;
}

/** A queue's row: messages waiting, age of the oldest, messages in its dead-letter queue. */
export function queueRow(queue: DashboardQueue, region: string): Graph[] {
  return [
    graph(8, `${queue.queueName}: messages waiting`, region, [sqs(queue.queueName, 'ApproximateNumberOfMessagesVisible', 'messages')]),
    graph(8, `${queue.queueName}: age of the oldest message (s)`, region, [sqs(queue.queueName, 'ApproximateAgeOfOldestMessage', 'seconds')]),
    graph(8, `${queue.deadLetterQueueName}: dead-letter queue depth`, region, [sqs(queue.deadLetterQueueName, 'ApproximateNumberOfMessagesVisible', 'messages')]),
  ];
}

function sqs(queueName: string, metric: string, label: string): unknown[] {
  return ['AWS/SQS', metric, 'QueueName', queueName, { stat: 'Maximum', label }];
}
