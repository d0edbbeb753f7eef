import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runRelease } from '../release/cli';
import { formatDuration, parseDuration } from '../release/durations';
import { formatRecord, NO_RECORD, parseRecord, RECORD_PREFIX } from '../release/aliases';
import { promotionSteps } from '../release/promote';
import { DESCRIPTION_LIMIT, versionDescription } from '../release/publish';
import { tempDir } from './support/synth';

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const cloudwatch = mockClient(CloudWatchClient);
const repo = path.resolve(__dirname, '..');

const ACCOUNT = '111111111111';
const layerArn = (name: string, version: number) => `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-${name}:${version}`;
const [API, WORKER, EVAL_WORKER, CLEANUP] = ['bookshelf-staging-api', 'bookshelf-staging-analysis-worker', 'bookshelf-staging-eval-worker', 'bookshelf-staging-cleanup'];
const FUNCTIONS = [API, WORKER, EVAL_WORKER, CLEANUP];
const errorsAlarm = (name: string) => `${name}-errors`;
/** The alarms the shipped staging manifest names for a function, the errors alarm first: what a canary of it watches. */
const SHIPPED = JSON.parse(fs.readFileSync(path.join(repo, 'generated', 'stacks', 'staging', 'release-manifest.json'), 'utf8'));
const alarmsOf = (name: string): string[] => Object.values<any>(SHIPPED.functions).find((fn) => fn.functionName === name).alarms;

interface FakeVersion {
  readonly codeSha256: string;
  readonly layers: readonly string[];
  readonly description: string;
  /** Reads of the version's configuration before it is Active. */
  pending: number;
  failure?: string;
}

interface FakeFunction {
  codeSha256: string;
  layers: string[];
  revision: number;
  updating: boolean;
  /** Versions 1..n; index 0 is version 1. Deleted versions are undefined. */
  readonly versions: (FakeVersion | undefined)[];
  alias: { version: string; weights: Record<string, number>; description?: string };
}

/** The description Terraform gives the alias when it creates it: no record. */
const TERRAFORM_DESCRIPTION = 'What invokes it targets; CI moves it from version to version';

/**
 * Lambda with versions and aliases, and CloudWatch alarms whose state a test can change as time
 * passes (time is the sum of the sleeps the command asked for: nothing really waits).
 */
class Fleet {
  readonly functions = new Map<string, FakeFunction>();
  readonly alarms = new Map<string, { state: string; reason: string }>();
  /** Calls in order, `Command:FunctionName` plus what matters. */
  readonly log: string[] = [];
  sleptMs = 0;
  /** Called after each sleep with the total time slept. */
  onSleep: (sleptMs: number) => void = () => undefined;

