import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListLayerVersionsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateFunctionCodeCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { HeadObjectCommand, NoSuchBucket, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runRelease } from '../release/cli';
import { deterministicZip } from '../core/deterministic-zip';
import { awsClients, RETRY } from '../release/context';
import { layerPackage } from '../release/layers';
import { loadManifest } from '../release/manifest';
import { tempDir } from './support/synth';
import { readZip } from './support/zip-reader';

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
// The caller's account is the manifest's unless a test says otherwise.
const sts = mockClient(STSClient);
const repo = path.resolve(__dirname, '..');

const ACCOUNT = '111111111111';
const layerArn = (name: string, version: number) => `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-${name}:${version}`;
const FUNCTIONS = ['bookshelf-staging-api', 'bookshelf-staging-analysis-worker', 'bookshelf-staging-eval-worker', 'bookshelf-staging-cleanup'];

/**
 * A Lambda that remembers each function's layers and code, and answers `InProgress` to the
 * first `readsPerUpdate` reads after an update; it records how many functions were updating at once.
 * Code comes from the fake S3's objects, so CodeSha256 is the uploaded package's.
 */
class FakeLambda {
  readonly functions = new Map<string, { layers: string[]; status: 'Successful' | 'InProgress' | 'Failed'; reason?: string; codeSha256: string; reads: number }>();
  /** The artifacts bucket: key to bytes. */
  readonly objects = new Map<string, Buffer>();
  failing = new Set<string>();
  readsPerUpdate = 1;
  maxUpdating = 0;

  /** UpdateFunctionConfiguration: the function runs an update with the new layers. */
  readonly updateConfiguration: (input: { FunctionName?: string; Layers?: string[] }) => object;

  updating(): number {
    return [...this.functions.values()].filter((fn) => fn.status === 'InProgress').length;
  }

  /** GetFunction: a running update is over once `readsPerUpdate` reads have seen it running. */
  readonly getFunction = ({ FunctionName }: { FunctionName?: string }) => {
    const fn = this.functions.get(FunctionName!)!;
    const Configuration = {
      FunctionName,
      Layers: fn.layers.map((Arn) => ({ Arn })),
      CodeSha256: fn.codeSha256,
      LastUpdateStatus: fn.status,
      LastUpdateStatusReason: fn.reason,
      State: 'Active' as const,
    };
    if (fn.status === 'InProgress' && ++fn.reads >= this.readsPerUpdate) fn.status = this.failing.has(FunctionName!) ? 'Failed' : 'Successful';
    return { Configuration };
  };

  constructor() {
    for (const name of FUNCTIONS) this.add(name);
    lambda.on(GetFunctionCommand).callsFake(this.getFunction);
    const update = (FunctionName: string, change: () => void) => {
      const fn = this.functions.get(FunctionName)!;
      if (fn.status === 'InProgress') throw new ResourceConflictException({ message: 'An update is in progress', $metadata: {} });
      change();
      fn.status = 'InProgress';
      fn.reads = 0;
      this.maxUpdating = Math.max(this.maxUpdating, this.updating());
      if (this.failing.has(FunctionName)) fn.reason = 'Layer version not found';
      return { FunctionName, LastUpdateStatus: 'InProgress' as const };
    };
    this.updateConfiguration = ({ FunctionName, Layers }) => update(FunctionName!, () => (this.functions.get(FunctionName!)!.layers = [...Layers!]));
    lambda.on(UpdateFunctionConfigurationCommand).callsFake(this.updateConfiguration);
    lambda.on(UpdateFunctionCodeCommand).callsFake(({ FunctionName, S3Key }) =>
      update(FunctionName, () => (this.functions.get(FunctionName)!.codeSha256 = createHash('sha256').update(this.objects.get(S3Key)!).digest('base64'))),
    );
    // version 1 live on each alias; a publish makes version 2 (a layer rollback ends with a publish and an alias move)
    lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName }) => this.getFunction({ FunctionName }).Configuration);
    lambda.on(ListVersionsByFunctionCommand).resolves({ Versions: [{ Version: '$LATEST' }, { Version: '1' }] });
    lambda.on(PublishVersionCommand).resolves({ Version: '2' });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: '1' });
    lambda.on(UpdateAliasCommand).resolves({});
    s3.on(HeadObjectCommand).callsFake(({ Key }) => {
      if (!this.objects.has(Key)) throw notFound();
      return {};
    });
    s3.on(PutObjectCommand).callsFake(({ Key, Body }) => void this.objects.set(Key!, Body as Buffer));
  }

  add(name: string): void {
    this.functions.set(name, { layers: [layerArn('deps', 1), layerArn('shared-code', 4)], status: 'Successful', codeSha256: 'placeholder', reads: 0 });
  }
}

let root: string;
let fake: FakeLambda;
let sleeps: number[];
let installs: { requirements: string; target: string; settings: unknown }[];

