import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MANIFEST_VERSION, ReleaseManifest, RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { runRelease } from '../release/cli';

// A layer release to N functions against a fake Lambda in this process (an HTTP server the
// release command's real AWS clients call, as they call an emulator): every update runs for
// UPDATE_MS of real time (LastUpdateStatus InProgress), and the fake records how many functions
// were updating at once. Prints one JSON line: the release's time, that maximum, and the requests.
//
//   node --import tsx bench/release-fleet.ts <functions> [<concurrency>]

const count = Number(process.argv[2]);
const concurrency = process.argv[3];
const UPDATE_MS = 1_000;
const ACCOUNT = '333333333333';
const REGION = 'us-west-2';
const layerArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;

/** The fleet: N functions, each attaching the two layers. */
function manifest(): ReleaseManifest {
  const layer = (name: string) => ({
    layerName: `bench-${name}`,
    layerArn: layerArn(`bench-${name}`),
    compatibleRuntimes: ['python3.12'],
    packagePrefix: `layers/bench-${name}/`,
  });
  const functions: Record<string, ReleaseManifest['functions'][string]> = {};
  for (let i = 0; i < count; i++) {
    const functionName = `bench-fn-${String(i).padStart(4, '0')}`;
    functions[`fn-${String(i).padStart(4, '0')}`] = {
      functionName,
      runtime: 'python3.12',
      architecture: 'x86_64',
      layers: [{ layer: 'deps' }, { layer: 'shared-code' }],
      packagePrefix: `functions/${functionName}/`,
      alias: 'live',
      alarms: [],
    };
  }
  return {
    manifestVersion: MANIFEST_VERSION,
    environment: 'bench',
    accountId: ACCOUNT,
    region: REGION,
    artifactsBucket: 'bench-artifacts',
    layers: { deps: { ...layer('deps'), build: { requirementsFile: 'requirements.txt' } }, 'shared-code': layer('shared-code') },
    functions,
  };
}

/** The fake: functions with layers and an update end time; layer versions; the build already uploaded. */
class FakeAws {
  readonly functions = new Map<string, { layers: string[]; updatingUntil: number }>();
  readonly versions = new Map<string, number>([['bench-deps', 1], ['bench-shared-code', 1]]);
  readonly requests: Record<string, number> = {};
  readonly getFunctionPerSecond = new Map<number, number>();
  maxUpdating = 0;
  private readonly started = performance.now();

  constructor(names: readonly string[]) {
    for (const name of names) this.functions.set(name, { layers: [`${layerArn('bench-deps')}:1`, `${layerArn('bench-shared-code')}:1`], updatingUntil: 0 });
  }

  answer(method: string, url: URL, body: string): { status: number; headers?: Record<string, string>; body: string } {
    const now = performance.now();
    const parts = url.pathname.split('/').map(decodeURIComponent);
    const count = (what: string) => (this.requests[what] = (this.requests[what] ?? 0) + 1);
    const json = (value: unknown, status = 200) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    if (parts[1] === '2015-03-31' && parts[2] === 'functions') {
      const name = parts[3];
      const fn = this.functions.get(name)!;
      const configuration = () => ({
        FunctionName: name,
        Layers: fn.layers.map((Arn) => ({ Arn })),
        State: 'Active',
        LastUpdateStatus: now < fn.updatingUntil ? 'InProgress' : 'Successful',
      });
      if (method === 'GET') {
        count('GetFunction');
        const second = Math.floor((now - this.started) / 1000);
        this.getFunctionPerSecond.set(second, (this.getFunctionPerSecond.get(second) ?? 0) + 1);
        return json({ Configuration: configuration() });
      }
      count('UpdateFunctionConfiguration');
      if (now < fn.updatingUntil) {
        return { status: 409, headers: { 'x-amzn-errortype': 'ResourceConflictException' }, body: JSON.stringify({ message: 'An update is in progress' }) };
      }
      fn.layers = (JSON.parse(body) as { Layers: string[] }).Layers;
      fn.updatingUntil = now + UPDATE_MS;
      this.maxUpdating = Math.max(this.maxUpdating, [...this.functions.values()].filter((f) => now < f.updatingUntil).length);
      return json(configuration());
    }
    if (parts[1] === '2018-10-31' && parts[2] === 'layers') {
      const name = parts[3];
      const version = (v: number) => ({ LayerVersionArn: `${layerArn(name)}:${v}`, Version: v, Description: `content-hash=v${v}` });
      if (method === 'GET') {
        count('ListLayerVersions');
        return json({ LayerVersions: [version(this.versions.get(name)!)] });
      }
      count('PublishLayerVersion');
      this.versions.set(name, this.versions.get(name)! + 1);
      return json({ ...version(this.versions.get(name)!), LayerArn: layerArn(name) }, 201);
    }
    if (method === 'HEAD') {
      count('S3 HeadObject');
      return { status: 200, body: '' };
    }
    count('STS GetCallerIdentity');
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    };
  }
}

async function main(): Promise<void> {
  // Throwaway credentials: the fake checks none, and the caller's own must not be used.
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']) delete process.env[name];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_CONFIG_FILE: os.devNull, AWS_SHARED_CREDENTIALS_FILE: os.devNull, AWS_EC2_METADATA_DISABLED: 'true' });

  const fleet = manifest();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-release-'));
  fs.mkdirSync(path.join(root, 'generated', 'stacks', 'bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'generated', 'stacks', 'bench', RELEASE_MANIFEST_FILE), JSON.stringify(fleet, null, 2));
  fs.writeFileSync(path.join(root, 'requirements.txt'), 'httpx==0.27.0\n');

  const fake = new FakeAws(Object.values(fleet.functions).map((fn) => fn.functionName));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = fake.answer(request.method!, new URL(request.url!, 'http://fake'), Buffer.concat(chunks).toString('utf8'));
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const lines: string[] = [];
  const started = performance.now();
  const code = await runRelease(['layer', 'release', '--env', 'bench', '--layer', 'deps', ...(concurrency ? ['--concurrency', concurrency] : [])], {
    root,
    env: { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: endpoint },
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
  });
  const seconds = (performance.now() - started) / 1000;
  server.closeAllConnections();
  server.close();
  fs.rmSync(root, { recursive: true, force: true });

  const moved = [...fake.functions.values()].filter((fn) => fn.layers[0] === `${layerArn('bench-deps')}:2`).length;
  if (code !== 0 || moved !== count) throw new Error(`the release failed (exit ${code}, ${moved} of ${count} functions moved):\n${lines.slice(-20).join('\n')}`);
  const result = {
    count,
    concurrency: concurrency === undefined ? 'default' : Number(concurrency),
    seconds,
    maxUpdating: fake.maxUpdating,
    requests: fake.requests,
    peakGetFunctionPerSecond: Math.max(...fake.getFunctionPerSecond.values()),
    progressLines: lines.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
