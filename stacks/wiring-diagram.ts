import { arn } from '../core/arn';
import { partitionOf } from '../core/regions';
import { failureQueueName } from '../modules/async-invoke';
import { DEFAULT_SCHEDULE_TIMEZONE, scheduleName } from '../modules/function-schedules';
import { DEFAULT_FUNCTION_URL_AUTH_TYPE } from '../modules/function-url';
import { DEFAULT_ALIAS_NAME } from '../modules/lambda-function';
import { EVENT_SOURCE_DEFAULTS } from '../modules/queue-event-source';
import { deadLetterQueueName, QUEUE_DEFAULTS } from '../modules/sqs-queue';
import { EnvironmentConfig, FunctionConfig, functionNameOf, layerNameOf, queueNameOf } from './environment-config';
import { asyncInvokedKeys } from './wire-async';
import { httpApiName } from './wire-http';
import { CLEANUP_SCHEDULE_KEY } from './wire-schedules';

// A picture of how an environment is wired, drawn from its config alone: what invokes each
// function (HTTP API routes, function URLs, schedules, queues, other functions), the function
// with the alias everything invokes, the layers it attaches in order, the queues and topics its
// policy statements let it send to, and where its failed asynchronous invocations go. Synth
// writes it beside each stack as `wiring.md`; GitHub renders the Mermaid block, and the
// pull-request summary shows it when it changes. Names, defaults and who gets a failure queue
// come from where the stack takes them, so the picture shows what the stack builds.


/**
 * A label as Mermaid reads it inside `"..."`: quotes, `#` (which starts Mermaid's entity codes)
 * and angle brackets (read as HTML) written as entity codes, so any name, route or expression
 * shows as written.
 */
function label(text: string): string {
  const escaped = text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  return `"${escaped}"`;
}

/**
 * A node id Mermaid accepts: keys (lowercase letters, digits, hyphens) with hyphens as `_`, after
 * a prefix naming the kind, so no key can be a Mermaid keyword (`end`) and kinds never collide.
 * Keys never hold `_`, so `__` separates the parts of an id made of two keys.
 */
function nodeId(kind: string, ...keys: string[]): string {
  return [kind, ...keys.map((key) => key.replace(/[^A-Za-z0-9]/g, '_'))].join('__');
}