async function release(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRelease(argv, {
    root,
    clients: () => ({ lambda: new LambdaClient({ region: 'us-west-2' }), s3: new S3Client({ region: 'us-west-2' }), sts: new STSClient({ region: 'us-west-2' }), cloudwatch: new CloudWatchClient({ region: 'us-west-2' }) }),
    sleep: async (ms) => void sleeps.push(ms),
    installer: async (requirements, target, settings) => {
      installs.push({ requirements, target, settings });
      fs.mkdirSync(path.join(target, 'httpx', '__pycache__'), { recursive: true });
      fs.writeFileSync(path.join(target, 'httpx', '__init__.py'), '__version__ = "0.27.0"\n');
      fs.writeFileSync(path.join(target, 'httpx', '__pycache__', '__init__.cpython-312.pyc'), 'cache');
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const notFound = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
const updates = () => lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);

const MANIFEST = () => path.join(root, 'generated', 'stacks', 'staging', 'release-manifest.json');
/** Edits the staging manifest the command reads. */
function editManifest(edit: (manifest: any) => void): void {
  const manifest = JSON.parse(fs.readFileSync(MANIFEST(), 'utf8'));
  edit(manifest);
  fs.writeFileSync(MANIFEST(), JSON.stringify(manifest, null, 2));
}
/** `count` more functions like the api, in the manifest and in the fake; their names. */
function moreFunctions(count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `bookshelf-staging-fn-${String(i).padStart(2, '0')}`);
  editManifest((m) => {
    for (const name of names) {
      m.functions[name.replace('bookshelf-staging-', '')] = { ...m.functions.api, functionName: name, packagePrefix: `functions/${name}/` };
    }
  });
  for (const name of names) fake.add(name);
  return names;
}
const POWERTOOLS = (version: number) => `arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:${version}`;

beforeEach(() => {
  lambda.reset();
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
  root = tempDir('release');
  fs.cpSync(path.join(repo, 'generated', 'stacks', 'staging'), path.join(root, 'generated', 'stacks', 'staging'), { recursive: true });
  fs.mkdirSync(path.join(root, 'backend', 'shared', '__pycache__'), { recursive: true });
  fs.writeFileSync(path.join(root, 'backend', 'requirements.txt'), 'httpx==0.27.0\n');
  fs.writeFileSync(path.join(root, 'backend', 'poetry.lock'), '[[package]]\nname = "httpx"\nversion = "0.27.0"\n');
  fs.writeFileSync(path.join(root, 'backend', 'shared', '__init__.py'), '');
  fs.writeFileSync(path.join(root, 'backend', 'shared', 'db.py'), 'def connect():\n    pass\n');
  fs.writeFileSync(path.join(root, 'backend', 'shared', '__pycache__', 'db.cpython-312.pyc'), 'cache');
  fake = new FakeLambda();
  sleeps = [];
  installs = [];
});

describe('layer build', () => {
  test('installs the requirements into python/ for the runtime and platform, and uploads a reproducible zip', async () => {
    const first = await release('layer', 'build', '--env', 'staging', '--layer', 'deps');
    expect(first.code).toBe(0);
    expect(installs).toEqual([
      {
        requirements: path.join(root, 'backend', 'requirements.txt'),
        target: expect.stringMatching(/python$/),
        settings: { pythonVersion: '3.12', platform: 'manylinux2014_x86_64' },
      },
    ]);
    const [put] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const expected = layerPackage(root, loadManifest(root, 'staging'), 'deps');
    expect(put).toMatchObject({ Bucket: 'bookshelf-artifacts-staging', Key: `layers/bookshelf-staging-deps/${expected.contentHash}.zip` });
    const zip = put.Body as Buffer;
    expect(put.ChecksumSHA256).toBe(createHash('sha256').update(zip).digest('base64'));
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['python/', 'python/httpx/', 'python/httpx/__init__.py']);
    expect(entries.every((e) => e.dateTime.join('-') === '1980-1-1-0-0-0')).toBe(true);
    expect(first.out).toContain(`bookshelf-staging-deps: built and uploaded to s3://bookshelf-artifacts-staging/${expected.s3Key}`);

    s3.resetHistory();
    fake.objects.clear();
    await release('layer', 'build', '--env', 'staging', '--layer', 'deps');
    expect((s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as Buffer).equals(zip)).toBe(true);
  });

  test('an unchanged lock file is neither rebuilt nor uploaded again', async () => {
    s3.on(HeadObjectCommand).resolves({});
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(0);
    expect(installs).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    expect(result.out).toContain('bookshelf-staging-deps: unchanged');
  });

  test('the package key follows the lock file and the build settings, not unrelated files', () => {
    const manifest = loadManifest(root, 'staging');
    const before = layerPackage(root, manifest, 'deps').s3Key;
    fs.writeFileSync(path.join(root, 'backend', 'README.md'), 'unrelated');
    expect(layerPackage(root, manifest, 'deps').s3Key).toBe(before);
    fs.appendFileSync(path.join(root, 'backend', 'poetry.lock'), '[[package]]\nname = "boto3"\n');
    expect(layerPackage(root, manifest, 'deps').s3Key).not.toBe(before);
    const arm = { ...manifest, layers: { ...manifest.layers, deps: { ...manifest.layers.deps, compatibleArchitectures: ['arm64'] } } };
    expect(layerPackage(root, arm, 'deps').s3Key).not.toBe(layerPackage(root, manifest, 'deps').s3Key);
  });

  test('a shared-code layer is its source directory under python/, without caches', async () => {
    await release('layer', 'build', '--env', 'staging', '--layer', 'shared-code');
    const zip = s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as Buffer;
    expect(readZip(zip).map((e) => e.name)).toEqual(['python/', 'python/__init__.py', 'python/db.py']);
    expect(installs).toEqual([]);
  });

  test('--dry-run says what it would build and changes nothing', async () => {
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'deps', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\[dry run\] would build bookshelf-staging-deps and upload it to s3:\/\/bookshelf-artifacts-staging\/layers\//);
    expect(installs).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  });

  test('a missing build input is named', async () => {
    fs.rmSync(path.join(root, 'backend', 'poetry.lock'));
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "release layer build failed: --layer deps: backend/poetry.lock does not exist (from the layer's build in envs/)",
    );
  });
});

