import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  ListEventSourceMappingsCommand,
  ListLayerVersionsCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { GetBucketVersioningCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { deterministicZip } from '../../core/deterministic-zip';
import { EnvironmentConfig, stateKey } from '../../stacks/environment-config';
import { environments } from '../../envs/index';
import { synthesize } from '../../synth/synthesize';
import { lockIds } from './local-aws';
import { emulatorClients, emulatorEnvironment, Moto, PlannedChange, startMoto, withoutMotoGaps } from './moto';
import { Finished, killAll, run, start, waitWhileRunning } from './processes';
import { parseReleaseManifest } from '../../contract/release-manifest';
import { tempDir } from './synth';

const repo = path.resolve(__dirname, '..', '..');

/**
 * The whole lifecycle of one environment against an AWS API emulator serving its account, with
 * the real AWS provider, the real cdktf CLI and the project's own release command, in order:
 * bootstrap (terraform apply of the synthesized stack) → cdktf deploy → clean plan → CI release
 * → clean plan → publish and promote → (with `aliasMoves`) a canary stopped by its errors alarm,
 * clean plans during and after, and rollbacks by alias → a layer rollback → clean plan → drift shows exactly → a held lock refuses a second run
 * → destroy keeps layer versions and the state bucket → destroying the bootstrap stack is refused. Each step is a test; a step fails the ones
 * after it (jest runs them in order, and each needs the one before).
 */
export function describeLifecycle(
  config: EnvironmentConfig,
  /**
   * Also a canary stopped by its alarm and rollbacks by alias: the release command's own logic,
   * the same in every environment, so one environment's suite runs them.
   */
  { aliasMoves = false }: { readonly aliasMoves?: boolean } = {},
): void {
  const scratch = tempDir(`lifecycle-${config.name}`);
  const outdir = path.join(scratch, 'cdktf.out');
  const stackDir = path.join(outdir, 'stacks', config.name);
  const bootstrapDir = path.join(outdir, 'stacks', `bootstrap-${config.name}`);
  // Where the release command runs, as in CI: the manifest synth wrote, and the build inputs.
  const releaseRoot = path.join(scratch, 'repository');
  const importsDirectory = path.join(scratch, 'imports');
  const region = config.region;
  const stateBucket = config.backend.bucket;
  const fn = (key: string) => config.functions?.[key]?.functionName ?? `${config.namePrefix}-${key}`;
  const layerName = (key: string) => config.layers?.[key]?.layerName ?? `${config.namePrefix}-${key}`;
  const functionKeys = Object.keys(config.functions ?? {});
  const layerKeys = Object.keys(config.layers ?? {});

  let moto: Moto;
  let clients: ReturnType<typeof emulatorClients>;
  let failed = false;
  const env = () =>
    emulatorEnvironment({
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: moto.endpoint,
      // A fresh account: no import file of the checkout applies (an empty directory).
      LAMBDA_FLEET_IMPORTS_DIR: importsDirectory,
    });

  /** A step; after a failed one the rest are failed too, saying why, instead of piling up errors. */
  const step = (name: string, body: () => Promise<void>, timeoutMs = 300_000) =>
    test(
      name,
      async () => {
        if (failed) throw new Error('an earlier step of the lifecycle failed');
        try {
          await body();
        } catch (error) {
          failed = true;
          throw error;
        }
      },
      timeoutMs,
    );

  const cdktf = (args: string[]) => run('npx', ['cdktf', ...args, '--skip-provider-lock', '--output', outdir], { cwd: repo, env: env(), timeoutMs: 300_000 });
  const terraform = (args: string[], cwd = stackDir) => run('terraform', [...args, '-no-color'], { cwd, env: env(), timeoutMs: 300_000 });
  const releaseCommand = (args: readonly string[]) => [
    path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    path.join(repo, 'release', 'cli.ts'),
    ...args,
    '--env',
    config.name,
  ];
  // pip installs from the local wheel only: no index, no network.
  const releaseEnv = () => ({ ...env(), PIP_NO_INDEX: '1', PIP_FIND_LINKS: path.join(scratch, 'wheels'), PIP_DISABLE_PIP_VERSION_CHECK: '1' });
  const release = (...args: string[]) => run(process.execPath, releaseCommand(args), { cwd: releaseRoot, env: releaseEnv(), timeoutMs: 300_000 });
  const ok = (what: string, result: Finished) => {
    if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.output}`);
    return result;
  };

  /**
   * `terraform plan`: what it would change, by address and action, from its JSON plan, without
   * what moto cannot store (see MOTO_GAPS).
   */
  const plannedChanges = async (planned?: Finished): Promise<PlannedChange[]> => {
    ok('terraform plan', planned ?? (await terraform(['plan', '-input=false', '-lock-timeout=30s', '-out=lifecycle.tfplan'])));
    const shown = ok('terraform show', await terraform(['show', '-json', 'lifecycle.tfplan']));
    const plan = JSON.parse(shown.output);
    const changes: PlannedChange[] = (plan.resource_changes ?? [])
      .filter((change: any) => !change.change.actions.every((action: string) => action === 'no-op' || action === 'read'))
      .map((change: any) => ({
        address: change.address,
        actions: change.change.actions,
        changed: Object.keys({ ...change.change.before, ...change.change.after })
          .filter((key) => JSON.stringify(change.change.before?.[key]) !== JSON.stringify(change.change.after?.[key]))
          .sort(),
      }));
    return withoutMotoGaps(changes);
  };
  /**
   * A plan with no changes: exit code 0 of `-detailed-exitcode` (2 is "changes", 1 an error), or
   * changes that are all moto's gaps (see MOTO_GAPS).
   */
  const expectCleanPlan = async () => {
    const plan = await terraform(['plan', '-input=false', '-lock-timeout=30s', '-detailed-exitcode', '-out=lifecycle.tfplan']);
    if (plan.status === 0) return;
    if (plan.status !== 2 || (await plannedChanges({ ...plan, status: 0 })).length > 0) {
      throw new Error(`the plan is not clean (exit ${plan.status}):\n${plan.output}`);
    }
  };
  /**
   * The triggers the config declares exist in the emulator: each queue sends to its dead-letter
   * queue after maxReceiveCount receives, each consumer polls its queues, each schedule targets
   * the function's alias.
   */
  const expectWiring = async () => {
    const queueName = (key: string) => config.queues?.[key]?.queueName ?? `${config.namePrefix}-${key}`;
    for (const key of Object.keys(config.queues ?? {})) {
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName(key) }));
      const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
      expect([key, JSON.parse(Attributes!.RedrivePolicy!)]).toEqual([
        key,
        { deadLetterTargetArn: `arn:aws:sqs:${region}:${config.accountId}:${queueName(key)}-dlq`, maxReceiveCount: config.queues![key].maxReceiveCount ?? 5 },
      ]);
    }
    // moto keeps a mapping under the version its alias pointed to (see MOTO_GAPS): all of them, by function.
    const { EventSourceMappings: mappings = [] } = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
    for (const key of functionKeys) {
      const functionArn = `arn:aws:lambda:${region}:${config.accountId}:function:${fn(key)}`;
      const polled = mappings.filter((mapping) => mapping.FunctionArn?.split(':').slice(0, 7).join(':') === functionArn).map((mapping) => mapping.EventSourceArn).sort();
      const declared = (config.functions![key].eventSources ?? []).map((source) => (source.queue.startsWith('arn:') ? source.queue : `arn:aws:sqs:${region}:${config.accountId}:${queueName(source.queue)}`));
      expect([key, polled]).toEqual([key, declared.sort()]);
      const schedules = [...Object.keys(config.functions![key].schedules ?? {}), ...(config.functions![key].cleanup?.schedule ? ['cleanup'] : [])];
      for (const schedule of schedules) {
        const found = await clients.scheduler.send(new GetScheduleCommand({ Name: `${fn(key)}-${schedule}` }));
        expect([key, found.Target?.Arn]).toEqual([key, `arn:aws:lambda:${region}:${config.accountId}:function:${fn(key)}:${config.functions![key].alias ?? 'live'}`]);
      }
    }
  };
  const configuration = (name: string) => clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const layerVersions = async (key: string) =>
    ((await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName(key) }))).LayerVersions ?? []).map((v) => v.Version).sort();
  const state = async () => {
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: stateBucket, Key: stateKey(config) }));
    return JSON.parse(await object.Body!.transformToString());
  };
  /** The layer version ARNs every function should run, in the manifest's (the config's) order. */
  const expectedLayers = (versions: Record<string, number>) =>
    Object.fromEntries(
      functionKeys.map((key) => [
        fn(key),
        (config.functions![key].layers ?? []).map((ref) => `arn:aws:lambda:${region}:${config.accountId}:layer:${layerName(ref)}:${versions[ref]}`),
      ]),
    );
  /** Where each function's alias points: its version and the weights of a canary. */
  const aliases = async () =>
    Object.fromEntries(
      await Promise.all(
        functionKeys.map(async (key) => {
          const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: fn(key), Name: config.functions![key].alias ?? 'live' }));
          return [key, { version: alias.FunctionVersion, weights: alias.RoutingConfig?.AdditionalVersionWeights ?? {} }];
        }),
      ),
    );
  const everyAlias = (version: string, weights: Record<string, number> = {}) => Object.fromEntries(functionKeys.map((key) => [key, { version, weights }]));
  const manifest = () => {
    const file = path.join(releaseRoot, 'generated', 'stacks', config.name, 'release-manifest.json');
    return parseReleaseManifest(fs.readFileSync(file, 'utf8'), file);
  };
  const actualLayers = async () =>
    Object.fromEntries(await Promise.all(functionKeys.map(async (key) => [fn(key), ((await configuration(fn(key))).Layers ?? []).map((l) => l.Arn)])));

  beforeAll(async () => {
    moto = await startMoto(config.accountId);
    clients = emulatorClients(moto.endpoint, region);
    writeReleaseInputs(releaseRoot, path.join(scratch, 'wheels'));
  });

  afterAll(async () => {
    killAll();
    clients?.destroy();
    await moto?.stop();
  });

  step('bootstrap: the state bucket, the lock table and the artifacts bucket', async () => {
    // As a plain-Terraform pipeline applies it: the synthesized stack, with terraform itself.
    fs.mkdirSync(importsDirectory, { recursive: true });
    synthesize(environments, { outdir, env: { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: moto.endpoint }, importsDirectory });
    ok('terraform init (bootstrap)', await terraform(['init', '-input=false'], bootstrapDir));
    ok('terraform apply (bootstrap)', await terraform(['apply', '-auto-approve', '-input=false'], bootstrapDir));
    for (const bucket of [stateBucket, config.artifactsBucket]) {
      await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
      expect((await clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    }
  });

  step('cdktf deploy with remote state in the emulator: queues with their dead-letter queues, consumers and schedules wired; an immediate plan is clean', async () => {
    ok('cdktf deploy', await cdktf(['deploy', config.name, '--auto-approve']));
    expect((await state()).resources.length).toBeGreaterThan(0);
    const names = ((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName).sort();
    expect(names).toEqual(functionKeys.map(fn).sort());
    await expectWiring();
    await expectCleanPlan();
  });

  const codePackage = deterministicZip([{ path: 'app/main.py', content: 'def handler(event, context):\n    return {"released": True}\n' }]);

  step('a CI release through the release command: both layers built and published, code released; plan stays clean', async () => {
    fs.mkdirSync(path.join(releaseRoot, 'generated', 'stacks', config.name), { recursive: true });
    fs.copyFileSync(path.join(stackDir, 'release-manifest.json'), path.join(releaseRoot, 'generated', 'stacks', config.name, 'release-manifest.json'));
    for (const key of layerKeys) ok(`release layer ${key}`, await release('layer', 'release', '--layer', key));
    fs.writeFileSync(path.join(releaseRoot, 'backend.zip'), codePackage);
    ok('release code', await release('functions', 'update', '--package', 'backend.zip'));

    for (const key of layerKeys) expect(await layerVersions(key)).toEqual([1, 2]);
    expect(await actualLayers()).toEqual(expectedLayers(Object.fromEntries(layerKeys.map((key) => [key, 2]))));
    const sha = createHash('sha256').update(codePackage).digest('base64');
    for (const key of functionKeys) expect([key, (await configuration(fn(key))).CodeSha256]).toEqual([key, sha]);
    await expectCleanPlan();
  });

  step('publish and promote: every alias moves from the placeholder (version 1) to the release (version 2); plan stays clean', async () => {
    expect(await aliases()).toEqual(everyAlias('1'));
    ok('functions publish', await release('functions', 'publish'));
    ok('functions promote', await release('functions', 'promote'));
    expect(await aliases()).toEqual(everyAlias('2'));
    const sha = createHash('sha256').update(codePackage).digest('base64');
    for (const key of functionKeys) {
      expect([key, (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn(key), Qualifier: '2' }))).CodeSha256]).toEqual([key, sha]);
    }
    await expectCleanPlan();
  });

  if (aliasMoves) {
    step('a canary stopped by its errors alarm: every alias back on version 2 with no weights; the plan is clean during the canary and after', async () => {
      fs.writeFileSync(path.join(releaseRoot, 'backend.zip'), deterministicZip([{ path: 'app/main.py', content: 'def handler(event, context):\n    raise RuntimeError("bad release")\n' }]));
      ok('release code', await release('functions', 'update', '--package', 'backend.zip'));
      ok('functions publish', await release('functions', 'publish'));
      // Long enough that only the alarm can end it: the command reads the alarms every 15 s.
      const canary = start(process.execPath, releaseCommand(['functions', 'promote', '--canary', '50', '--interval', '1h']), { cwd: releaseRoot, env: releaseEnv() });
      await waitWhileRunning(canary, 'half the traffic on version 3', async () => JSON.stringify(await aliases()) === JSON.stringify(everyAlias('2', { '3': 0.5 })), 120_000);
      // An apply during a canary would cancel it unless routing_config is CI's: the plan shows nothing.
      await expectCleanPlan();
      const [watched] = manifest().functions[functionKeys[0]].alarms;
      await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: watched, StateValue: 'ALARM', StateReason: 'Threshold Crossed: errors on the canary' }));
      const stopped = await canary.finished;
      expect(stopped.status).toBe(1);
      expect(stopped.output).toContain(watched);
      expect(stopped.output).toContain('Threshold Crossed: errors on the canary');
      expect(await aliases()).toEqual(everyAlias('2'));
      await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: watched, StateValue: 'OK', StateReason: 'the test is over' }));
      await expectCleanPlan();
    });

    step('rollback by alias: one function to a version, then back with --previous; plan stays clean', async () => {
      const [first] = functionKeys;
      ok('rollback --to-version', await release('rollback', '--function', first, '--to-version', '1'));
      expect((await aliases())[first]).toEqual({ version: '1', weights: {} });
      ok('rollback --to-version', await release('rollback', '--function', 'all', '--to-version', '3'));
      expect(await aliases()).toEqual(everyAlias('3'));
      ok('rollback --previous', await release('rollback', '--function', 'all', '--previous'));
      expect(await aliases()).toEqual(everyAlias('2'));
      await expectCleanPlan();
    });
  }

  step('rollback of a layer: every function back on version 1, published and live; plan stays clean', async () => {
    const [first] = layerKeys;
    // $LATEST still runs the failing code of version 3: a layer rollback publishes it too. Code first.
    fs.writeFileSync(path.join(releaseRoot, 'backend.zip'), codePackage);
    ok('release code', await release('functions', 'update', '--package', 'backend.zip'));
    ok('rollback', await release('rollback', '--layer', first, '--to-version', '1'));
    const expected = expectedLayers(Object.fromEntries(layerKeys.map((key) => [key, key === first ? 1 : 2])));
    expect(await actualLayers()).toEqual(expected);
    // the alias runs it: a published version with those layers
    const live = await aliases();
    for (const key of functionKeys) {
      expect(live[key].weights).toEqual({});
      const version = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn(key), Qualifier: live[key].version }));
      expect([key, (version.Layers ?? []).map((l) => l.Arn)]).toEqual([key, expected[fn(key)]]);
    }
    await expectCleanPlan();
  });

  step('out-of-band drift on what Terraform owns (memory, a role policy, DRY_RUN): the plan shows exactly that', async () => {
    const [sized] = functionKeys;
    const cleanupKey = functionKeys.find((key) => config.functions![key].cleanup !== undefined)!;
    await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn(sized), MemorySize: 2048 }));
    const variables = (await configuration(fn(cleanupKey))).Environment?.Variables ?? {};
    expect(variables.DRY_RUN).toBe('true');
    await clients.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: fn(cleanupKey), Environment: { Variables: { ...variables, DRY_RUN: 'false' } } }),
    );
    const role = fn(sized);
    const logs = await clients.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'logs' }));
    const widened = JSON.parse(decodeURIComponent(logs.PolicyDocument!));
    widened.Statement[0].Resource = '*';
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'logs', PolicyDocument: JSON.stringify(widened) }));

    // With publish on (set when Terraform created them), the provider publishes a version after
    // updating a function: its version and qualified ARNs are known after the apply. The aliases
    // are not in the plan: which version they point to is CI's.
    const publishes = ['qualified_arn', 'qualified_invoke_arn', 'version'];
    expect(await plannedChanges()).toEqual(
      [
        { address: `aws_iam_role_policy.${sized}_logs_policy`, actions: ['update'], changed: ['policy'] },
        { address: `aws_lambda_function.${cleanupKey}_function`, actions: ['update'], changed: ['environment', ...publishes] },
        { address: `aws_lambda_function.${sized}_function`, actions: ['update'], changed: ['memory_size', ...publishes] },
      ].sort((a, b) => a.address.localeCompare(b.address)),
    );
  });

  step("a held lock refuses a second run with Terraform's lock error; serial and lineage stay intact", async () => {
    const before = await state();
    const table = config.backend.dynamodbTable!;
    const lockId = `${stateBucket}/${stateKey(config)}`;
    // The second run is another engineer's, from a working directory of its own: the same
    // synthesized stack, initialised there.
    const secondDir = path.join(scratch, 'second', config.name);
    fs.cpSync(stackDir, secondDir, { recursive: true, filter: (source) => !/[\\/]\.terraform$|\.tfplan$/.test(source) });
    ok('terraform init (second working directory)', await terraform(['init', '-input=false'], secondDir));
    // `terraform console` holds the state lock for as long as its input stays open: a run that
    // holds the lock exactly as long as the test needs, whatever the machine's speed.
    const holder = start('terraform', ['console', '-no-color'], { cwd: stackDir, env: env(), stdin: 'pipe' });
    await waitWhileRunning(holder, 'the console took the lock', async () => (await lockIds(moto.endpoint, table)).includes(lockId), 120_000);
    const second = await terraform(['apply', '-auto-approve', '-input=false', '-lock-timeout=0s'], secondDir);
    holder.child.stdin!.end();
    const held = await holder.finished;
    expect(second.status).not.toBe(0);
    expect(second.output).toContain('Error acquiring the state lock');
    expect(second.output).toMatch(/Lock Info:[\s\S]*Who:/);
    expect(held.status).toBe(0);
    const after = await state();
    expect({ lineage: after.lineage, serial: after.serial }).toEqual({ lineage: before.lineage, serial: before.serial });
    expect(await lockIds(moto.endpoint, table)).not.toContain(lockId);
  });

  step('destroy removes the functions, keeps every layer version (skip_destroy) and the state bucket', async () => {
    ok('terraform destroy', await terraform(['destroy', '-auto-approve', '-input=false', '-refresh=false']));
    expect((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    for (const key of layerKeys) expect(await layerVersions(key)).toEqual([1, 2]);
    await clients.s3.send(new HeadBucketCommand({ Bucket: stateBucket }));
    expect((await state()).resources).toEqual([]);
  });

  step('destroying the bootstrap stack is refused, and its buckets stay', async () => {
    const refused = await terraform(['destroy', '-auto-approve', '-input=false', '-refresh=false'], bootstrapDir);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('Instance cannot be destroyed');
    for (const bucket of [stateBucket, config.artifactsBucket]) await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  });
}

/**
 * What CI's checkout holds for a release: the example fleet's build inputs (requirements and lock
 * file, shared code), and a wheel for pip to install offline.
 */
function writeReleaseInputs(root: string, wheels: string): void {
  const write = (file: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  };
  write('backend/requirements.txt', 'fleetdep==1.0\n');
  write('backend/poetry.lock', '[[package]]\nname = "fleetdep"\nversion = "1.0"\n');
  write('backend/shared/__init__.py', '');
  write('backend/shared/db.py', 'def connect():\n    return None\n');
  const files = [
    { path: 'fleetdep/__init__.py', content: '__version__ = "1.0"\n' },
    { path: 'fleetdep-1.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: fleetdep\nVersion: 1.0\n' },
    { path: 'fleetdep-1.0.dist-info/WHEEL', content: 'Wheel-Version: 1.0\nGenerator: lifecycle-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n' },
  ];
  const record = [
    ...files.map((f) => `${f.path},sha256=${createHash('sha256').update(f.content).digest('base64url')},${Buffer.byteLength(f.content)}`),
    'fleetdep-1.0.dist-info/RECORD,,',
  ].join('\n');
  fs.mkdirSync(wheels, { recursive: true });
  fs.writeFileSync(
    path.join(wheels, 'fleetdep-1.0-py3-none-any.whl'),
    deterministicZip([...files, { path: 'fleetdep-1.0.dist-info/RECORD', content: `${record}\n` }]),
  );
}