  constructor() {
    for (const name of FUNCTIONS) {
      this.functions.set(name, {
        codeSha256: `code-of-${name.split('-').pop()}-2`,
        layers: [layerArn('deps', 7), layerArn('shared-code', 4)],
        revision: 1,
        updating: false,
        // version 2 holds what $LATEST holds
        versions: [1, 2].map((n) => ({
          codeSha256: `code-of-${name.split('-').pop()}-${n}`,
          layers: [layerArn('deps', 7), layerArn('shared-code', 4)],
          description: `v${n}`,
          pending: 0,
        })),
        alias: { version: '1', weights: {}, description: TERRAFORM_DESCRIPTION },
      });
      for (const alarm of alarmsOf(name)) this.alarms.set(alarm, { state: 'OK', reason: 'Threshold Crossed: no datapoints were received' });
    }
    // A published version: GetFunctionConfiguration with its number; $LATEST: GetFunction, as the command reads it.
    lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName, Qualifier }) => {
      const fn = this.fn(FunctionName);
      this.log.push(`GetFunctionConfiguration:${FunctionName}:${Qualifier}`);
      const version = fn.versions[Number(Qualifier) - 1];
      if (!version) throw new ResourceNotFoundException({ message: `Function not found: ${FunctionName}:${Qualifier}`, $metadata: {} });
      if (version.failure) return { State: 'Failed', StateReasonCode: 'InvalidImage', StateReason: version.failure };
      const content = { CodeSha256: version.codeSha256, Layers: version.layers.map((Arn) => ({ Arn })) };
      return { ...content, State: version.pending-- > 0 ? 'Pending' : 'Active' };
    });
    lambda.on(GetFunctionCommand).callsFake(({ FunctionName }) => {
      const fn = this.fn(FunctionName);
      this.log.push(`GetFunction:${FunctionName}`);
      const Configuration = {
        CodeSha256: fn.codeSha256,
        Layers: fn.layers.map((Arn) => ({ Arn })),
        RevisionId: `revision-${fn.revision}`,
        LastUpdateStatus: fn.updating ? 'InProgress' : 'Successful',
        State: 'Active',
      } as const;
      fn.updating = false;
      return { Configuration };
    });
    lambda.on(ListVersionsByFunctionCommand).callsFake(({ FunctionName, Marker }) => {
      // two versions a page, as Lambda pages (at most 50)
      const all = ['$LATEST', ...this.fn(FunctionName).versions.flatMap((v, i) => (v ? [String(i + 1)] : []))];
      const start = Number(Marker ?? 0);
      return { Versions: all.slice(start, start + 2).map((Version) => ({ Version })), NextMarker: start + 2 < all.length ? String(start + 2) : undefined };
    });
    lambda.on(PublishVersionCommand).callsFake(({ FunctionName, Description, CodeSha256, RevisionId }) => {
      const fn = this.fn(FunctionName);
      this.log.push(`PublishVersion:${FunctionName}`);
      if (RevisionId !== `revision-${fn.revision}` || CodeSha256 !== fn.codeSha256) throw new Error('the fake wants the revision and hash it gave');
      const last = fn.versions.length;
      const latest = fn.versions[last - 1];
      if (latest && latest.codeSha256 === fn.codeSha256 && latest.layers.join() === fn.layers.join()) return { Version: String(last), Description: latest.description };
      fn.versions.push({ codeSha256: fn.codeSha256, layers: [...fn.layers], description: Description!, pending: 1 });
      return { Version: String(fn.versions.length), Description };
    });
    lambda.on(GetAliasCommand).callsFake(({ FunctionName, Name }) => {
      if (Name !== 'live') throw new ResourceNotFoundException({ message: `Alias not found: ${Name}`, $metadata: {} });
      const { version, weights, description } = this.fn(FunctionName).alias;
      return {
        FunctionVersion: version,
        Description: description,
        RoutingConfig: Object.keys(weights).length > 0 ? { AdditionalVersionWeights: { ...weights } } : undefined,
      };
    });
    lambda.on(UpdateAliasCommand).callsFake(({ FunctionName, FunctionVersion, RoutingConfig, Description }) => {
      // Lambda keeps the weights (and the description) when none is given
      const before = this.fn(FunctionName!).alias;
      const weights = { ...(RoutingConfig ? (RoutingConfig.AdditionalVersionWeights ?? {}) : before.weights) };
      this.log.push(`UpdateAlias:${FunctionName}:${FunctionVersion}:${JSON.stringify(weights)}`);
      this.fn(FunctionName).alias = { version: FunctionVersion!, weights, description: Description ?? before.description };
      return {};
    });
    lambda.on(UpdateFunctionConfigurationCommand).callsFake(({ FunctionName, Layers }) => {
      const fn = this.fn(FunctionName);
      this.log.push(`UpdateFunctionConfiguration:${FunctionName}`);
      fn.layers = [...Layers!];
      fn.revision++;
      fn.updating = true;
      return {};
    });
    cloudwatch.on(DescribeAlarmsCommand).callsFake(({ AlarmNames }) => {
      this.log.push(`DescribeAlarms:${this.sleptMs}`);
      const MetricAlarms = (AlarmNames as string[]).flatMap((AlarmName) => {
        const alarm = this.alarms.get(AlarmName);
        return alarm ? [{ AlarmName, StateValue: alarm.state, StateReason: alarm.reason }] : [];
      });
      return { MetricAlarms, CompositeAlarms: [] };
    });
  }

  fn(name: string): FakeFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new ResourceNotFoundException({ message: `Function not found: ${name}`, $metadata: {} });
    return fn;
  }

  /** A new `$LATEST` to publish: code changed since the last version. */
  changeCode(name: string, sha: string): void {
    const fn = this.fn(name);
    fn.codeSha256 = sha;
    fn.revision++;
  }

  /** Each function's alias as `version {weights}`. */
  aliases(): string[] {
    return FUNCTIONS.map((name) => {
      const { version, weights } = this.fn(name).alias;
      return `${version} ${JSON.stringify(weights)}`;
    });
  }

  /** The record in each function's alias description, as the command wrote it (`-`: Terraform's). */
  records(): string[] {
    return FUNCTIONS.map((name) => {
      const { description } = this.fn(name).alias;
      return description === TERRAFORM_DESCRIPTION ? '-' : (description ?? '').replace(RECORD_PREFIX, '').trim();
    });
  }

  /** A new version published from `$LATEST` as it is (as Terraform does on a shape change, or publish): its number. */
  publish(name: string): number {
    const fn = this.fn(name);
    fn.versions.push({ codeSha256: fn.codeSha256, layers: [...fn.layers], description: '', pending: 0 });
    return fn.versions.length;
  }

  moves(): string[] {
    return this.log.filter((line) => line.startsWith('UpdateAlias:'));
  }
}