describe('layer publish', () => {
  const hash = () => layerPackage(root, loadManifest(root, 'staging'), 'deps').contentHash;

  test('publishes a version from the uploaded build when the content changed', async () => {
    s3.on(HeadObjectCommand).resolves({});
    lambda.on(ListLayerVersionsCommand).resolves({ LayerVersions: [{ Version: 6, Description: 'content-hash=older', LayerVersionArn: layerArn('deps', 6) }] });
    lambda.on(PublishLayerVersionCommand).resolves({ Version: 7, LayerVersionArn: layerArn('deps', 7) });
    const result = await release('layer', 'publish', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(0);
    expect(lambda.commandCalls(PublishLayerVersionCommand)[0].args[0].input).toEqual({
      LayerName: 'bookshelf-staging-deps',
      Description: `content-hash=${hash()}`,
      Content: { S3Bucket: 'bookshelf-artifacts-staging', S3Key: `layers/bookshelf-staging-deps/${hash()}.zip` },
      CompatibleRuntimes: ['python3.12'],
      CompatibleArchitectures: ['x86_64'],
    });
    expect(result.out).toContain(`bookshelf-staging-deps: published version 7 (${layerArn('deps', 7)})`);
  });

  test('publishes nothing when the latest version already holds this build', async () => {
    s3.on(HeadObjectCommand).resolves({});
    lambda.on(ListLayerVersionsCommand).resolves({ LayerVersions: [{ Version: 6, Description: `content-hash=${hash()}`, LayerVersionArn: layerArn('deps', 6) }] });
    const result = await release('layer', 'publish', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(0);
    expect(lambda.commandCalls(PublishLayerVersionCommand)).toEqual([]);
    expect(result.out).toContain('bookshelf-staging-deps: unchanged, version 6 already holds this build');
  });

  test('refuses to publish a build that was never uploaded', async () => {
    const result = await release('layer', 'publish', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no build at s3://bookshelf-artifacts-staging/layers/bookshelf-staging-deps/');
    expect(result.err).toContain('run `release layer build --env staging --layer deps` first');
  });
});

describe('functions update --layer', () => {
  test('points every function using the layer at the new version, keeping other layers in place and order', async () => {
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7));
    expect(result.code).toBe(0);
    expect(updates()).toEqual(FUNCTIONS.map((FunctionName) => ({ FunctionName, Layers: [layerArn('deps', 7), layerArn('shared-code', 4)] })));
    for (const name of FUNCTIONS) expect(fake.functions.get(name)).toMatchObject({ status: 'Successful' });
    expect(result.out).toContain(`bookshelf-staging-analysis-worker: now on [${layerArn('deps', 7)}, ${layerArn('shared-code', 4)}]`);
  });

  test('with --concurrency 1, waits for each update to finish before the next one', async () => {
    fake.readsPerUpdate = 3;
    await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '1');
    const calls = lambda.calls().map((c) => `${c.args[0].constructor.name}:${(c.args[0].input as any).FunctionName}`);
    const api = FUNCTIONS[0];
    const worker = FUNCTIONS[1];
    const apiUpdate = calls.indexOf(`UpdateFunctionConfigurationCommand:${api}`);
    const workerUpdate = calls.indexOf(`UpdateFunctionConfigurationCommand:${worker}`);
    // after the api's update: polls of the api until it is done (three see it running), before the worker is touched
    expect(calls.slice(apiUpdate + 1, workerUpdate).filter((c) => c.endsWith(api))).toEqual(Array(4).fill(`GetFunctionCommand:${api}`));
    expect(calls.findIndex((c) => c.endsWith(worker))).toBeGreaterThan(calls.lastIndexOf(`GetFunctionCommand:${api}`));
    expect(sleeps.length).toBeGreaterThan(0);
  });

  test('the default version is the latest published one', async () => {
    lambda.on(ListLayerVersionsCommand).resolves({ LayerVersions: [{ Version: 9, LayerVersionArn: layerArn('deps', 9) }] });
    await release('functions', 'update', '--env', 'staging', '--layer', 'deps');
    expect(updates().map((u) => u.Layers![0])).toEqual(FUNCTIONS.map(() => layerArn('deps', 9)));
  });

  test('a function already on the version is left alone', async () => {
    fake.functions.get(FUNCTIONS[1])!.layers = [layerArn('deps', 7), layerArn('shared-code', 4)];
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7));
    expect(updates().map((u) => u.FunctionName)).toEqual([FUNCTIONS[0], FUNCTIONS[2], FUNCTIONS[3]]);
    expect(result.out).toContain(`bookshelf-staging-analysis-worker: already on ${layerArn('deps', 7)}`);
  });

  test('a function without the layer gets it at its place in the manifest order', async () => {
    fake.functions.get(FUNCTIONS[0])!.layers = [layerArn('shared-code', 4)];
    await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7));
    expect(updates()[0].Layers).toEqual([layerArn('deps', 7), layerArn('shared-code', 4)]);
  });

  test("a running update is waited for; another one's conflict is retried", async () => {
    fake.functions.get(FUNCTIONS[0])!.status = 'InProgress'; // someone else's update is still running
    // and someone starts one more on the worker between its read and its update
    lambda
      .on(UpdateFunctionConfigurationCommand, { FunctionName: FUNCTIONS[1] })
      .rejectsOnce(new ResourceConflictException({ message: 'in progress', $metadata: {} }))
      .callsFake(fake.updateConfiguration);
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7));
    expect(result.code).toBe(0);
    expect(result.out).toContain('update bookshelf-staging-analysis-worker: ResourceConflictException, retrying in 500 ms (attempt 2 of 8)');
    expect(result.out).not.toContain('update bookshelf-staging-api: ResourceConflictException');
    expect(updates().map((u) => u.FunctionName).sort()).toEqual([...FUNCTIONS, FUNCTIONS[1]].sort());
  });

  test('throttling is retried with exponential backoff', async () => {
    lambda
      .on(GetFunctionCommand, { FunctionName: FUNCTIONS[0] })
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .callsFake(fake.getFunction);
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '1');
    expect(result.code).toBe(0);
    expect(sleeps.slice(0, 2)).toEqual([RETRY.firstDelayMs, RETRY.firstDelayMs * 2]);
    expect(updates()).toHaveLength(FUNCTIONS.length);
  });

  test('stops at the first real failure and says what was and was not updated', async () => {
    fake.failing.add(FUNCTIONS[1]);
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '1');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `release functions update failed: Pointing functions at ${layerArn('deps', 7)} failed for 1 of 4 functions:\n` +
        '  failed: bookshelf-staging-analysis-worker: bookshelf-staging-analysis-worker: the update failed: Layer version not found\n' +
        '  updated: bookshelf-staging-api\n' +
        '  already up to date: none\n' +
        '  not started: bookshelf-staging-eval-worker, bookshelf-staging-cleanup',
    );
    expect(updates().map((u) => u.FunctionName)).toEqual([FUNCTIONS[0], FUNCTIONS[1]]);
  });

  test('an error that is not throttling is not retried', async () => {
    const denied = Object.assign(new Error('not authorized to perform lambda:UpdateFunctionConfiguration'), { name: 'AccessDeniedException' });
    lambda.on(UpdateFunctionConfigurationCommand).rejects(denied);
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '1');
    expect(result.code).toBe(1);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
    expect(result.err).toContain('AccessDeniedException: not authorized');
    expect(result.err).toContain('not started: bookshelf-staging-analysis-worker, bookshelf-staging-eval-worker, bookshelf-staging-cleanup');
  });

  test('--dry-run shows each function before and after, and changes nothing', async () => {
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--dry-run');
    expect(result.code).toBe(0);
    expect(updates()).toEqual([]);
    expect(result.out.split('\n')).toEqual(
      FUNCTIONS.map(
        (name) =>
          `[dry run] would point ${name} at [${layerArn('deps', 7)}, ${layerArn('shared-code', 4)}] (now [${layerArn('deps', 1)}, ${layerArn('shared-code', 4)}])`,
      ),
    );
  });

  test('refuses a version of another layer before any call', async () => {
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('shared-code', 7));
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(
      `--version-arn = "${layerArn('shared-code', 7)}": must be a version of the layer deps: arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps:<version>`,
    );
    expect(lambda.calls()).toEqual([]);
  });

  test('--json prints one document for machines', async () => {
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--json');
    const document = JSON.parse(result.out);
    expect(document).toMatchObject({ ok: true, command: 'functions update', environment: 'staging', dryRun: false });
    expect(document.events.filter((e: any) => e.action === 'function layers').map((e: any) => [e.functionName, e.status])).toEqual(
      FUNCTIONS.map((name) => [name, 'done']),
    );
  });
});

