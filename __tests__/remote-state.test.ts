import * as fs from 'node:fs';
import * as path from 'node:path';
import { staging } from '../envs/staging';
import { stateKey } from '../stacks/environment-config';
import { createBackend, getObject, lockIds, putObject } from './support/local-aws';
import { emulatorEnvironment, Moto, startMoto } from './support/moto';
import { Finished, killAll, run, start, waitWhileRunning } from './support/processes';
import { tempDir } from './support/synth';
import { synthesize } from '../synth/synthesize';

jest.setTimeout(600_000);

const root = path.resolve(__dirname, '..');
const scratch = tempDir('remote-state');
const outdir = path.join(scratch, 'cdktf.out');
const stackDir = path.join(outdir, 'stacks', 'staging');
const bucket = staging.backend.bucket;
const table = staging.backend.dynamodbTable!;
const lockId = `${bucket}/${stateKey(staging)}`;
const seeded = { lineage: 'seeded-by-the-remote-state-test', serial: 7 };

let aws: Moto;

/** Terraform and the app talk to the emulator only, with throwaway credentials. */
function env(): NodeJS.ProcessEnv {
  return emulatorEnvironment({
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: aws.endpoint,
    LAMBDA_FLEET_GENERATED_DIR: path.join(scratch, 'generated'),
  });
}

function terraform(args: string[], cwd = stackDir, timeoutMs = 180_000) {
  return run('terraform', [...args, '-no-color'], { cwd, env: env(), timeoutMs });
}

/** Another engineer's working directory for the same stack: synthesized and initialised on its own. */
const secondDir = path.join(scratch, 'second', 'stacks', 'staging');

async function state(): Promise<any> {
  const body = await getObject(aws.endpoint, bucket, stateKey(staging));
  if (body === undefined) throw new Error('the state object is gone');
  return JSON.parse(body);
}

beforeAll(async () => {
  // The emulator serves staging's account: the provider's account check passes.
  aws = await startMoto(staging.accountId);
  await createBackend(aws.endpoint, staging.region, bucket, table);
  // Existing remote state, with an output the configuration does not have: a plan that read it
  // says it will remove that output.
  await putObject(
    aws.endpoint,
    bucket,
    stateKey(staging),
    JSON.stringify({
      version: 4,
      terraform_version: '1.11.4',
      serial: seeded.serial,
      lineage: seeded.lineage,
      outputs: { seeded_by_test: { value: 'remote state was read', type: 'string' } },
      resources: [],
      check_results: null,
    }),
  );
  const imports = path.join(scratch, 'no-imports');
  fs.mkdirSync(imports);
  synthesize([staging], { outdir: path.join(scratch, 'second'), env: { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: aws.endpoint }, importsDirectory: imports });
  const init = await terraform(['init', '-input=false'], secondDir);
  if (init.status !== 0) throw new Error(`terraform init of the second working directory failed:\n${init.output}`);
});

afterAll(async () => {
  killAll();
  await aws?.stop();
});

describe('cdktf diff staging, with a second plan started while the diff holds the lock', () => {
  let diff: Finished;
  let second: Finished;
  beforeAll(async () => {
    const running = start('npx', ['cdktf', 'diff', 'staging', '--skip-provider-lock', '--output', outdir], { cwd: root, env: env() });
    await waitWhileRunning(running, 'the diff took the lock', async () => (await lockIds(aws.endpoint, table)).includes(lockId), 300_000);
    second = await terraform(['plan', '-input=false', '-lock-timeout=0s'], secondDir);
    diff = await running.finished;
  });

  test('the diff runs end to end: remote state read, lock taken and released', async () => {
    const output = diff.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    if (diff.status !== 0) throw new Error(`cdktf diff failed (exit ${diff.status}):\n${output}`);
    expect(output).toContain('seeded_by_test'); // the seeded output is to be removed: state was read
    expect(output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(await lockIds(aws.endpoint, table)).not.toContain(lockId);
  });

  test('the second plan is refused with the lock error; the state stays intact', async () => {
    expect(second.status).not.toBe(0);
    expect(second.output).toContain('Error acquiring the state lock');
    const after = await state();
    expect(after.lineage).toBe(seeded.lineage);
    expect(after.serial).toBeGreaterThanOrEqual(seeded.serial);
    expect(await lockIds(aws.endpoint, table)).not.toContain(lockId);
  });
});

test('a run killed while holding the lock leaves it stale; force-unlock recovers', async () => {
  const killed = start('terraform', ['plan', '-input=false', '-no-color'], { cwd: stackDir, env: env() });
  await waitWhileRunning(killed, 'the plan took the lock', async () => (await lockIds(aws.endpoint, table)).includes(lockId), 120_000);
  killed.kill('SIGKILL');
  await killed.finished;
  expect(await lockIds(aws.endpoint, table)).toContain(lockId);

  const refused = await terraform(['plan', '-input=false', '-lock-timeout=0s']);
  expect(refused.status).not.toBe(0);
  expect(refused.output).toContain('Error acquiring the state lock');
  expect(refused.output).toContain('Lock Info:');
  expect(refused.output).toContain('OperationTypePlan');
  const id = refused.output.match(/ID:\s+([0-9a-f-]{36})/)?.[1];
  expect(id).toBeDefined();

  const unlocked = await terraform(['force-unlock', '-force', id!]);
  expect(unlocked.status).toBe(0);
  expect(await lockIds(aws.endpoint, table)).not.toContain(lockId);
  const planned = await terraform(['plan', '-input=false', '-lock-timeout=0s']);
  expect(planned.status).toBe(0);
  expect((await state()).lineage).toBe(seeded.lineage);
});

test('staging and prod never share a state object or a lock entry', () => {
  const backends = ['staging', 'prod'].map(
    (name) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')).terraform.backend.s3,
  );
  const lockEntries = backends.map((b) => `${b.bucket}/${b.key}`);
  expect(lockEntries[0]).toBe(lockId);
  expect(lockEntries[1]).not.toBe(lockEntries[0]);
  expect(backends[1].key).not.toBe(backends[0].key);
});