let root: string;
let fleet: Fleet;
let sleeps: number[];

/** The shipped staging manifest (the fake fleet serves every alarm it names), edited as a test says. */
function writeManifest(edit: (manifest: any) => void = () => undefined) {
  const file = path.join(root, 'generated', 'stacks', 'staging', 'release-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'generated', 'stacks', 'staging', 'release-manifest.json'), 'utf8'));
  edit(manifest);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(manifest));
}

async function release(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const region = 'us-west-2';
  const code = await runRelease(argv, {
    root,
    clients: () => ({ lambda: new LambdaClient({ region }), s3: new S3Client({ region }), sts: new STSClient({ region }), cloudwatch: new CloudWatchClient({ region }) }),
    sleep: async (ms) => {
      sleeps.push(ms);
      fleet.sleptMs += ms;
      fleet.onSleep(fleet.sleptMs);
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeEach(() => {
  lambda.reset();
  s3.reset();
  sts.reset();
  cloudwatch.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  root = tempDir('release-aliases');
  writeManifest();
  fleet = new Fleet();
  sleeps = [];
});

describe('functions publish', () => {
  test('waits for the running update, publishes with the code hash and layers, waits until Active, and reports the version', async () => {
    fleet.fn(API).updating = true;
    for (const name of FUNCTIONS) fleet.changeCode(name, `new-code-of-${name}`);
    const result = await release('functions', 'publish', '--env', 'staging');
    expect(result.code).toBe(0);
    const description = (name: string) => `code-sha256=new-code-of-${name} layers=bookshelf-staging-deps:7,bookshelf-staging-shared-code:4`;
    const published = lambda.commandCalls(PublishVersionCommand).map((c) => c.args[0].input);
    expect(published.sort((a, b) => FUNCTIONS.indexOf(a.FunctionName!) - FUNCTIONS.indexOf(b.FunctionName!))).toEqual(
      FUNCTIONS.map((name) => ({ FunctionName: name, Description: description(name), CodeSha256: `new-code-of-${name}`, RevisionId: 'revision-2' })),
    );
    // the api's update was running: read until it is over, then published, then read as version 3 until Active
    const api = fleet.log.filter((line) => line.includes(API));
    expect(api).toEqual([
      `GetFunction:${API}`,
      `GetFunction:${API}`,
      `PublishVersion:${API}`,
      `GetFunctionConfiguration:${API}:3`,
      `GetFunctionConfiguration:${API}:3`,
    ]);
    expect(result.out.split('\n').filter((line) => line.includes('published version')).sort()).toEqual(
      FUNCTIONS.map((name) => `${name}: published version 3 (${description(name)})`).sort(),
    );
    expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '1 {}')); // publishing moves no traffic
  });

  test('a function unchanged since its last version is reported with that version, nothing new published', async () => {
    const fn = fleet.fn(WORKER);
    fn.versions.push({ codeSha256: fn.codeSha256, layers: [...fn.layers], description: 'earlier', pending: 0 });
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'analysis-worker');
    expect(result.code).toBe(0);
    expect(fn.versions).toHaveLength(3);
    expect(result.out).toBe(`${WORKER}: unchanged since version 3, published before`);
  });

  test('a version that fails to become active is an error with the reason, naming what was published', async () => {
    fleet.changeCode(WORKER, 'broken');
    lambda.on(PublishVersionCommand, { FunctionName: WORKER }).callsFake(() => {
      fleet.fn(WORKER).versions.push({ codeSha256: 'broken', layers: [], description: '', pending: 0, failure: 'The image manifest cannot be read' });
      return { Version: '3' };
    });
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api,analysis-worker');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'release functions publish failed: Publishing versions failed for 1 of 2 functions:\n' +
        `  failed: ${WORKER}: ${WORKER}: version 3 failed to become active: InvalidImage: The image manifest cannot be read\n` +
        '  published: none\n' +
        `  already published: ${API}\n` +
        '  not started: none',
    );
  });

  test('--dry-run describes each version it would publish and publishes none', async () => {
    fleet.changeCode(API, 'new-api');
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      `[dry run] would publish a version of ${API} (code-sha256=new-api layers=bookshelf-staging-deps:7,bookshelf-staging-shared-code:4); its latest version now: 2`,
    );
    expect(lambda.commandCalls(PublishVersionCommand)).toEqual([]);
  });

  test('the description stays within 256 characters: layers that do not fit are counted, not cut', () => {
    const sha = 'n'.repeat(44);
    const long = (n: number) => `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:${String(n).repeat(60)}:${n}`;
    expect(versionDescription(sha, [])).toBe(`code-sha256=${sha} layers=none`);
    const text = versionDescription(sha, [1, 2, 3, 4, 5].map(long));
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(text).toBe(`code-sha256=${sha} layers=${'1'.repeat(60)}:1,${'2'.repeat(60)}:2,+3 more`);
  });
});