describe('functions update --package', () => {
  const codePackage = deterministicZip([{ path: 'app/main.py', content: 'def handler(event, context):\n    return {}\n' }]);

  test('uploads the package under each function and points each function at it', async () => {
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, codePackage);
    const hash = createHash('sha256').update(codePackage).digest('hex');
    const result = await release('functions', 'update', '--env', 'staging', '--package', zip, '--functions', 'api,cleanup');
    expect(result.code).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: 'bookshelf-staging-api', S3Bucket: 'bookshelf-artifacts-staging', S3Key: `functions/bookshelf-staging-api/${hash}.zip` },
      { FunctionName: 'bookshelf-staging-cleanup', S3Bucket: 'bookshelf-artifacts-staging', S3Key: `functions/bookshelf-staging-cleanup/${hash}.zip` },
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  test('names an unknown function before any call', async () => {
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, codePackage);
    const result = await release('functions', 'update', '--env', 'staging', '--package', zip, '--functions', 'apu');
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe('--functions = "apu": apu: no such function in staging; functions: api, analysis-worker, eval-worker, cleanup');
    expect(s3.calls()).toEqual([]);
  });

  test.each([
    ['missing', () => new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }), 'NoSuchBucket'],
    ['forbidden', () => Object.assign(new Error('Forbidden'), { name: 'Unknown', $metadata: { httpStatusCode: 403 } }), 'HTTP 403'],
  ])('a %s artifacts bucket is named with its environment and where it comes from', async (_case, error, reason) => {
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, codePackage);
    s3.on(HeadObjectCommand).rejects(error());
    const result = await release('functions', 'update', '--env', 'staging', '--package', zip);
    expect(result.code).toBe(1);
    expect(result.err.split('\n')[1]).toContain(
      `failed: bookshelf-staging-api: the artifacts bucket "bookshelf-artifacts-staging" of environment staging cannot be used (${reason}): ` +
        'bootstrap-staging creates it (npx cdktf deploy bootstrap-staging), or, with artifactsBucketExists, it must exist in the ' +
        "environment's region and the release credentials must be allowed to read and write it",
    );
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toEqual([]);
  });
});


