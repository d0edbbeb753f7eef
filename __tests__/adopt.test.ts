import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetFunctionCommand, ListLayerVersionsCommand, PublishLayerVersionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { DeleteRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import { runAdopt } from '../adopt/adopt';
import { formatImportsFile, ImportsFile } from '../contract/imports-file';
import { deterministicZip } from '../core/deterministic-zip';
import { LOCAL_AWS_ENDPOINT_VARIABLE } from '../core/local-endpoint';
import { EnvironmentConfig } from '../stacks/environment-config';
import { synthesize } from '../synth/synthesize';
import { HandMadeFleet, makeFleetByHand, makeFrontAndWorkerByHand } from './support/hand-made-fleet';
import { EMULATOR_CREDENTIALS, emulatorClients, Moto, startMoto } from './support/moto';
import { run } from './support/processes';
import { createLockTable } from './support/local-aws';
import { tempDir } from './support/synth';
import { terraform, terraformOk } from './support/terraform';

jest.setTimeout(300_000);

// The SDK's default credentials in this test file, and in every process it starts.
Object.assign(process.env, EMULATOR_CREDENTIALS);

const projectRoot = path.resolve(__dirname, '..');

/** A team's environment whose cleanup function, deps layer and state bucket were made by hand before. */
const sandbox: EnvironmentConfig = {
  name: 'sandbox',
  accountId: '123456789012',
  region: 'eu-west-1',
  namePrefix: 'team-sandbox',
  backend: { bucket: 'team-terraform-state-123456789012', dynamodbTable: 'team-terraform-locks' },
  artifactsBucket: 'team-artifacts-sandbox',
  layers: { deps: { description: 'Python dependencies', compatibleRuntimes: ['python3.12'] } },
  functions: {
    cleanup: {
      handler: 'cleanup.handler',
      layers: ['deps'],
      cloudwatchLogsRetentionInDays: 14,
      cleanup: { bucketName: 'team-images-sandbox', prefix: 'books/', schedule: 'rate(1 day)' },
    },
    api: { handler: 'app.handler', layers: ['deps'] },
  },
};

/** The same environment, but its deps layer now says python3.11: Terraform would replace the layer version. */
const sandboxOn311: EnvironmentConfig = {
  ...sandbox,
  layers: { deps: { description: 'Python dependencies', compatibleRuntimes: ['python3.11'] } },
  functions: { ...sandbox.functions, cleanup: { ...sandbox.functions!.cleanup, runtime: 'python3.11' }, api: { ...sandbox.functions!.api, runtime: 'python3.11' } },
};

/**
 * The same environment with the rest of seed 001's shape: a web function behind an HTTP API, and a
 * worker consuming a job queue (with its dead-letter queue), all made by hand before.
 */
const sandboxWithFront: EnvironmentConfig = {
  ...sandbox,
  httpApis: { public: { routes: { $default: 'web' } } },
  queues: { jobs: {} },
  functions: {
    ...sandbox.functions,
    web: { handler: 'app.handler', layers: ['deps'] },
    worker: { handler: 'app.handler', layers: ['deps'], timeout: 60, eventSources: [{ queue: 'jobs', batchSize: 1 }] },
  },
};

let moto: Moto;
let fleet: HandMadeFleet;

beforeAll(async () => {
  moto = await startMoto(sandbox.accountId);
  fleet = await makeFleetByHand(moto.endpoint, sandbox.region, {
    functionName: 'team-sandbox-cleanup',
    handler: 'cleanup.handler',
    layerName: 'team-sandbox-deps',
    layerDescription: 'Python dependencies',
    runtime: 'python3.12',
    stateBucket: sandbox.backend.bucket,
  });
});

afterAll(async () => {
  await moto?.stop();
});

/** Runs adopt as a function against the emulator, in a project root of its own; its output and exit code. */
async function adopt(root: string, args: string[], environments: readonly EnvironmentConfig[] = [sandbox]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdopt(args, {
    root,
    environments,
    env: { [LOCAL_AWS_ENDPOINT_VARIABLE]: moto.endpoint },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// Read from the emulator, adopt writes the emulator's import file, never the real account's.
const importsFile = (root: string) => path.join(root, 'envs', 'imports', 'sandbox.emulator.json');
const readImports = (root: string): ImportsFile => JSON.parse(fs.readFileSync(importsFile(root), 'utf8'));
const idsByAddress = (file: ImportsFile) => Object.fromEntries(file.imports.map((e) => [`${e.stack} ${e.address}`, e.id]));

describe('npm run adopt, against a fleet made by hand in an AWS API emulator', () => {
  test('writes every existing resource with its import ID, the layer at its latest version; what does not exist is left to the deploy', async () => {
    const root = tempDir('adopt');
    const result = await adopt(root, ['--env', 'sandbox']);
    expect(result).toMatchObject({ code: 0, err: '' });
    const file = readImports(root);
    const ids = idsByAddress(file);
    expect(ids).toMatchObject({
      'sandbox aws_cloudwatch_log_group.cleanup_log_group': '/aws/lambda/team-sandbox-cleanup',
      'sandbox aws_iam_role.cleanup_role': 'team-sandbox-cleanup',
      'sandbox aws_iam_role_policy.cleanup_logs_policy': 'team-sandbox-cleanup:logs',
      'sandbox aws_lambda_function.cleanup_function': 'team-sandbox-cleanup',
      'sandbox aws_lambda_layer_version.deps_layer_version': fleet.layerVersionArns[1],
      'bootstrap-sandbox aws_s3_bucket.state_bucket': sandbox.backend.bucket,
      'bootstrap-sandbox aws_s3_bucket_versioning.state_bucket_versioning': sandbox.backend.bucket,
    });
    expect(fleet.layerVersionArns[1]).toMatch(/:layer:team-sandbox-deps:2$/);
    // Nothing of the API function, the cleanup's scope policy or the lock table exists: the deploy creates them.
    expect(Object.keys(ids).filter((a) => /api_|scope_policy|lock_table/.test(a))).toEqual([]);
    expect(result.out).toContain('create     sandbox aws_lambda_function.api_function: not in the account');
    // The hand-made EventBridge rule is no resource of the stack: its schedule is EventBridge
    // Scheduler's, on the alias, which the deploy creates (the team then removes the rule).
    expect(Object.keys(ids).filter((a) => /event_rule|event_target/.test(a))).toEqual([]);
    expect(result.out).toContain('create     sandbox aws_scheduler_schedule.cleanup_schedules_cleanup: not in the account');
    expect(result.out).toContain('create     sandbox aws_lambda_alias.cleanup_alias: not in the account');
    expect(file.imports.find((e) => e.address === 'aws_lambda_function.cleanup_function')?.note).toBe(
      'function team-sandbox-cleanup (runtime python3.12, 1 layer)',
    );
    expect(file.imports.find((e) => e.address === 'aws_lambda_layer_version.deps_layer_version')?.note).toBe(
      'layer team-sandbox-deps at its latest version, 2 (2 versions)',
    );
    // Deterministic: sorted by stack and address, in the one format.
    expect(fs.readFileSync(importsFile(root), 'utf8')).toBe(formatImportsFile(file));
    expect(file.imports.map((e) => `${e.stack} ${e.address}`)).toEqual(file.imports.map((e) => `${e.stack} ${e.address}`).sort());
  });

  test('is idempotent: a second run keeps the file byte for byte', async () => {
    const root = tempDir('adopt-again');
    expect((await adopt(root, ['--env', 'sandbox'])).code).toBe(0);
    const first = fs.readFileSync(importsFile(root), 'utf8');
    const again = await adopt(root, ['--env', 'sandbox']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('envs/imports/sandbox.emulator.json is up to date');
    expect(fs.readFileSync(importsFile(root), 'utf8')).toBe(first);
  });

  test('--dry-run prints the file it would write and writes nothing', async () => {
    const root = tempDir('adopt-dry-run');
    const result = await adopt(root, ['--env', 'sandbox', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('[dry run] would write envs/imports/sandbox.emulator.json:');
    expect(result.out).toContain(`"id": "${fleet.layerVersionArns[1]}"`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('holds back a resource Terraform would replace, naming the attribute, both values and the consequence; --accept-replacement adopts it, but never a layer version', async () => {
    const root = tempDir('adopt-held-back');
    // The api function's role, made by hand at another path: replacing it is the team's call.
    const aws = emulatorClients(moto.endpoint, sandbox.region);
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'team-sandbox-api', Path: '/legacy/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    try {
      const held = await adopt(root, ['--env', 'sandbox'], [sandboxOn311]);
      expect(held.code).toBe(1);
      expect(held.out).toContain('HELD BACK  sandbox aws_lambda_layer_version.deps_layer_version: layer team-sandbox-deps at its latest version, 2');
      expect(held.out).toContain(
        'compatible_runtimes: ["python3.11"] in the configuration, ["python3.12"] in the account; replacing it: ' +
          'a new version of team-sandbox-deps would be published from the placeholder (an empty python/ directory)',
      );
      expect(held.out).toContain('path: "/" in the configuration, "/legacy/" in the account; replacing it: the role would be deleted');
      expect(held.out).toContain(
        '2 resources were held back and left out of envs/imports/sandbox.emulator.json: make the configuration match the account, or run again with ' +
          '--accept-replacement to let Terraform replace it; a layer version is never replaced on adoption: its configuration (runtimes, ' +
          'architectures, description, licence) must match.',
      );
      // The rest is written; the layer version and the role are not.
      const ids = idsByAddress(readImports(root));
      expect(ids['sandbox aws_lambda_layer_version.deps_layer_version']).toBeUndefined();
      expect(ids['sandbox aws_iam_role.api_role']).toBeUndefined();
      expect(ids['sandbox aws_lambda_function.cleanup_function']).toBe('team-sandbox-cleanup');

      const accepted = await adopt(root, ['--env', 'sandbox', '--accept-replacement'], [sandboxOn311]);
      expect(accepted.code).toBe(1);
      expect(accepted.out).toContain('(replacement accepted)');
      expect(accepted.out).toContain('1 resource was held back');
      expect(idsByAddress(readImports(root))['sandbox aws_iam_role.api_role']).toBe('team-sandbox-api');
      expect(idsByAddress(readImports(root))['sandbox aws_lambda_layer_version.deps_layer_version']).toBeUndefined();
    } finally {
      await aws.iam.send(new DeleteRoleCommand({ RoleName: 'team-sandbox-api' }));
      aws.destroy();
    }
  });

  test("adopts a layer whatever its latest version's description says (a CI's content hash, a build note)", async () => {
    const root = tempDir('adopt-description');
    const described = { ...sandbox, layers: { deps: { ...sandbox.layers!.deps, description: 'Dependencies, as the config describes them' } } };
    const result = await adopt(root, ['--env', 'sandbox'], [described]);
    expect(result.code).toBe(0);
    expect(idsByAddress(readImports(root))['sandbox aws_lambda_layer_version.deps_layer_version']).toBe(fleet.layerVersionArns[1]);
  });

  test('--check refuses before adoption, naming every unadopted resource and the command, and passes after', async () => {
    const root = tempDir('adopt-check');
    const before = await adopt(root, ['--env', 'sandbox', '--check']);
    expect(before.code).toBe(1);
    expect(before.out).toContain(
      `sandbox: 5 resources of the stack already exist in account 123456789012 but are neither in its Terraform state (s3://${sandbox.backend.bucket}/team-sandbox/terraform.tfstate) nor in envs/imports/sandbox.emulator.json`,
    );
    expect(before.out).toContain('  - aws_iam_role.cleanup_role: role team-sandbox-cleanup');
    expect(before.out).toContain(`  - aws_lambda_layer_version.deps_layer_version: layer team-sandbox-deps at its latest version, 2`);
    expect(before.out).toContain('Adopt them first: npm run adopt -- --env sandbox');
    expect(fs.readdirSync(root)).toEqual([]);

    expect((await adopt(root, ['--env', 'sandbox'])).code).toBe(0);
    const after = await adopt(root, ['--env', 'sandbox', '--check']);
    expect(after).toMatchObject({ code: 0, err: '' });
    expect(after.out).toContain('sandbox: ready to deploy');
    // A backend in another region, reached through a role, is read as Terraform reads it.
    const roleBackend = { ...sandbox, backend: { ...sandbox.backend, region: 'eu-central-1' as const, roleArn: 'arn:aws:iam::123456789012:role/terraform-state' } };
    expect(await adopt(root, ['--env', 'sandbox', '--check'], [roleBackend])).toMatchObject({ code: 0, err: '' });
  });

  test('refuses credentials of another account before reading anything', async () => {
    const root = tempDir('adopt-account');
    const result = await adopt(root, ['--env', 'sandbox'], [{ ...sandbox, accountId: '210987654321' }]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "adopt sandbox stopped: the AWS credentials belong to account 123456789012, not to sandbox's account 210987654321: " +
        "adopt reads only the environment's own account; nothing was read or written",
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('end to end: adopt, then terraform apply of the synthesized stack keeps the code and layers, publishes no layer version, and plans clean', async () => {
    const root = tempDir('adopt-e2e');
    // The backend's lock table, which teams have beside their state bucket (adopted into the bootstrap stack).
    await createLockTable(moto.endpoint, sandbox.region, sandbox.backend.dynamodbTable!);
    expect((await adopt(root, ['--env', 'sandbox'])).code).toBe(0);
    const outdir = path.join(root, 'cdktf.out');
    // Local mode: the provider and the S3 backend (its state bucket made by hand, its lock table here) on the emulator.
    synthesize([sandbox], { outdir, env: { [LOCAL_AWS_ENDPOINT_VARIABLE]: moto.endpoint }, importsDirectory: path.join(root, 'envs', 'imports') });
    const stackDir = path.join(outdir, 'stacks', 'sandbox');
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(stack.import).toContainEqual({ to: 'aws_lambda_layer_version.deps_layer_version', id: fleet.layerVersionArns[1] });

    terraformOk(['init', '-input=false', '-no-color'], stackDir);
    const apply = terraformOk(['apply', '-auto-approve', '-input=false', '-no-color'], stackDir);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 5 imported, \d+ added, \d+ changed, 0 destroyed\./);

    const aws = emulatorClients(moto.endpoint, sandbox.region);
    try {
      const fn = await aws.lambda.send(new GetFunctionCommand({ FunctionName: fleet.functionName }));
      expect(fn.Configuration?.CodeSha256).toBe(fleet.codeSha256);
      expect(fn.Configuration?.Layers?.map((l) => l.Arn)).toEqual([fleet.layerVersionArns[1]]);
      const versions = await aws.lambda.send(new ListLayerVersionsCommand({ LayerName: fleet.layerName }));
      expect(versions.LayerVersions?.map((v) => v.Version).sort()).toEqual([1, 2]);
      // The function's schedule is now EventBridge Scheduler's, on the alias.
      const schedule = await aws.scheduler.send(new GetScheduleCommand({ Name: `${fleet.functionName}-cleanup`, GroupName: 'default' }));
      expect([schedule.ScheduleExpression, schedule.Target?.Arn]).toEqual(['rate(1 day)', `${fn.Configuration?.FunctionArn}:live`]);

      // The hand-made rule, its target and its grant on the function itself are no longer needed
      // and no stack holds them: the team removes them, or the function runs twice a day.
      await aws.events.send(new RemoveTargetsCommand({ Rule: fleet.functionName, Ids: ['cleanup'] }));
      await aws.events.send(new DeleteRuleCommand({ Name: fleet.functionName }));
      await aws.lambda.send(new RemovePermissionCommand({ FunctionName: fleet.functionName, StatementId: 'AllowScheduleRule' }));
      const plan = terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir);
      if (plan.status !== 0) throw new Error(`the plan after adoption is not clean (exit ${plan.status}):\n${plan.stdout}\n${plan.stderr}`);
      expect(plan.stdout).toContain('No changes.');

      // Now that the state in the bucket holds them, adopt names them managed and keeps the file as
      // it is; a layer version published by CI since changes nothing.
      await aws.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: fleet.layerName,
          Description: 'Python dependencies',
          CompatibleRuntimes: ['python3.12'],
          Content: { ZipFile: deterministicZip([{ path: 'python/' }]) },
        }),
      );
      const file = fs.readFileSync(importsFile(root), 'utf8');
      const again = await adopt(root, ['--env', 'sandbox']);
      expect(again.code).toBe(0);
      expect(again.out).toContain('managed    sandbox aws_lambda_function.api_function: in the Terraform state already');
      expect(fs.readFileSync(importsFile(root), 'utf8')).toBe(file);
      expect((await adopt(root, ['--env', 'sandbox', '--check'])).code).toBe(0);
    } finally {
      aws.destroy();
    }
  });
  // After the end-to-end test: this plan reads the same state (and its lock table), which holds the rest of the fleet.
  test('a hand-made HTTP API and queue consumer are adopted, so the deploy makes no second API and no second consumer of the queue', async () => {
    const root = tempDir('adopt-front');
    const made = await makeFrontAndWorkerByHand(moto.endpoint, sandbox.region, {
      webFunctionName: 'team-sandbox-web',
      workerFunctionName: 'team-sandbox-worker',
      apiName: 'team-sandbox-public',
      queueName: 'team-sandbox-jobs',
      deadLetterQueueName: 'team-sandbox-jobs-dlq',
      runtime: 'python3.12',
      stageTags: { Environment: 'sandbox' },
    });
    const result = await adopt(root, ['--env', 'sandbox'], [sandboxWithFront]);
    expect(result).toMatchObject({ code: 0, err: '' });
    const ids = idsByAddress(readImports(root));
    expect(ids).toMatchObject({
      'sandbox aws_apigatewayv2_api.public_http_api_api': made.apiId,
      'sandbox aws_apigatewayv2_stage.public_http_api_stage': `${made.apiId}/$default`,
      'sandbox aws_apigatewayv2_integration.web_public_http_api_integration': `${made.apiId}/${made.integrationId}`,
      'sandbox aws_apigatewayv2_route.public_http_api_route_default': `${made.apiId}/${made.routeId}`,
      'sandbox aws_sqs_queue.jobs_queue_queue': made.queueUrl,
      'sandbox aws_sqs_queue.jobs_queue_dead_letter_queue': made.deadLetterQueueUrl,
      'sandbox aws_lambda_event_source_mapping.worker_jobs_event_source_mapping': made.mappingUuid,
      'sandbox aws_lambda_function.web_function': 'team-sandbox-web',
      'sandbox aws_lambda_function.worker_function': 'team-sandbox-worker',
    });
    // Their aliases, the API's permission on the web alias and its access log group do not exist yet.
    expect(result.out).toContain('create     sandbox aws_lambda_alias.worker_alias: not in the account');
    expect(result.out).toContain('create     sandbox aws_lambda_permission.web_public_http_api_permission: not in the account');

    const outdir = path.join(root, 'cdktf.out');
    synthesize([sandboxWithFront], { outdir, env: { [LOCAL_AWS_ENDPOINT_VARIABLE]: moto.endpoint }, importsDirectory: path.join(root, 'envs', 'imports') });
    const stackDir = path.join(outdir, 'stacks', 'sandbox');
    terraformOk(['init', '-input=false', '-no-color'], stackDir);
    // The provider imports each one by the ID adopt wrote (a wrong ID fails the plan), and
    // replaces none: the integration and the mapping move to the aliases in place. (Not applied:
    // moto re-serialises a queue's redrive policy, so the provider's wait for an updated queue's
    // attributes never ends.)
    const plan = terraformOk(['plan', '-input=false', '-no-color'], stackDir);
    expect(plan.stdout).toMatch(/Plan: 11 to import, \d+ to add, \d+ to change, 0 to destroy\./);
    for (const address of Object.keys(ids).map((a) => a.split(' ')[1])) {
      expect(plan.stdout).not.toMatch(new RegExp(`# ${address.replace('.', '\\.')} (will be created|must be replaced)`));
    }
    expect(plan.stdout).toMatch(/# aws_apigatewayv2_integration\.web_public_http_api_integration will be updated in-place/);
    expect(plan.stdout).toMatch(/# aws_lambda_event_source_mapping\.worker_jobs_event_source_mapping will be updated in-place/);
  });
});

describe('npm run adopt, through the command line', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    run('npm', ['run', '--silent', 'adopt', '--', ...args], { cwd: projectRoot, env: { ...process.env, ...env }, timeoutMs: 60_000 });

  test('--check refuses a deploy into an account that holds a resource of the stack, and --dry-run writes nothing', async () => {
    const staging = await startMoto('111111111111');
    try {
      const aws = emulatorClients(staging.endpoint, 'us-west-2');
      await aws.iam.send(new CreateRoleCommand({ RoleName: 'bookshelf-staging-api', AssumeRolePolicyDocument: '{}' }));
      aws.destroy();
      const env = { [LOCAL_AWS_ENDPOINT_VARIABLE]: staging.endpoint };
      const check = await cli(['--env', 'staging', '--check'], env);
      expect(check.status).toBe(1);
      expect(check.output).toContain('  - aws_iam_role.api_role: role bookshelf-staging-api');
      expect(check.output).toContain('Adopt them first: npm run adopt -- --env staging');
      const dryRun = await cli(['--env', 'staging', '--dry-run'], env);
      expect(dryRun.status).toBe(0);
      expect(dryRun.output).toContain('"address": "aws_iam_role.api_role"');
      expect(fs.existsSync(path.join(projectRoot, 'envs', 'imports', 'staging.emulator.json'))).toBe(false);
    } finally {
      await staging.stop();
    }
  });

  test('bad input: an unknown environment, an unreachable or non-loopback endpoint; each one clear line, no stack trace', async () => {
    const unknown = await cli(['--env', 'nope'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.output).toContain('--env = "nope": must be one of the environments: staging, prod');

    const unreachable = await cli(['--env', 'staging'], { [LOCAL_AWS_ENDPOINT_VARIABLE]: 'http://127.0.0.1:1' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.output.trim()).toBe(
      'adopt staging stopped: sts GetCallerIdentity: could not reach http://127.0.0.1:1 (ECONNREFUSED); nothing was written',
    );

    const remote = await cli(['--env', 'staging'], { [LOCAL_AWS_ENDPOINT_VARIABLE]: 'http://10.1.2.3:4566' });
    expect(remote.status).toBe(2);
    expect(remote.output).toContain('LAMBDA_FLEET_LOCAL_AWS_ENDPOINT = "http://10.1.2.3:4566": must be http://127.0.0.1:<port>, http://localhost:<port> or http://[::1]:<port> (port 1 to 65535)');
    expect(remote.output).not.toMatch(/\n\s+at /);
  });
});

/**
 * Points the synthesized stack at the emulator, in this test's copy only: every service the
 * stack uses (STS too, so allowed_account_ids is checked against the emulator's account), and
 * local state.
 */
