import { Testing } from '../core/framework';
import { examples } from '../envs/examples/index';
import { staging } from '../envs/staging';
import { EnvironmentConfig } from '../stacks/environment-config';
import { EnvironmentStack } from '../stacks/environment-stack';
import { wiringDiagram, wiringMarkdown } from '../stacks/wiring-diagram';
import { MermaidParse, parseMermaid } from './support/mermaid';

/** An environment using every kind of wiring, with keys and names Mermaid would misread unquoted. */
const team: EnvironmentConfig = {
  name: 'team',
  accountId: '111111111111',
  region: 'us-west-2',
  namePrefix: 'team',
  backend: { bucket: 'team-state', useLockfile: true },
  artifactsBucket: 'team-artifacts',
  alarmTopicArn: 'arn:aws:sns:us-west-2:111111111111:team-ops',
  layers: { deps: {}, 'shared-code': { layerName: 'shared' } },
  queues: { jobs: { maxReceiveCount: 3 }, 'dead-ends': { queueName: 'team-"odd" #1 <q>' } },
  httpApis: {
    public: {
      routes: { 'GET /books/{id}': 'book-reader', 'ANY /{proxy+}': 'api', $default: 'api' },
      jwtAuthorizer: { issuer: 'https://auth.example.com', audience: ['team'] },
    },
  },
  functions: {
    api: {
      handler: 'app.handler',
      layers: ['deps', 'shared-code', 'arn:aws:lambda:us-west-2:017000801446:layer:Powertools:9'],
      invokes: ['end', 'arn:aws:lambda:us-west-2:222222222222:function:billing'],
      policyStatements: [
        { actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-west-2:111111111111:team-jobs'] },
        { actions: ['sns:Publish', 's3:GetObject'], resources: ['arn:aws:sns:us-west-2:111111111111:team-events', 'arn:aws:s3:::team-images/*'] },
        { effect: 'Deny', actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-west-2:111111111111:team-dead-ends'] },
      ],
    },
    'book-reader': { handler: 'app.handler', functionUrl: { authType: 'NONE', public: true } },
    // a Mermaid keyword as a key
    end: { handler: 'app.handler', alias: 'current', functionUrl: {} },
    worker: {
      handler: 'app.handler',
      eventSources: [
        { queue: 'jobs', batchSize: 5, maximumConcurrency: 2 },
        { queue: 'arn:aws:sqs:us-west-2:111111111111:legacy', enabled: false },
      ],
      asyncInvoke: { onFailure: 'dead-ends' },
    },
    nightly: {
      handler: 'app.handler',
      functionName: 'team-nightly-report',
      schedules: {
        hourly: { expression: 'rate(1 hour)', enabled: false },
        daily: { expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Berlin' },
      },
      asyncInvoke: { onFailure: 'arn:aws:sns:us-west-2:111111111111:team-failures' },
    },
    sweeper: { handler: 'app.handler', cleanup: { bucketName: 'team-images', prefix: 'books/', schedule: 'rate(1 day)' } },
  },
};

/** An environment whose functions name keys it does not have. */
const strays: EnvironmentConfig = {
  ...team,
  alarmTopicArn: undefined,
  queues: undefined,
  httpApis: { public: { routes: { 'GET /': 'nobody' } } },
  functions: { api: { handler: 'app.handler', layers: ['missing'], invokes: ['ghost'], eventSources: [{ queue: 'nowhere' }], asyncInvoke: { onFailure: 'unknown' } } },
};

const everyExample = Object.values(examples).flat();
let parsedDiagrams: Map<EnvironmentConfig, MermaidParse> | undefined;

/** A config's diagram as Mermaid reads it: the diagrams of every config the tests read are parsed in one run of the parser. */
function parsedDiagram(config: EnvironmentConfig): MermaidParse {
  if (parsedDiagrams === undefined) {
    const configs = [...new Set([team, strays, staging, ...everyExample])];
    const parsed = parseMermaid(configs.map((c) => wiringDiagram(c)));
    parsedDiagrams = new Map(configs.map((c, i) => [c, parsed[i]]));
  }
  const parsed = parsedDiagrams.get(config);
  if (parsed === undefined) throw new Error(`no diagram of ${config.name} was parsed`);
  return parsed;
}

/** A parsed flowchart as short lines: `id (shape): label` per node, `from --> to: label` per edge (`-.->` dotted). */
function readAs(parsed: MermaidParse): { nodes: string[]; edges: string[] } {
  if ('error' in parsed) throw new Error(parsed.error);
  expect(parsed.diagramType).toBe('flowchart-v2');
  return {
    nodes: (parsed.nodes ?? []).map((n) => `${n.id} (${n.shape}): ${n.text}`),
    edges: (parsed.edges ?? []).map((e) => `${e.from} ${e.stroke === 'dotted' ? '-.->' : '-->'} ${e.to}${e.text ? `: ${e.text}` : ''}`),
  };
}

describe('wiring diagram', () => {
  test('Mermaid reads triggers, functions with their alias, layers in attach order and failure destinations, labels as written', () => {
    expect(readAs(parsedDiagram(team))).toEqual({
      nodes: [
        'function__api (round): api (alias live)',
        'function__book_reader (round): book-reader (alias live)',
        'function__end (round): end (alias current)',
        'function__nightly (round): nightly (alias live)',
        'function__sweeper (round): sweeper (alias live)',
        'function__worker (round): worker (alias live)',
        'http__public (hexagon): HTTP API team-public, JWT authorizer',
        'url__book_reader (hexagon): Function URL, auth NONE: PUBLIC, anyone on the internet',
        'url__end (hexagon): Function URL, auth AWS_IAM',
        'schedule__nightly__daily (subroutine): Schedule team-nightly-report-daily: cron(0 3 * * ? *) Europe/Berlin',
        'schedule__nightly__hourly (subroutine): Schedule team-nightly-report-hourly (disabled): rate(1 hour) UTC',
        'schedule__sweeper__cleanup (subroutine): Schedule team-sweeper-cleanup: rate(1 day) UTC',
        'queue__dead_ends (cylinder): SQS team-"odd" #1 <q>',
        'dlq__dead_ends (cylinder): SQS team-"odd" #1 <q>-dlq (dead letters)',
        'queue__jobs (cylinder): SQS team-jobs',
        'dlq__jobs (cylinder): SQS team-jobs-dlq (dead letters)',
        'external__1 (cylinder): SQS legacy (not managed here)',
        'external__2 (cylinder): SNS team-events (not managed here)',
        'external__3 (square): function billing (not managed here)',
        'layer__deps (square): layer team-deps',
        'layer__shared_code (square): layer shared',
        'external__4 (square): layer Powertools:9 (not managed here)',
        'failures__end (cylinder): SQS team-end-failures',
        'external__5 (cylinder): SNS team-failures (not managed here)',
        'failures__sweeper (cylinder): SQS team-sweeper-failures',
        'alarm_topic (square): Alarms notify SNS team-ops',
      ],
      edges: [
        'http__public --> function__api: $default',
        'http__public --> function__api: ANY /{proxy+}',
        'http__public --> function__book_reader: GET /books/{id}',
        'url__book_reader --> function__book_reader',
        'url__end --> function__end',
        'schedule__nightly__daily --> function__nightly',
        'schedule__nightly__hourly --> function__nightly',
        'schedule__sweeper__cleanup --> function__sweeper',
        'queue__dead_ends -.-> dlq__dead_ends: after 5 receives',
        'queue__jobs -.-> dlq__jobs: after 3 receives',
        'queue__jobs --> function__worker: batch 5, max concurrency 2',
        'external__1 --> function__worker: batch 10, disabled',
        // what its policy statements let it send to: a queue of the environment by its ARN, a topic elsewhere
        'function__api --> queue__jobs: sends',
        'function__api --> external__2: sends',
        'function__api --> function__end: invokes',
        'function__api --> external__3: invokes',
        'function__api --> layer__deps: layer 1',
        'function__api --> layer__shared_code: layer 2',
        'function__api --> external__4: layer 3',
        // invoked by the api: its own failures queue; so are scheduled functions without asyncInvoke
        'function__end -.-> failures__end: on failure',
        'function__nightly -.-> external__5: on failure',
        'function__sweeper -.-> failures__sweeper: on failure',
        'function__worker -.-> queue__dead_ends: on failure',
      ],
    });
  });

  test('is the same text whatever order the config lists its keys in', () => {
    const reversed = <T>(record: Readonly<Record<string, T>> | undefined) => Object.fromEntries(Object.entries(record ?? {}).reverse());
    const shuffled: EnvironmentConfig = {
      ...team,
      layers: reversed(team.layers),
      queues: reversed(team.queues),
      functions: Object.fromEntries(Object.entries(reversed(team.functions)).map(([k, fn]) => [k, { ...fn, schedules: fn.schedules && reversed(fn.schedules) }])),
      httpApis: { public: { ...team.httpApis!.public, routes: reversed(team.httpApis!.public.routes) } },
    };
    expect(Object.keys(shuffled.functions!)[0]).toBe('sweeper');
    expect(wiringDiagram(shuffled)).toBe(wiringDiagram(team));
  });

  test('leaves out references to keys the environment does not have, and draws no failure destination nobody asked for', () => {
    expect(readAs(parsedDiagram(strays))).toEqual({
      nodes: ['function__api (round): api (alias live)', 'http__public (hexagon): HTTP API team-public'],
      edges: [],
    });
  });

  test('Mermaid parses the diagram of every example environment', () => {
    expect(everyExample.map((c) => c.name)).toContain('channelwright');
    const parsed = everyExample.map(parsedDiagram);
    expect(parsed.map((p) => ('error' in p ? p.error : p.diagramType))).toEqual(everyExample.map(() => 'flowchart-v2'));
  });

  test('names the queues (failure and dead-letter queues included), schedules, layers and HTTP APIs the stack builds, and no other', () => {
    // the shipped staging environment, and one with renamed functions, invoked ones, disabled schedules and a cleanup schedule
    const configs = [staging, team];
    const parsed = configs.map(parsedDiagram);
    configs.forEach((config, i) => {
      // what the diagram shows as managed here, by kind, its name as the label writes it
      const shown = readAs(parsed[i]).nodes.map((n) => n.slice(n.indexOf(': ') + 2)).filter((text) => !text.endsWith('(not managed here)'));
      const named = (pattern: RegExp) => shown.flatMap((text) => pattern.exec(text)?.[1] ?? []).sort();
      const stack = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), config)));
      const built = (type: string, attribute: string) => Object.values<Record<string, string>>(stack.resource[type] ?? {}).map((r) => r[attribute]).sort();
      expect({
        queues: named(/^SQS (.*?)(?: \(dead letters\))?$/),
        schedules: named(/^Schedule (.*?)(?: \(disabled\))?: /),
        layers: named(/^layer (.*)$/),
        httpApis: named(/^HTTP API (.*?)(?:, JWT authorizer)?$/),
      }).toEqual({
        queues: built('aws_sqs_queue', 'name'),
        schedules: built('aws_scheduler_schedule', 'name'),
        layers: built('aws_lambda_layer_version', 'layer_name'),
        httpApis: built('aws_apigatewayv2_api', 'name'),
      });
    });
  });

  test("wiring.md has a title naming the environment and the diagram in a mermaid block GitHub renders", () => {
    const markdown = wiringMarkdown(team);
    expect(markdown.split('\n')[0]).toBe('# Wiring of team');
    const fenced = /\n```mermaid\n([\s\S]*)```\n$/.exec(markdown);
    expect(fenced?.[1]).toBe(wiringDiagram(team));
  });
});