describe('several functions at once', () => {
  test('at most --concurrency functions update at once (default 10), and that many do', async () => {
    const names = [...FUNCTIONS, ...moreFunctions(12)];
    fake.readsPerUpdate = 3;
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7));
    expect(result.code).toBe(0);
    expect(fake.maxUpdating).toBe(10);
    expect(updates().map((u) => u.FunctionName).sort()).toEqual([...names].sort());
    for (const name of names) expect(fake.functions.get(name)).toMatchObject({ status: 'Successful', layers: [layerArn('deps', 7), layerArn('shared-code', 4)] });

    lambda.resetHistory();
    fake.maxUpdating = 0;
    expect((await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 8), '--concurrency', '4')).code).toBe(0);
    expect(fake.maxUpdating).toBe(4);
    expect(updates()).toHaveLength(names.length);
  });

  test('a code package too', async () => {
    moreFunctions(5);
    fake.readsPerUpdate = 2;
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, deterministicZip([{ path: 'app/main.py', content: 'x = 1\n' }]));
    expect((await release('functions', 'update', '--env', 'staging', '--package', zip, '--concurrency', '3')).code).toBe(0);
    expect(fake.maxUpdating).toBe(3);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(5 + FUNCTIONS.length);
  });

  test('after the first failure no further function starts; the running ones finish, and the error says what became of each', async () => {
    const names = [...FUNCTIONS, ...moreFunctions(7)];
    fake.readsPerUpdate = 2;
    fake.failing.add(FUNCTIONS[1]);
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '3');
    expect(result.code).toBe(1);
    const lines = result.err.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `release functions update failed: Pointing functions at ${layerArn('deps', 7)} failed for 1 of ${names.length} functions:`,
      `  failed: bookshelf-staging-analysis-worker: bookshelf-staging-analysis-worker: the update failed: Layer version not found`,
    ]);
    const list = (label: string) =>
      label === 'failed'
        ? lines.filter((line) => line.startsWith('  failed: ')).map((line) => line.split(': ')[1])
        : lines.find((line) => line.startsWith(`  ${label}: `))!.slice(label.length + 4).split(', ');
    // the api and the cleanup were running beside the worker: they finished
    expect(list('updated')).toEqual(expect.arrayContaining([FUNCTIONS[0], FUNCTIONS[2]]));
    expect(list('failed')).toEqual([FUNCTIONS[1]]);
    const notStarted = list('not started');
    expect(notStarted.length).toBeGreaterThan(0);
    expect([...list('updated'), ...list('failed'), ...notStarted].sort()).toEqual([...names].sort());
    // not started: never read, never updated
    const touched = lambda.calls().map((c) => (c.args[0].input as { FunctionName?: string }).FunctionName);
    for (const name of notStarted) expect(touched).not.toContain(name);
    for (const name of list('updated')) expect(fake.functions.get(name)!.status).toBe('Successful');
  });

  test('progress lines name the function and the step; a long update says it is still running', async () => {
    fake.readsPerUpdate = 15; // 2 s of quick polls, then 0.5, 1, 2, 2, 2, 2 s: 11.5 s
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--concurrency', '1');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'bookshelf-staging-api: updating its layers',
      'bookshelf-staging-api: still updating after 11.5 s',
      `bookshelf-staging-api: now on [${layerArn('deps', 7)}, ${layerArn('shared-code', 4)}]`,
    ]);
    expect(sleeps.slice(0, 15)).toEqual([250, 250, 250, 250, 250, 250, 250, 250, 500, 1000, 2000, 2000, 2000, 2000, 2000]);
  });

  test('with --json, no progress lines: one document', async () => {
    fake.readsPerUpdate = 15;
    const result = await release('functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', layerArn('deps', 7), '--json');
    expect(JSON.parse(result.out)).toMatchObject({ ok: true });
  });
});