const byKey = <T>(record: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const isArn = (ref: string) => ref.startsWith('arn:');

/** The actions that let a function send to a queue or topic, drawn as an edge to it. */
const SEND_ACTIONS = ['sqs:SendMessage', 'sns:Publish'];

/** The name at the end of an ARN: `arn:aws:sqs:us-west-2:1:jobs` → `jobs`, `…:function:api:live` → `api:live`. */
function nameInArn(value: string): string {
  const [, , service, , , ...resource] = value.split(':');
  const rest = resource.join(':');
  if (service === 'sqs' || service === 'sns') return rest;
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  // `function:<name>`, `layer:<name>:<version>`, `queue/<name>`: drop the resource type
  if (colon >= 0 && (slash < 0 || colon < slash)) return rest.slice(colon + 1);
  return slash >= 0 ? rest.slice(slash + 1) : rest;
}

/** What kind of AWS resource an ARN names, as the diagram labels it: `SQS`, `SNS`, `function`, `layer`. */
function kindOfArn(value: string): string {
  const [, , service = '', , , type = ''] = value.split(':');
  if (service === 'lambda') return type === 'layer' ? 'layer' : 'function';
  return { sqs: 'SQS', sns: 'SNS' }[service] ?? service;
}

/** The `<functionName>-<key>` names of a function's schedules, with the expression and time zone. */
function schedulesOf(functionName: string, fn: FunctionConfig): { key: string; name: string; expression: string; timezone: string; enabled: boolean }[] {
  const found = byKey(fn.schedules).map(([key, s]) => ({
    key,
    name: scheduleName(functionName, key),
    expression: s.expression,
    timezone: s.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
    enabled: s.enabled ?? true,
  }));
  // A cleanup function's schedule is the Scheduler schedule `<functionName>-cleanup`.
  if (fn.cleanup?.schedule !== undefined && !found.some((s) => s.key === CLEANUP_SCHEDULE_KEY)) {
    found.push({
      key: CLEANUP_SCHEDULE_KEY,
      name: scheduleName(functionName, CLEANUP_SCHEDULE_KEY),
      expression: fn.cleanup.schedule,
      timezone: DEFAULT_SCHEDULE_TIMEZONE,
      enabled: true,
    });
  }
  return found;
}

/**
 * The environment's wiring as a Mermaid `flowchart LR`: triggers on the left, functions (with
 * their alias) in the middle, layers in attach order and failure destinations on the right.
 * The same config always gives the same text: everything is listed by key, routes by route.
 * References to keys the environment does not have are left out (the checks report them).
 */
export function wiringDiagram(config: EnvironmentConfig): string {
  const functions = byKey(config.functions);
  const functionKeys = new Set(functions.map(([key]) => key));
  const queues = new Map(byKey(config.queues));
  const layers = new Map(byKey(config.layers));
  const functionName = (key: string) => functionNameOf(config, key);
  const queueName = (key: string) => queueNameOf(config, key);

  const nodes: string[] = [];
  const edges: string[] = [];
  const declared = new Set<string>();
  const node = (id: string, text: string, shape: '[]' | '()' | '[()]' | '{{}}' | '[[]]' = '[]'): string => {
    if (!declared.has(id)) {
      declared.add(id);
      const half = shape.length / 2;
      nodes.push(`  ${id}${shape.slice(0, half)}${label(text)}${shape.slice(half)}`);
    }
    return id;
  };
  const edge = (from: string, to: string, text?: string, dashed = false) => {
    const arrow = dashed ? '-.->' : '-->';
    edges.push(`  ${from} ${arrow}${text === undefined ? '' : `|${label(text)}|`} ${to}`);
  };
  // Resources named by ARN, one node each, numbered in the order they are first met.
  const external = new Map<string, string>();
  const externalNode = (value: string, shape: '[]' | '[()]' | '[[]]' = '[]') => {
    const id = external.get(value) ?? `external__${external.size + 1}`;
    external.set(value, id);
    return node(id, `${kindOfArn(value)} ${nameInArn(value)} (not managed here)`, shape);
  };
  const queueNode = (key: string) => {
    const queue = queues.get(key) ?? {};
    const id = node(nodeId('queue', key), `SQS ${queueName(key)}`, '[()]');
    const dlq = node(nodeId('dlq', key), `SQS ${deadLetterQueueName(queueName(key))} (dead letters)`, '[()]');
    return { id, dlq, maxReceiveCount: queue.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount };
  };

  // Functions first, so that they are declared in key order whatever points at them.
  for (const [key, fn] of functions) node(nodeId('function', key), `${key} (alias ${fn.alias ?? DEFAULT_ALIAS_NAME})`, '()');

  for (const [key, api] of byKey(config.httpApis)) {
    const jwt = api.jwtAuthorizer ? ', JWT authorizer' : '';
    const id = node(nodeId('http', key), `HTTP API ${httpApiName(config, key)}${jwt}`, '{{}}');
    for (const [route, target] of byKey(api.routes)) {
      if (functionKeys.has(target)) edge(id, nodeId('function', target), route);
    }
  }

  for (const [key, fn] of functions) {
    const target = nodeId('function', key);
    if (fn.functionUrl) {
      const open = fn.functionUrl.authType === 'NONE';
      node(nodeId('url', key), `Function URL, auth ${fn.functionUrl.authType ?? DEFAULT_FUNCTION_URL_AUTH_TYPE}${open ? ': PUBLIC, anyone on the internet' : ''}`, '{{}}');
      edge(nodeId('url', key), target);
    }
    for (const schedule of schedulesOf(functionName(key), fn)) {
      const paused = schedule.enabled ? '' : ' (disabled)';
      node(nodeId('schedule', key, schedule.key), `Schedule ${schedule.name}${paused}: ${schedule.expression} ${schedule.timezone}`, '[[]]');
      edge(nodeId('schedule', key, schedule.key), target);
    }
  }

  // Every queue of the environment, with its dead-letter queue, whether or not anything consumes it.
  for (const key of queues.keys()) {
    const queue = queueNode(key);
    edge(queue.id, queue.dlq, `after ${queue.maxReceiveCount} receives`, true);
  }
  for (const [key, fn] of functions) {
    (fn.eventSources ?? []).forEach((source) => {
      const from = isArn(source.queue) ? externalNode(source.queue, '[()]') : queues.has(source.queue) ? queueNode(source.queue).id : undefined;
      if (from === undefined) return;
      const details = [
        `batch ${source.batchSize ?? EVENT_SOURCE_DEFAULTS.batchSize}`,
        ...(source.maximumConcurrency !== undefined ? [`max concurrency ${source.maximumConcurrency}`] : []),
        ...(source.enabled === false ? ['disabled'] : []),
      ];
      edge(from, nodeId('function', key), details.join(', '));
    });
  }

  // Queues and topics a function may send to (its `policyStatements`), such as an API handing jobs to workers.
  const queueArns = new Map(
    [...queues.keys()].map((key) => [
      arn({ partition: partitionOf(config.region), service: 'sqs', region: config.region, account: config.accountId, resource: queueName(key) }),
      key,
    ]),
  );
  for (const [key, fn] of functions) {
    const sendsTo = (fn.policyStatements ?? [])
      .filter((s) => (s.effect ?? 'Allow') === 'Allow' && s.actions.some((a) => SEND_ACTIONS.includes(a)))
      .flatMap((s) => s.resources ?? [])
      .filter((resource) => SEND_ACTIONS.some((action) => action.split(':')[0] === resource.split(':')[2]));
    for (const resource of [...new Set(sendsTo)]) {
      const known = queueArns.get(resource);
      edge(nodeId('function', key), known !== undefined ? queueNode(known).id : externalNode(resource, '[()]'), 'sends');
    }
  }

  for (const [key, fn] of functions) {
    for (const ref of fn.invokes ?? []) {
      if (isArn(ref)) edge(nodeId('function', key), externalNode(ref), 'invokes');
      else if (functionKeys.has(ref)) edge(nodeId('function', key), nodeId('function', ref), 'invokes');
    }
  }

  for (const [key, fn] of functions) {
    (fn.layers ?? []).forEach((ref, i) => {
      const layer = layers.get(ref);
      const to = isArn(ref) ? externalNode(ref) : layer ? node(nodeId('layer', ref), `layer ${layerNameOf(config, ref)}`) : undefined;
      if (to !== undefined) edge(nodeId('function', key), to, `layer ${i + 1}`);
    });
  }

  // Failed asynchronous invocations, for the functions the stack handles them of: where
  // asyncInvoke sends them, else the function's own `<functionName>-failures` queue.
  const handlesFailures = asyncInvokedKeys(config);
  for (const [key, fn] of functions) {
    if (!handlesFailures.has(key)) continue;
    const destination = fn.asyncInvoke?.onFailure;
    const to =
      destination === undefined
        ? node(nodeId('failures', key), `SQS ${failureQueueName(functionName(key))}`, '[()]')
        : isArn(destination)
          ? externalNode(destination, '[()]')
          : queues.has(destination)
            ? queueNode(destination).id
            : undefined;
    if (to !== undefined) edge(nodeId('function', key), to, 'on failure', true);
  }

  if (config.alarmTopicArn !== undefined) node('alarm_topic', `Alarms notify SNS ${nameInArn(config.alarmTopicArn)}`);

  return ['flowchart LR', ...nodes, ...edges, ''].join('\n');
}

/** The `wiring.md` of an environment: a title, what the picture shows, and the diagram as a Mermaid block. */
export function wiringMarkdown(config: EnvironmentConfig): string {
  return [
    `# Wiring of ${config.name}`,
    '',
    'What invokes each function (HTTP API routes, function URLs, schedules, queues, other functions), the alias every',
    'invocation targets, the layers each function attaches in order, the queues and topics it may send to, and where',
    'its failed asynchronous invocations go.',
    'Written by `npx cdktf synth` from the environment config; do not edit.',
    '',
    '```mermaid',
    wiringDiagram(config).trimEnd(),
    '```',
    '',
  ].join('\n');
}