describe('functions promote', () => {
  beforeEach(() => {
    // version 3 published for every function; the aliases on 1
    for (const name of FUNCTIONS) fleet.fn(name).versions.push({ codeSha256: 'three', layers: [], description: 'v3', pending: 0 });
  });

  test('all at once: each alias to its latest published version, weights cleared; one already there is "already live"', async () => {
    fleet.fn(WORKER).alias.version = '3';
    const result = await release('functions', 'promote', '--env', 'staging');
    expect(result.code).toBe(0);
    expect(fleet.moves()).toEqual([`UpdateAlias:${API}:3:{}`, `UpdateAlias:${EVAL_WORKER}:3:{}`, `UpdateAlias:${CLEANUP}:3:{}`]);
    expect(lambda.commandCalls(UpdateAliasCommand)[0].args[0].input).toEqual({
      FunctionName: API,
      Name: 'live',
      FunctionVersion: '3',
      Description: "Moved by CI's release command. previous=1",
      RoutingConfig: { AdditionalVersionWeights: {} },
    });
    // the analysis worker was not moved: Terraform's description, no record
    expect(fleet.records()).toEqual(['previous=1', '-', 'previous=1', 'previous=1']);
    expect(result.out).toContain(`${WORKER}: already live, live is on version 3`);
    expect(result.out).toContain(`${API}: live now on version 3, 100% (was version 1)`);
    expect(cloudwatch.calls()).toEqual([]); // no steps, nothing to watch
    expect(sleeps).toEqual([]);
  });

  test('a canary moves every function to the share, waits once watching the alarms every 15 s, then moves all to 100%', async () => {
    const result = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '1m');
    expect(result.code).toBe(0);
    const moves = fleet.log.filter((line) => line.startsWith('UpdateAlias:') || line.startsWith('DescribeAlarms:'));
    expect(moves).toEqual([
      'DescribeAlarms:0', // every alarm exists and is quiet before anything moves
      ...FUNCTIONS.map((name) => `UpdateAlias:${name}:1:{"3":0.1}`),
      'DescribeAlarms:15000',
      'DescribeAlarms:30000',
      'DescribeAlarms:45000',
      'DescribeAlarms:60000',
      ...FUNCTIONS.map((name) => `UpdateAlias:${name}:3:{}`),
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({
      AlarmNames: FUNCTIONS.flatMap(alarmsOf),
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '3 {}'));
    expect(result.out.split('\n')).toEqual([
      ...FUNCTIONS.map((name) => `${name}: live at 10% on version 3, 90% on version 1 (step 1 of 2)`),
      `waiting 1m at 10%, reading ${FUNCTIONS.flatMap(alarmsOf).length} alarms ${FUNCTIONS.flatMap(alarmsOf).join(', ')} every 15s`,
      'no alarm after 1m at 10%',
      ...FUNCTIONS.map((name) => `${name}: live now on version 3, 100% (was version 1) (step 2 of 2)`),
    ]);
  });

  test('an interval shorter than 2m is taken, with one warning on stderr, outside --json\'s document', async () => {
    const warning =
      "warning: --interval 1m 59s is shorter than 2m: the errors alarm sums 60 s of errors and Lambda's metrics arrive about a minute late, " +
      "so the alarms may not have seen a step's errors yet when it ends; 5m is the usual interval";
    const result = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '119s', '--json');
    expect(result.code).toBe(0);
    expect(result.err).toBe(warning);
    expect(JSON.parse(result.out)).toMatchObject({ ok: true });
    expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '3 {}'));
    const linear = await release('functions', 'promote', '--env', 'staging', '--linear', '50', '--interval', '30s', '--dry-run');
    expect(linear.err).toBe(warning.replace('1m 59s', '30s'));
  });

  test('an interval of 2m or more, and a promotion at once, warn of nothing', async () => {
    expect((await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '2m', '--dry-run')).err).toBe('');
    expect((await release('functions', 'promote', '--env', 'staging', '--dry-run')).err).toBe('');
  });

  test('an interval shorter than 15 s is watched once, at its end', async () => {
    await release('functions', 'promote', '--env', 'staging', '--canary', '50', '--interval', '10s');
    expect(sleeps).toEqual([10_000]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
  });

  test('a canary stopped by an alarm: every function back on its old version with no weights, exit 1 with the alarm and its reason', async () => {
    const reason = 'Threshold Crossed: 1 datapoint [3.0 (01/01/25 10:00:00)] was greater than or equal to the threshold (1.0).';
    fleet.onSleep = (slept) => slept >= 30_000 && fleet.alarms.set(errorsAlarm(WORKER), { state: 'ALARM', reason });
    const result = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '5m');
    expect(result.code).toBe(1);
    expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '1 {}'));
    expect(fleet.moves()).toEqual([...FUNCTIONS.map((name) => `UpdateAlias:${name}:1:{"3":0.1}`), ...FUNCTIONS.map((name) => `UpdateAlias:${name}:1:{}`)]);
    expect(sleeps).toEqual([15_000, 15_000]); // stopped at the first read that saw it
    expect(result.err).toBe(
      `release functions promote failed: promotion stopped at 10%: alarm ${errorsAlarm(WORKER)} is in ALARM: ${reason}\n` +
        `  moved back to their old versions, with no weights: ${API} (version 1), ${WORKER} (version 1), ${EVAL_WORKER} (version 1), ${CLEANUP} (version 1)`,
    );
    expect(result.out).toContain(`${WORKER}: live back on version 1, 100%; version 3 held back`);
    // every function of the run held back version 3; the canary steps wrote no record
    expect(fleet.records()).toEqual(FUNCTIONS.map(() => 'held-back=3'));
  });

  test('linear: the share grows by the percentage at every step, then 100%', async () => {
    const result = await release('functions', 'promote', '--env', 'staging', '--functions', 'api', '--linear', '30', '--interval', '20s');
    expect(result.code).toBe(0);
    expect(fleet.moves()).toEqual([
      `UpdateAlias:${API}:1:{"3":0.3}`,
      `UpdateAlias:${API}:1:{"3":0.6}`,
      `UpdateAlias:${API}:1:{"3":0.9}`,
      `UpdateAlias:${API}:3:{}`,
    ]);
    expect(sleeps).toEqual([15_000, 5_000, 15_000, 5_000, 15_000, 5_000]);
    expect(result.out).toContain(`${API}: live at 60% on version 3, 40% on version 1 (step 2 of 4)`);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames)).toEqual(
      Array.from({ length: 7 }, () => alarmsOf(API)),
    );
  });

  test('an alarm that does not exist stops the promotion before anything moves, named', async () => {
    writeManifest((m) => m.functions['analysis-worker'].alarms.push('bookshelf-staging-analysis-worker-latency'));
    const result = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '5m');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'release functions promote failed: no such CloudWatch alarm in staging: bookshelf-staging-analysis-worker-latency (of bookshelf-staging-analysis-worker); nothing was moved ' +
        "(the stack creates each function's errors alarm: deploy it first; alarms named in envs/ must exist)",
    );
    expect(fleet.moves()).toEqual([]);
  });

  test('an alarm already in ALARM stops a canary before anything moves', async () => {
    fleet.alarms.set(errorsAlarm(API), { state: 'ALARM', reason: 'Threshold Crossed' });
    const result = await release('functions', 'promote', '--env', 'staging', '--linear', '10', '--interval', '5m');
    expect(result.code).toBe(1);
    expect(result.err.split('\n')[0]).toBe(`release functions promote failed: nothing was moved: alarm ${errorsAlarm(API)} is in ALARM: Threshold Crossed`);
    expect(fleet.moves()).toEqual([]);
  });

  test('a failed move during a canary moves every function back and says what failed', async () => {
    lambda
      .on(UpdateAliasCommand, { FunctionName: CLEANUP, FunctionVersion: '3' })
      .rejects(Object.assign(new Error('not authorized to perform lambda:UpdateAlias'), { name: 'AccessDeniedException' }));
    const result = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '5m');
    expect(result.code).toBe(1);
    expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '1 {}'));
    expect(result.err.split('\n')).toEqual([
      'release functions promote failed: Moving the aliases to 100% (step 2 of 2) failed for 1 of 4 functions:',
      `  failed: ${CLEANUP}: AccessDeniedException: not authorized to perform lambda:UpdateAlias`,
      `  moved to 100%: ${API}, ${WORKER}, ${EVAL_WORKER}`,
      '  unchanged: none',
      '  not started: none',
      `  moved back to their old versions, with no weights: ${API} (version 1), ${WORKER} (version 1), ${EVAL_WORKER} (version 1), ${CLEANUP} (version 1)`,
    ]);
    // a failed call is not a failed version: nothing is held back, the record is as before the run
    expect(fleet.records()).toEqual(FUNCTIONS.map(() => ''));
  });

  test('--dry-run reads the aliases and alarms, describes the steps, and moves and waits for nothing', async () => {
    const result = await release('functions', 'promote', '--env', 'staging', '--functions', 'api', '--canary', '10', '--interval', '5m', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toBe(`[dry run] would move the alias live of ${API} from version 1 to version 3: 10% for 5m, then 100%`);
    expect(fleet.moves()).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  test('--json prints one document with every event', async () => {
    const result = await release('functions', 'promote', '--env', 'staging', '--functions', 'api,analysis-worker', '--canary', '25', '--interval', '15s', '--json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.out);
    expect(document).toMatchObject({ ok: true, command: 'functions promote', environment: 'staging' });
    expect(document.events.map((e: any) => [e.action, e.functionName ?? null, e.percent ?? null])).toEqual([
      ['alias move', API, 25],
      ['alias move', WORKER, 25],
      ['alarm watch', null, 25],
      ['alarm watch', null, 25],
      ['alias move', API, 100],
      ['alias move', WORKER, 100],
    ]);
  });

  test('a function with no alias is named with who creates it', async () => {
    writeManifest((m) => (m.functions.api.alias = 'current'));
    const result = await release('functions', 'promote', '--env', 'staging', '--functions', 'api');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${API} has no alias current: the stack creates it with the function (npx cdktf deploy staging), and CI moves it`);
  });
});

describe('rollback --function', () => {
  beforeEach(() => {
    for (const name of FUNCTIONS) {
      const fn = fleet.fn(name);
      fn.versions.push(undefined, { codeSha256: 'four', layers: [], description: 'v4', pending: 0 }); // 3 deleted, 4 published
      fn.alias = { version: '4', weights: {} };
    }
  });

  test('--previous with no record: the highest published version below the alias, saying it fell back to it', async () => {
    const result = await release('rollback', '--env', 'staging', '--function', 'api', '--previous');
    expect(result.code).toBe(0);
    expect(fleet.moves()).toEqual([`UpdateAlias:${API}:2:{}`]);
    expect(result.out).toBe(
      `${API}: live back on version 2, 100% (was version 4); no record of the version live before 4: fell back to the highest published version below it`,
    );
    // the version it left is held back; what was live before 2 is not known
    expect(fleet.records()[0]).toBe('held-back=4');
  });

  test('--previous: the version the record says was live before, not the highest one below', async () => {
    fleet.fn(API).alias.description = formatRecord({ previous: 1, heldBack: [2] });
    const result = await release('rollback', '--env', 'staging', '--function', 'api', '--previous');
    expect(result.code).toBe(0);
    expect(fleet.moves()).toEqual([`UpdateAlias:${API}:1:{}`]);
    expect(result.out).toBe(`${API}: live back on version 1, 100% (was version 4)`);
    expect(fleet.records()[0]).toBe('held-back=4,2');
  });

  test('--previous during a canary: all traffic back on the alias\'s own version, the canary\'s held back', async () => {
    fleet.fn(API).alias = { version: '2', weights: { '4': 0.1 }, description: formatRecord({ previous: 1, heldBack: [] }) };
    const result = await release('rollback', '--env', 'staging', '--function', 'api', '--previous');
    expect(result.code).toBe(0);
    expect(fleet.moves()).toEqual([`UpdateAlias:${API}:2:{}`]);
    expect(result.out).toBe(`${API}: live back on version 2, 100% (was version 2 (10% on version 4))`);
    expect(fleet.records()[0]).toBe('held-back=4');
  });

  test('--to-version must be a published version of the function', async () => {
    const result = await release('rollback', '--env', 'staging', '--function', 'all', '--to-version', '3');
    expect(result.code).toBe(1);
    expect(result.err.split('\n')[1]).toBe(`  failed: ${API}: --to-version 3: ${API} has no published version 3; its versions: 1, 2, 4`);
    expect(fleet.moves()).toEqual([]);
  });

  test('all: every function of the manifest; each reported done only once its move succeeded', async () => {
    lambda.on(UpdateAliasCommand, { FunctionName: WORKER }).rejects(Object.assign(new Error('Rate exceeded for good'), { name: 'AccessDeniedException' }));
    const result = await release('rollback', '--env', 'staging', '--function', 'all', '--to-version', '1');
    expect(result.code).toBe(1);
    expect(fleet.aliases()).toEqual(['1 {}', '4 {}', '1 {}', '1 {}']);
    expect(result.out.split('\n')).toEqual([API, EVAL_WORKER, CLEANUP].map((name) => `${name}: live back on version 1, 100% (was version 4)`));
    expect(result.err).toContain(`  failed: ${WORKER}: AccessDeniedException: Rate exceeded for good\n  moved back: ${API}, ${EVAL_WORKER}, ${CLEANUP}`);
  });

  test('no version below the alias to go back to is an error', async () => {
    fleet.fn(API).alias = { version: '1', weights: {} };
    const result = await release('rollback', '--env', 'staging', '--function', 'api', '--previous');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${API}: no published version below 1, the version of live, to go back to`);
  });

  test('--dry-run says what it would move and moves nothing', async () => {
    const result = await release('rollback', '--env', 'staging', '--function', 'all', '--previous', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual(
      FUNCTIONS.map(
        (name) =>
          `[dry run] would move the alias live of ${name} from version 4 back to version 2, 100%; no record of the version live before 4: fell back to the highest published version below it`,
      ),
    );
    expect(fleet.moves()).toEqual([]);
  });
});

describe('the record in the alias description', () => {
  const promote = (...more: string[]) => release('functions', 'promote', '--env', 'staging', '--functions', 'api', ...more);
  const rollback = (...more: string[]) => release('rollback', '--env', 'staging', '--function', 'api', ...more);
  const heldBackLine = (text: string) => text.split('\n').find((line) => line.startsWith(`${API}: held back:`));

  test('a rollback sticks: the next promote leaves the bad version off, also under a new number with the same code, and the others go on', async () => {
    ok(await promote()); // 1 -> 2
    fleet.changeCode(API, 'bad');
    expect(fleet.publish(API)).toBe(3);
    ok(await promote()); // 2 -> 3
    expect(fleet.records()[0]).toBe('previous=2');
    ok(await rollback('--previous'));
    expect(fleet.fn(API).alias.version).toBe('2');
    expect(fleet.records()[0]).toBe('held-back=3');

    // the deploy workflow publishes and promotes after every apply
    fleet.changeCode(WORKER, 'worker-3');
    fleet.publish(WORKER);
    let result = await release('functions', 'promote', '--env', 'staging', '--functions', 'api,analysis-worker');
    expect(result.code).toBe(0);
    expect(heldBackLine(result.out)).toBe(
      `${API}: held back: version 3 is held back (taken off live after it failed): not promoted; release a fix, or put it back on purpose with release rollback --function api --to-version 3`,
    );
    expect(fleet.fn(API).alias.version).toBe('2');
    expect(fleet.fn(WORKER).alias.version).toBe('3');

    // Terraform published the same $LATEST as version 4 (publish = true, a shape change)
    expect(fleet.publish(API)).toBe(4);
    ok(await release('functions', 'publish', '--env', 'staging', '--functions', 'api'));
    result = await promote();
    expect(result.code).toBe(0);
    expect(heldBackLine(result.out)).toBe(
      `${API}: held back: version 4 holds the same code and layers as version 3, held back (taken off live after it failed): not promoted; ` +
        'release a fix, or put it back on purpose with release rollback --function api --to-version 4',
    );
    expect(JSON.parse((await promote('--json')).out).events).toEqual([
      expect.objectContaining({ action: 'alias move', status: 'skipped', functionName: API, version: 4, heldBack: 3 }),
    ]);
    expect(fleet.fn(API).alias.version).toBe('2');

    // a fix: new code, published and promoted; the record keeps what is held back
    fleet.changeCode(API, 'fixed');
    ok(await release('functions', 'publish', '--env', 'staging', '--functions', 'api'));
    ok(await promote());
    expect(fleet.fn(API).alias.version).toBe('5');
    expect(fleet.records()[0]).toBe('previous=2 held-back=3');
  });

  test('a canary of version 3 stopped, version 4 live: --previous goes to the version live before 4, not to 3', async () => {
    ok(await promote()); // 1 -> 2
    fleet.changeCode(API, 'bad');
    fleet.publish(API);
    fleet.onSleep = () => fleet.alarms.set(errorsAlarm(API), { state: 'ALARM', reason: 'Threshold Crossed' });
    expect((await promote('--canary', '10', '--interval', '1m')).code).toBe(1);
    fleet.alarms.set(errorsAlarm(API), { state: 'OK', reason: 'quiet' });
    expect(fleet.fn(API).alias).toMatchObject({ version: '2', weights: {} });
    expect(fleet.records()[0]).toBe('previous=1 held-back=3');
    fleet.changeCode(API, 'good');
    fleet.publish(API);
    ok(await promote()); // 2 -> 4
    expect(fleet.records()[0]).toBe('previous=2 held-back=3');
    const result = await rollback('--previous');
    expect(result.code).toBe(0);
    expect(result.out).toBe(`${API}: live back on version 2, 100% (was version 4)`);
    expect(fleet.records()[0]).toBe('held-back=4,3');
  });

  test('a deliberate rollback --to-version of a held-back version puts it back and clears it', async () => {
    fleet.changeCode(API, 'bad');
    fleet.publish(API);
    fleet.fn(API).alias = { version: '2', weights: {}, description: formatRecord({ heldBack: [3] }) };
    ok(await rollback('--to-version', '3'));
    expect(fleet.fn(API).alias.version).toBe('3');
    expect(fleet.records()[0]).toBe('held-back=2');
    // the same code under a new number is no longer held back
    fleet.publish(API);
    ok(await promote());
    expect(fleet.fn(API).alias.version).toBe('4');
  });

  test('an alias on $LATEST: a canary is refused before anything moves; promoted at once, then no earlier version to go back to', async () => {
    fleet.fn(API).alias.version = '$LATEST';
    const canary = await release('functions', 'promote', '--env', 'staging', '--canary', '10', '--interval', '5m');
    expect(canary.code).toBe(2);
    expect(canary.err.split('\n')[0]).toBe(
      `functions promote --canary: nothing was moved: ${API}: its alias points at $LATEST: promote once all at once first (without --canary or --linear), then in steps`,
    );
    expect(fleet.moves()).toEqual([]);
    let result = await rollback('--previous');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${API}: live points at $LATEST: there is no earlier version to go back to; use --to-version <n>`);

    result = await promote();
    expect(result.code).toBe(0);
    expect(result.out).toBe(`${API}: live now on version 2, 100% (was version $LATEST)`);
    expect(fleet.records()[0]).toBe('previous=$LATEST');
    result = await rollback('--previous');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${API}: no earlier version was live: live was on $LATEST before version 2; use --to-version <n> to go to a published version`);
    expect(fleet.moves()).toEqual([`UpdateAlias:${API}:2:{}`]);
  });

  test('a description Terraform or a person wrote is no record; the command reads back what it writes', () => {
    for (const description of [undefined, TERRAFORM_DESCRIPTION, 'previous=2 held-back=3', `${RECORD_PREFIX} previous=2 owner=me`, `${RECORD_PREFIX} previous=two`]) {
      expect(parseRecord(description)).toEqual(NO_RECORD);
    }
    const record = { previous: '$LATEST' as const, heldBack: [3, 1] };
    expect(formatRecord(record)).toBe("Moved by CI's release command. previous=$LATEST held-back=3,1");
    expect(parseRecord(formatRecord(record))).toEqual(record);
    const long = formatRecord({ previous: 999_999, heldBack: Array.from({ length: 50 }, (_, i) => 999_999 - i) });
    expect(long.length).toBeLessThanOrEqual(256);
    expect(parseRecord(long).heldBack).toHaveLength(10);
  });
});

/** The command succeeded; otherwise its error output, to see why. */
function ok(result: { code: number; err: string }) {
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
}

test('rollback --layer: $LATEST back on the layer version, then a version published and the aliases moved to it at once', async () => {
  lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
  const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3');
  expect(result.code).toBe(0);
  for (const name of FUNCTIONS) {
    const steps = fleet.log.filter((line) => line.includes(name) && !line.startsWith('GetFunction')).map((line) => line.split(':')[0]);
    expect(steps).toEqual(['UpdateFunctionConfiguration', 'PublishVersion', 'UpdateAlias']);
    expect(fleet.fn(name).versions[2]!.layers).toEqual([layerArn('deps', 3), layerArn('shared-code', 4)]);
  }
  expect(fleet.aliases()).toEqual(FUNCTIONS.map(() => '3 {}'));
});

test('rollback --layer --dry-run changes nothing, and says the aliases would move to the version published', async () => {
  lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
  const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3', '--dry-run');
  expect(result.code).toBe(0);
  expect(fleet.log.filter((line) => !line.startsWith('GetFunction'))).toEqual([]);
  expect(result.out).toContain(`[dry run] would move the alias live of ${API} from version 1 to the version just published: at once`);
});

describe('steps and durations', () => {
  test.each([
    [{ kind: 'at once' } as const, [100]],
    [{ kind: 'canary', percent: 10, intervalMs: 1 } as const, [10, 100]],
    [{ kind: 'linear', percent: 10, intervalMs: 1 } as const, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]],
    [{ kind: 'linear', percent: 33, intervalMs: 1 } as const, [33, 66, 99, 100]],
    [{ kind: 'linear', percent: 60, intervalMs: 1 } as const, [60, 100]],
  ])('%j moves through %j', (strategy, steps) => {
    expect(promotionSteps(strategy)).toEqual(steps);
  });

  test.each([
    ['1s', 1_000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['24h', 86_400_000],
    ['1440m', 86_400_000],
    ['86400s', 86_400_000],
    ['25h', undefined],
    ['0s', undefined],
    ['500ms', undefined],
    ['1h30m', undefined],
  ])('%s is %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test('durations read back', () => {
    expect([1_000, 90_000, 3_600_000, 3_690_000].map(formatDuration)).toEqual(['1s', '1m 30s', '1h', '1h 1m 30s']);
  });
});