describe('external layers', () => {
  /** The api attaches Powertools (pinned in envs/) before the built layers. */
  const pinPowertools = (version: number) =>
    editManifest((m) => {
      m.functions.api.layers = [{ arn: POWERTOOLS(version) }, { layer: 'deps' }, { layer: 'shared-code' }];
    });

  test('an envs bump of an external layer reaches the function at the next layer release, in the manifest order', async () => {
    pinPowertools(3);
    fake.functions.get(FUNCTIONS[0])!.layers = [POWERTOOLS(2), layerArn('deps', 1), layerArn('shared-code', 4)];
    const build = layerPackage(root, loadManifest(root, 'staging'), 'deps');
    fake.objects.set(build.s3Key, Buffer.from('built'));
    lambda.on(ListLayerVersionsCommand).resolves({ LayerVersions: [{ Version: 6, Description: 'content-hash=older', LayerVersionArn: layerArn('deps', 6) }] });
    lambda.on(PublishLayerVersionCommand).resolves({ Version: 7, LayerVersionArn: layerArn('deps', 7) });
    const result = await release('layer', 'release', '--env', 'staging', '--layer', 'deps');
    expect(result.code).toBe(0);
    expect(fake.functions.get(FUNCTIONS[0])!.layers).toEqual([POWERTOOLS(3), layerArn('deps', 7), layerArn('shared-code', 4)]);
    expect(fake.functions.get(FUNCTIONS[1])!.layers).toEqual([layerArn('deps', 7), layerArn('shared-code', 4)]);
    expect(result.out).toContain(`bookshelf-staging-api: now on [${POWERTOOLS(3)}, ${layerArn('deps', 7)}, ${layerArn('shared-code', 4)}]; pinned external layers applied: ${POWERTOOLS(3)}`);
  });

  test('a publish applies them first, so the version it publishes holds them; a dry run only says so', async () => {
    pinPowertools(3);
    const dry = await release('functions', 'publish', '--env', 'staging', '--functions', 'api', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(
      `[dry run] would point bookshelf-staging-api at [${POWERTOOLS(3)}, ${layerArn('deps', 1)}, ${layerArn('shared-code', 4)}] (now [${layerArn('deps', 1)}, ${layerArn('shared-code', 4)}]); pinned external layers applied: ${POWERTOOLS(3)}`,
    );
    expect(updates()).toEqual([]);
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api');
    expect(result.code).toBe(0);
    expect(fake.functions.get(FUNCTIONS[0])!.layers).toEqual([POWERTOOLS(3), layerArn('deps', 1), layerArn('shared-code', 4)]);
    const published = lambda.commandCalls(PublishVersionCommand).map((c) => c.args[0].input.Description);
    expect(published).toEqual([expect.stringContaining('layers=AWSLambdaPowertoolsPythonV3-python312-x86_64:3,bookshelf-staging-deps:1,bookshelf-staging-shared-code:4')]);
  });

  test('a publish sets the whole list: a layer attached by hand is removed, and the version holds none of it', async () => {
    const byHand = `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:attached-by-hand:2`;
    fake.functions.get(FUNCTIONS[0])!.layers = [layerArn('deps', 1), byHand, layerArn('shared-code', 4)];
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api');
    expect(result.code).toBe(0);
    expect(fake.functions.get(FUNCTIONS[0])!.layers).toEqual([layerArn('deps', 1), layerArn('shared-code', 4)]);
    expect(result.out).toContain(`bookshelf-staging-api: now on [${layerArn('deps', 1)}, ${layerArn('shared-code', 4)}]`);
    const published = lambda.commandCalls(PublishVersionCommand).map((c) => c.args[0].input.Description);
    expect(published).toEqual([expect.stringContaining('layers=bookshelf-staging-deps:1,bookshelf-staging-shared-code:4')]);
  });

  test('a publish applies a pin moved in the order, and one removed from envs/', async () => {
    pinPowertools(3);
    fake.functions.get(FUNCTIONS[0])!.layers = [layerArn('deps', 1), layerArn('shared-code', 4), POWERTOOLS(3)];
    fake.functions.get(FUNCTIONS[1])!.layers = [POWERTOOLS(3), layerArn('deps', 1), layerArn('shared-code', 4)];
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api,analysis-worker');
    expect(result.code).toBe(0);
    // the api's pin now comes first; the analysis worker no longer pins Powertools
    expect(fake.functions.get(FUNCTIONS[0])!.layers).toEqual([POWERTOOLS(3), layerArn('deps', 1), layerArn('shared-code', 4)]);
    expect(fake.functions.get(FUNCTIONS[1])!.layers).toEqual([layerArn('deps', 1), layerArn('shared-code', 4)]);
    expect(updates().map((update) => update.FunctionName).sort()).toEqual([FUNCTIONS[0], FUNCTIONS[1]].sort());
  });

  test('a publish leaves alone a function whose layers are already the manifest\'s', async () => {
    const result = await release('functions', 'publish', '--env', 'staging', '--functions', 'api');
    expect(result.code).toBe(0);
    expect(updates()).toEqual([]);
  });

  test('a layer rollback applies them too; a function lacking a built layer gets its latest version', async () => {
    pinPowertools(3);
    fake.functions.get(FUNCTIONS[0])!.layers = [layerArn('deps', 5)];
    lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
    lambda.on(ListLayerVersionsCommand, { LayerName: 'bookshelf-staging-shared-code' }).resolves({ LayerVersions: [{ Version: 9, LayerVersionArn: layerArn('shared-code', 9) }] });
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `[dry run] would point bookshelf-staging-api at [${POWERTOOLS(3)}, ${layerArn('deps', 3)}, ${layerArn('shared-code', 9)}] (now [${layerArn('deps', 5)}]); pinned external layers applied: ${POWERTOOLS(3)}`,
    );
    expect(updates()).toEqual([]);
    expect((await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3')).code).toBe(0);
    expect(fake.functions.get(FUNCTIONS[0])!.layers).toEqual([POWERTOOLS(3), layerArn('deps', 3), layerArn('shared-code', 9)]);
    // once per step that needs it (the dry run's rollback and its publish, the real rollback), never per function
    expect(lambda.commandCalls(ListLayerVersionsCommand)).toHaveLength(3);
  });
});

describe('layer release', () => {
  test('--dry-run when the build changed: exit 0, and says what it would build, publish and move', async () => {
    lambda.on(ListLayerVersionsCommand).resolves({ LayerVersions: [{ Version: 6, Description: 'content-hash=older', LayerVersionArn: layerArn('deps', 6) }] });
    const result = await release('layer', 'release', '--env', 'staging', '--layer', 'deps', '--dry-run');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^\[dry run\] would build bookshelf-staging-deps and upload it to s3:\/\/bookshelf-artifacts-staging\/layers\//);
    expect(lines[1]).toMatch(/^\[dry run\] would publish a new version of bookshelf-staging-deps from s3:\/\//);
    const upcoming = `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps:<new version>`;
    expect(lines.slice(2)).toEqual(
      FUNCTIONS.map((name) => `[dry run] would point ${name} at [${upcoming}, ${layerArn('shared-code', 4)}] (now [${layerArn('deps', 1)}, ${layerArn('shared-code', 4)}])`),
    );
    expect(installs).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    expect(lambda.commandCalls(PublishLayerVersionCommand)).toEqual([]);
    expect(updates()).toEqual([]);
  });
});

describe('functions update --package, unchanged code', () => {
  test('a second update with the same package uploads nothing and updates no function', async () => {
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, deterministicZip([{ path: 'app/main.py', content: 'def handler(event, context):\n    return {}\n' }]));
    expect((await release('functions', 'update', '--env', 'staging', '--package', zip)).code).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(FUNCTIONS.length);
    lambda.resetHistory();
    s3.resetHistory();
    const again = await release('functions', 'update', '--env', 'staging', '--package', zip);
    expect(again.code).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    const sha = createHash('sha256').update(fs.readFileSync(zip)).digest('base64');
    expect(again.out.split('\n')).toEqual(FUNCTIONS.map((name) => `${name}: already up to date (it runs this package, CodeSha256 ${sha})`));
  });

  test('a package already in the bucket is not uploaded again', async () => {
    const bytes = deterministicZip([{ path: 'app/main.py', content: 'x = 2\n' }]);
    const zip = path.join(root, 'backend.zip');
    fs.writeFileSync(zip, bytes);
    const hash = createHash('sha256').update(bytes).digest('hex');
    for (const name of FUNCTIONS) fake.objects.set(`functions/${name}/${hash}.zip`, bytes);
    expect((await release('functions', 'update', '--env', 'staging', '--package', zip)).code).toBe(0);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(FUNCTIONS.length);
  });
});

describe('rollback', () => {
  test('points the functions back at an earlier version, kept by skip_destroy', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3');
    expect(result.code).toBe(0);
    expect(lambda.commandCalls(GetLayerVersionCommand)[0].args[0].input).toEqual({
      LayerName: `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps`,
      VersionNumber: 3,
    });
    expect(updates().map((u) => u.Layers)).toEqual(FUNCTIONS.map(() => [layerArn('deps', 3), layerArn('shared-code', 4)]));
    expect(lambda.commandCalls(UpdateAliasCommand).map((c) => [c.args[0].input.FunctionName, c.args[0].input.FunctionVersion])).toEqual(
      FUNCTIONS.map((name) => [name, '2']),
    );
  });

  test('reports the rollback once the functions are back, not before', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3', '--concurrency', '1');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    const rolledBack = lines.indexOf('bookshelf-staging-deps: rolled back to version 3');
    // after every function is back on the layer version, before the publish and the alias moves
    const lastLayerMove = Math.max(...FUNCTIONS.map((name) => lines.findIndex((line) => line.startsWith(`${name}: now on`))));
    const firstPublish = lines.findIndex((line) => / published version |unchanged since version /.test(line));
    expect(lastLayerMove).toBeGreaterThanOrEqual(0);
    expect(rolledBack).toBeGreaterThan(lastLayerMove);
    expect(firstPublish).toBeGreaterThan(rolledBack);
    expect(lines.filter((line) => line.includes('rolled back'))).toHaveLength(1);

    fake.failing.add(FUNCTIONS[1]);
    lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 4), Version: 4 });
    const failed = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '4', '--concurrency', '1');
    expect(failed.code).toBe(1);
    expect(failed.out).not.toMatch(/roll(ed)? .*back/);
  });

  test('refuses a version that does not exist', async () => {
    lambda.on(GetLayerVersionCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '2');
    expect(result.code).toBe(1);
    expect(result.err).toContain('--to-version 2: bookshelf-staging-deps has no version 2 (deleted, or never published)');
    expect(updates()).toEqual([]);
  });

  test('--dry-run changes nothing', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ LayerVersionArn: layerArn('deps', 3), Version: 3 });
    const result = await release('rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '3', '--dry-run');
    expect(result.code).toBe(0);
    expect(updates()).toEqual([]);
    expect([...lambda.commandCalls(PublishVersionCommand), ...lambda.commandCalls(UpdateAliasCommand)]).toEqual([]);
    expect(result.out).toContain('[dry run] would roll bookshelf-staging-deps back to version 3');
  });
});

describe('command line', () => {
  test.each([
    [['deploy', '--env', 'staging'], 'unknown command "deploy"; commands: layer build, layer publish, layer release, functions update, functions package, functions publish, functions promote, rollback'],
    [['layer', 'build', '--layer', 'deps'], '--env is required'],
    [['functions', 'update', '--env', 'staging'], 'functions update needs --layer <key> or --package <zip>'],
    [['rollback', '--env', 'staging', '--layer', 'deps'], 'rollback needs --to-version <n>, the layer version to go back to'],
  ])('%j is a usage error', async (argv, message) => {
    const result = await release(...argv);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(message);
  });

  test('LAMBDA_FLEET_LOCAL_AWS_ENDPOINT sends every call to the emulator, and must be on loopback', async () => {
    const regions: [string, string | undefined][] = [];
    const run = (endpoint: string) =>
      runRelease(['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '1', '--dry-run'], {
        root,
        env: { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: endpoint },
        clients: (region, localEndpoint) => {
          regions.push([region, localEndpoint]);
          return { lambda: new LambdaClient({ region }), s3: new S3Client({ region }), sts: new STSClient({ region }), cloudwatch: new CloudWatchClient({ region }) };
        },
        out: () => undefined,
        err: (line) => errors.push(line),
      });
    const errors: string[] = [];
    lambda.on(GetLayerVersionCommand).resolves({ Version: 1, LayerVersionArn: layerArn('deps', 1) });
    expect(await run('http://127.0.0.1:5000')).toBe(0);
    expect(regions).toEqual([['us-west-2', 'http://127.0.0.1:5000']]);
    expect(await run('https://lambda.us-west-2.amazonaws.com')).toBe(2);
    expect(errors[0].split('\n')[0]).toBe(
      'LAMBDA_FLEET_LOCAL_AWS_ENDPOINT = "https://lambda.us-west-2.amazonaws.com": must be http://127.0.0.1:<port>, http://localhost:<port> or http://[::1]:<port> (port 1 to 65535): the override is for an emulator on this machine only',
    );
    expect(regions).toHaveLength(1);
  });

  test('the default clients call the emulator, S3 by path', async () => {
    const { lambda: l, s3: s } = awsClients('us-west-2', 'http://127.0.0.1:5000');
    expect(await l.config.endpoint!()).toMatchObject({ hostname: '127.0.0.1', port: 5000, protocol: 'http:' });
    expect(s.config.forcePathStyle).toBe(true);
    expect(awsClients('us-west-2').lambda.config.endpoint).toBeUndefined();
  });

  test.each([['a run'], ['a dry run']])("%s with another account's credentials is refused before any other call", async (run) => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    const argv = ['rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '1', ...(run === 'a dry run' ? ['--dry-run'] : [])];
    const result = await release(...argv);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "release rollback failed: the AWS credentials belong to account 222222222222, not to staging's account 111111111111 " +
        "(the manifest's accountId): a release changes only its environment's own account; nothing was done",
    );
    expect([...lambda.calls(), ...s3.calls()]).toEqual([]);
  });

  test('an unknown layer is named with the ones there are', async () => {
    const result = await release('layer', 'build', '--env', 'staging', '--layer', 'dependencies');
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe('--layer = "dependencies": must be a layer of staging: deps, shared-code');
  });
});
