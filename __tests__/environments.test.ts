import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from '../core/framework';
import { RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { examples } from '../envs/examples/index';
import { bookshelfFleet } from '../envs/fleet';
import { environments } from '../envs/index';
import { staging, stagingFleet } from '../envs/staging';
import { EnvironmentConfig } from '../stacks/environment-config';
import { buildApp, synthesize } from '../synth/synthesize';
import { EnvironmentStack } from '../stacks/environment-stack';
import { wiringDiagram } from '../stacks/wiring-diagram';
import { collectProblems } from '../synth/collect-problems';
import { buildReleaseManifest } from '../synth/build-release-manifest';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from '../core/policy-document';
import { decide, Decision, policiesOfRole, Where } from './support/iam-simulator';
import { resourcesOf, tempDir } from './support/synth';

const app = buildApp(environments, { outdir: path.join(tempDir('environments'), 'cdktf.out') });
const stacks = app.node.children.filter((c): c is EnvironmentStack => c instanceof EnvironmentStack);
const synthesized = Object.fromEntries(stacks.map((s) => [s.node.id, Testing.synth(s)]));
const json = (name: string) => JSON.parse(synthesized[name]);

describe('shipped environments', () => {
  test('there is one stack per environment, named after it, and at least staging and prod', () => {
    expect(stacks.map((s) => s.node.id)).toEqual(environments.map((e) => e.name));
    expect(stacks.map((s) => s.node.id)).toEqual(expect.arrayContaining(['staging', 'prod']));
  });

  test('no environment breaks a rule', () => {
    expect(collectProblems(app)).toEqual([]);
  });

  describe.each(environments.map((e) => [e.name, e] as const))('%s', (name, config) => {
    test('the provider is locked to the environment account and region, with default tags', () => {
      expect(synthesized[name]).toHaveProviderWithProperties(AwsProvider, {
        region: config.region,
        allowed_account_ids: [config.accountId],
        default_tags: [{ tags: { ...config.tags, Environment: name } }],
      });
    });

    test('state lives in S3, encrypted, locked in DynamoDB, under a key of its own', () => {
      expect(json(name).terraform.backend).toEqual({
        s3: {
          bucket: config.backend.bucket,
          key: `${config.namePrefix}/terraform.tfstate`,
          region: config.region,
          dynamodb_table: config.backend.dynamodbTable,
          encrypt: true,
        },
      });
    });

    test('an API function, two queue workers and a cleanup function attach the dependencies layer, then the shared-code layer', () => {
      const functions = resourcesOf(json(name), 'aws_lambda_function');
      expect(Object.keys(functions).sort()).toEqual(['analysis_worker_function', 'api_function', 'cleanup_function', 'eval_worker_function']);
      for (const fn of Object.values(functions)) {
        expect(fn.layers).toEqual([
          '${aws_lambda_layer_version.deps_layer_version.arn}',
          '${aws_lambda_layer_version.shared_code_layer_version.arn}',
        ]);
        expect(fn.function_name.startsWith(`${config.namePrefix}-`)).toBe(true);
      }
      expect(Object.values(resourcesOf(json(name), 'aws_lambda_layer_version')).map((l: any) => l.layer_name).sort()).toEqual([
        `${config.namePrefix}-deps`,
        `${config.namePrefix}-shared-code`,
      ]);
    });

    test('no function invokes another: the API hands jobs to the workers through their two queues, and may send to those only', async () => {
      const stack = json(name);
      expect(Object.values(resourcesOf(stack, 'aws_iam_role_policy')).filter((p: any) => p.name === 'invoke')).toEqual([]);
      const where: Where = { partition: 'aws', region: config.region, account: config.accountId };
      const queue = (queueName: string) => `arn:aws:sqs:${config.region}:${config.accountId}:${queueName}`;
      const sends = (role: string, queueName: string) => decide(policiesOfRole(stack, role, where), 'sqs:SendMessage', queue(queueName), {}, where);
      expect(await sends('api_role', `${config.namePrefix}-analysis-jobs`)).toBe('Allowed');
      expect(await sends('api_role', `${config.namePrefix}-eval-jobs`)).toBe('Allowed');
      expect(await sends('api_role', `${config.namePrefix}-analysis-jobs-dlq`)).toBe('ImplicitlyDenied');
      expect(await sends('analysis_worker_role', `${config.namePrefix}-eval-jobs`)).toBe('ImplicitlyDenied');
    });

    test("is wired as seed 001's system: an HTTP API in front of the api, which hands jobs through two queues to their workers; cleanup on a schedule", () => {
      const concurrency = config.functions!['analysis-worker'].reservedConcurrentExecutions;
      expect(config.functions!['eval-worker'].reservedConcurrentExecutions).toBe(concurrency);
      const wiring = wiringDiagram(config).split('\n').filter((line) => line.includes('->') && !line.includes('layer'));
      expect(wiring).toEqual([
        '  http__public -->|"$default"| function__api',
        '  schedule__cleanup__cleanup --> function__cleanup',
        '  queue__analysis_jobs -.->|"after 5 receives"| dlq__analysis_jobs',
        '  queue__eval_jobs -.->|"after 5 receives"| dlq__eval_jobs',
        `  queue__analysis_jobs -->|"batch 1, max concurrency ${concurrency}"| function__analysis_worker`,
        `  queue__eval_jobs -->|"batch 1, max concurrency ${concurrency}"| function__eval_worker`,
        '  function__api -->|"sends"| queue__analysis_jobs',
        '  function__api -->|"sends"| queue__eval_jobs',
        '  function__cleanup -.->|"on failure"| failures__cleanup',
      ]);
    });

    test("every function logs JSON at the environment's level, not through a LOG_LEVEL variable; alarms notify the environment's ops topic", () => {
      const level = { staging: 'DEBUG', prod: 'INFO' }[name];
      for (const fn of Object.values(config.functions!)) {
        expect(fn.logging).toEqual({ format: 'JSON', applicationLogLevel: level });
        expect(fn.environmentVariables?.LOG_LEVEL).toBeUndefined();
      }
      expect(config.alarmTopicArn).toBe(`arn:aws:sns:us-west-2:${config.accountId}:bookshelf-${name}-ops`);
    });

    test('the cleanup function cleans books/ of the images bucket, in dry-run, once a day', () => {
      const cleanup = resourcesOf(json(name), 'aws_lambda_function').cleanup_function;
      expect(cleanup.environment.variables).toMatchObject({
        CLEANUP_BUCKET: `bookshelf-images-${name}`,
        CLEANUP_PREFIX: 'books/',
        DRY_RUN: 'true',
      });
      const schedule = resourcesOf(json(name), 'aws_scheduler_schedule').cleanup_schedules_cleanup;
      expect(schedule.schedule_expression).toBe('rate(1 day)');
      expect(schedule.target.arn).toBe('${aws_lambda_alias.cleanup_alias.arn}');
      // Scheduler invokes through its role: no resource policy on the cleanup function.
      const permissions = Object.values<any>(resourcesOf(json(name), 'aws_lambda_permission'));
      expect(permissions.filter((p) => p.function_name.includes('cleanup_function'))).toEqual([]);
    });

    test('every IAM policy is a JSON document: no wildcard action, "*" resources only where nothing can be scoped', () => {
      const stack = json(name);
      expect(stack.data?.aws_iam_policy_document).toBeUndefined();
      const documents = [
        ...Object.values(resourcesOf(stack, 'aws_iam_role_policy')).map((p: any) => p.policy),
        ...Object.values(resourcesOf(stack, 'aws_iam_role')).map((r: any) => r.assume_role_policy),
      ].map((text) => JSON.parse(text));
      expect(documents.length).toBeGreaterThan(0);
      for (const statement of documents.flatMap((d) => d.Statement)) {
        const actions = [statement.Action].flat();
        const resources = [statement.Resource ?? []].flat();
        for (const action of actions) expect(action).not.toContain('*');
        if (statement.Effect === 'Allow' && resources.includes('*')) {
          for (const action of actions) expect(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action)).toBe(true);
        }
      }
    });

    test('outputs name every layer and function for CI', () => {
      expect(Object.keys(json(name).output).sort()).toEqual([
        'analysis_jobs_dead_letter_queue_arn',
        'analysis_jobs_queue_arn',
        'analysis_jobs_queue_url',
        'analysis_worker_function_alias_arn',
        'analysis_worker_function_arn',
        'analysis_worker_function_name',
        'api_function_alias_arn',
        'api_function_arn',
        'api_function_name',
        'cleanup_failure_queue_url',
        'cleanup_function_alias_arn',
        'cleanup_function_arn',
        'cleanup_function_name',
        'deps_layer_arn',
        'deps_layer_version_arn',
        'eval_jobs_dead_letter_queue_arn',
        'eval_jobs_queue_arn',
        'eval_jobs_queue_url',
        'eval_worker_function_alias_arn',
        'eval_worker_function_arn',
        'eval_worker_function_name',
        'public_http_api_endpoint',
        'shared_code_layer_arn',
        'shared_code_layer_version_arn',
      ]);
      for (const output of Object.values(json(name).output) as any[]) expect(output.description).toBeTruthy();
    });
  });

  describe.each(environments.map((e) => e.name))('the %s release manifest', (name) => {
    const stack = stacks.find((s) => s.node.id === name)!;
    const manifest = buildReleaseManifest(stack);
    const synthesizedFunctions = resourcesOf(json(name), 'aws_lambda_function');

    test('names every function the stack creates, with its layers in the same order', () => {
      expect(Object.values(manifest.functions).map((f) => f.functionName).sort()).toEqual(
        Object.values(synthesizedFunctions).map((f: any) => f.function_name).sort(),
      );
      for (const [key, fn] of Object.entries(manifest.functions)) {
        const synthesized = synthesizedFunctions[`${key.replace(/-/g, '_')}_function`];
        const layerResource = (k: string) => `\${aws_lambda_layer_version.${k.replace(/-/g, '_')}_layer_version.arn}`;
        expect(fn.layers.map((l) => ('layer' in l ? layerResource(l.layer) : l.arn))).toEqual(synthesized.layers);
        expect(fn.packagePrefix).toBe(`functions/${fn.functionName}/`);
      }
    });

    test('names the alias CI moves and the alarms a canary watches, the errors alarm on that alias first', () => {
      const config = environments.find((e) => e.name === name)!;
      for (const [key, fn] of Object.entries(manifest.functions)) {
        const id = key.replace(/-/g, '_');
        const alias = resourcesOf(json(name), 'aws_lambda_alias')[`${id}_alias`];
        const alarm = resourcesOf(json(name), 'aws_cloudwatch_metric_alarm')[`${id}_errors_alarm`];
        // the throttles alarm only on a function with reserved concurrency (1 or more)
        const throttles = (config.functions![key].reservedConcurrentExecutions ?? -1) >= 1 ? [`${fn.functionName}-throttles`] : [];
        expect({ alias: fn.alias, alarms: fn.alarms }).toEqual({
          alias: 'live',
          alarms: [`${fn.functionName}-errors`, ...throttles, `${fn.functionName}-duration-p99`, ...(config.functions![key].alarms ?? [])],
        });
        expect([alias.name, alarm.alarm_name, alarm.dimensions]).toEqual([
          fn.alias,
          fn.alarms[0],
          { FunctionName: fn.functionName, Resource: `${fn.functionName}:${fn.alias}` },
        ]);
      }
    });

    test('names every layer with its ARN, runtimes and build, and the artifacts bucket', () => {
      const config = environments.find((e) => e.name === name)!;
      expect(manifest.artifactsBucket).toBe(config.artifactsBucket);
      for (const [key, layer] of Object.entries(manifest.layers)) {
        expect(layer.layerArn).toBe(`arn:aws:lambda:${config.region}:${config.accountId}:layer:${layer.layerName}`);
        expect(layer.compatibleRuntimes).toEqual(config.layers![key].compatibleRuntimes);
        expect(layer.build).toEqual(config.layers![key].build);
      }
    });
  });

  test('a function\'s own alias and named alarms reach the stack and the manifest', () => {
    const staging = environments.find((e) => e.name === 'staging')!;
    const config: EnvironmentConfig = {
      ...staging,
      functions: {
        ...staging.functions,
        api: { ...staging.functions!.api, alias: 'current', alarms: ['bookshelf-api-latency', 'bookshelf-5xx'], provisionedConcurrentExecutions: 1 },
        'analysis-worker': { ...staging.functions!['analysis-worker'], snapStart: true },
      },
    };
    const stack = new EnvironmentStack(Testing.app(), config);
    expect(collectProblems(stack)).toEqual([]);
    const manifest = buildReleaseManifest(stack);
    expect(manifest.functions.api).toMatchObject({
      alias: 'current',
      alarms: ['bookshelf-staging-api-errors', 'bookshelf-staging-api-duration-p99', 'bookshelf-api-latency', 'bookshelf-5xx'],
    });
    expect(manifest.functions['analysis-worker']).toMatchObject({
      alias: 'live',
      alarms: ['bookshelf-staging-analysis-worker-errors', 'bookshelf-staging-analysis-worker-throttles', 'bookshelf-staging-analysis-worker-duration-p99'],
    });
    const synthesizedStack = JSON.parse(Testing.synth(stack));
    expect(resourcesOf(synthesizedStack, 'aws_lambda_alias').api_alias.name).toBe('current');
    expect(resourcesOf(synthesizedStack, 'aws_lambda_provisioned_concurrency_config')).toEqual({
      api_provisioned_concurrency: {
        function_name: '${aws_lambda_function.api_function.function_name}',
        qualifier: '${aws_lambda_alias.api_alias.name}',
        provisioned_concurrent_executions: 1,
      },
    });
    expect(resourcesOf(synthesizedStack, 'aws_lambda_function').analysis_worker_function.snap_start).toEqual({ apply_on: 'PublishedVersions' });
  });

  test('environments never share an account or a state object', () => {
    const accounts = environments.map((e) => e.accountId);
    const states = stacks.map((s) => JSON.stringify(JSON.parse(synthesized[s.node.id]).terraform.backend.s3));
    expect(new Set(accounts).size).toBe(accounts.length);
    expect(new Set(states).size).toBe(states.length);
  });
});

/** The example fleet in GovCloud, where every ARN starts with arn:aws-us-gov: and arn:aws: matches nothing. */
const govcloud: EnvironmentConfig = bookshelfFleet(
  {
    name: 'govcloud',
    accountId: '444444444444',
    region: 'us-gov-west-1',
    namePrefix: 'bookshelf-gov',
    backend: { bucket: 'bookshelf-terraform-state-444444444444', dynamodbTable: 'bookshelf-terraform-locks' },
    artifactsBucket: 'bookshelf-artifacts-gov',
  },
  {
    apiMemorySize: 512,
    workerReservedConcurrency: 2,
    logRetentionDays: 14,
    logLevel: 'INFO',
    imagesBucket: 'bookshelf-images-gov',
    databaseSecretArn: 'arn:aws-us-gov:secretsmanager:us-gov-west-1:444444444444:secret:bookshelf-gov/database-AbCdEf',
    cleanupGoesLive: false,
  },
);

test('every shipped environment has its lifecycle suite against the emulator', () => {
  for (const { name } of environments) {
    const file = path.join(__dirname, `lifecycle-${name}.test.ts`);
    expect([name, fs.existsSync(file) && fs.readFileSync(file, 'utf8').match(new RegExp(`describeLifecycle\\(${name}[,)]`)) !== null]).toEqual([name, true]);
    expect(require('./support/integration-suites')).toContain(`lifecycle-${name}`);
  }
});

describe('an environment on the example fleet', () => {
  test('adds its own queues and functions to the fleet\'s, and its own alarm topic wins', () => {
    const { queues, functions, alarmTopicArn, ...rest } = staging;
    const extended = bookshelfFleet(
      {
        ...rest,
        alarmTopicArn: 'arn:aws:sns:us-west-2:111111111111:team-pager',
        queues: { exports: {} },
        functions: { exporter: { handler: 'app.exporter.handler', eventSources: [{ queue: 'exports' }] } },
      },
      stagingFleet,
    );
    expect(Object.keys(extended.queues!).sort()).toEqual(['analysis-jobs', 'eval-jobs', 'exports']);
    expect(Object.keys(extended.functions!).sort()).toEqual(['analysis-worker', 'api', 'cleanup', 'eval-worker', 'exporter']);
    expect(extended.alarmTopicArn).toBe('arn:aws:sns:us-west-2:111111111111:team-pager');
    const stack = new EnvironmentStack(Testing.app(), extended);
    expect(collectProblems(stack)).toEqual([]);
    expect(Object.keys(resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_lambda_event_source_mapping')).sort()).toEqual([
      'analysis_worker_analysis_jobs_event_source_mapping',
      'eval_worker_eval_jobs_event_source_mapping',
      'exporter_exports_event_source_mapping',
    ]);
  });
});

describe('a GovCloud environment', () => {
  const outdir = path.join(tempDir('govcloud'), 'cdktf.out');
  synthesize([govcloud], { outdir });
  const stackDir = path.join(outdir, 'stacks', 'govcloud');
  const stack = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  const written = [stack, JSON.parse(fs.readFileSync(path.join(stackDir, RELEASE_MANIFEST_FILE), 'utf8'))].map((json) => JSON.stringify(json));
  const where: Where = { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '444444444444' };
  const bucket = 'arn:aws-us-gov:s3:::bookshelf-images-gov';

  test('writes every ARN in the aws-us-gov partition: the cleanup scope, the release manifest, the granted secret', () => {
    const partitions = written.flatMap((text) => text.match(/arn:[a-z-]*:/g) ?? []);
    expect(partitions.length).toBeGreaterThanOrEqual(7); // 4 in the cleanup scope, the secret, 2 layers in the manifest
    expect([...new Set(partitions)]).toEqual(['arn:aws-us-gov:']);
    expect(written[1]).toContain('"layerArn":"arn:aws-us-gov:lambda:us-gov-west-1:444444444444:layer:bookshelf-gov-deps"');
  });

  test.each<[string, string, string, Record<string, string>, Decision]>([
    ['lists under the prefix', 's3:ListBucket', bucket, { 's3:prefix': 'books/' }, 'Allowed'],
    ['lists the whole bucket', 's3:ListBucket', bucket, {}, 'ExplicitlyDenied'],
    ['lists another prefix', 's3:ListBucket', bucket, { 's3:prefix': 'listings/' }, 'ExplicitlyDenied'],
    ['deletes under the prefix', 's3:DeleteObject', `${bucket}/books/1.jpg`, {}, 'Allowed'],
    ['deletes under another prefix', 's3:DeleteObject', `${bucket}/listings/1.jpg`, {}, 'ExplicitlyDenied'],
    ['deletes in another bucket', 's3:DeleteObject', 'arn:aws-us-gov:s3:::bookshelf-frontend-gov/books/1.jpg', {}, 'ExplicitlyDenied'],
    ['deletes an object version', 's3:DeleteObjectVersion', `${bucket}/books/1.jpg`, {}, 'ExplicitlyDenied'],
  ])('its cleanup role %s: %s (the scope still holds)', async (_case, action, resource, context, expected) => {
    expect(await decide(policiesOfRole(stack, 'cleanup_role', where), action, resource, context, where)).toBe(expected);
  });
});

describe('the README examples', () => {
  const root = path.resolve(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const shown = [...readme.matchAll(/<!-- snippet: (\S+)#(\S+) -->\n```(ts|hcl)\n([\s\S]*?)\n```/g)].map(([, file, name, language, text]) => ({
    file,
    name,
    language,
    text,
  }));

  /** The lines between `// #region <name>` and `// #endregion` (`#` in HCL) of a file, without their common indent. */
  function region(file: string, name: string): string {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    const comment = file.endsWith('.tf') ? '#' : '//';
    const start = lines.findIndex((line) => line.trim() === `${comment} #region ${name}`);
    const end = lines.findIndex((line, i) => i > start && line.trim() === `${comment} #endregion`);
    if (start === -1 || end === -1) throw new Error(`${file} has no region ${name}`);
    const body = lines.slice(start + 1, end);
    const indent = Math.min(...body.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
    return body.map((line) => line.slice(indent)).join('\n');
  }

  test('every TypeScript block of the README, and every marked HCL one, is a region of a file the tests build, word for word', () => {
    expect(shown.filter(({ language }) => language === 'ts').length).toBe(readme.match(/^```ts$/gm)?.length);
    expect(shown.filter(({ language }) => language === 'hcl').map(({ file }) => file)).toEqual(['__tests__/fixtures/existing-modules/roots/after/main.tf']);
    for (const { file, name, text } of shown) expect({ file, name, text }).toEqual({ file, name, text: region(file, name) });
  });

  test('every region of the example files is shown in the README', () => {
    const dir = path.join(root, 'envs', 'examples');
    const regions = fs
      .readdirSync(dir)
      .flatMap((file) => [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/\/\/ #region (\S+)/g)].map(([, name]) => `envs/examples/${file}#${name}`));
    expect(regions.sort()).toEqual(shown.filter(({ language }) => language === 'ts').map(({ file, name }) => `${file}#${name}`).sort());
  });

  test.each(Object.entries(examples))('the %s example synthesizes with no problem', (_name, list) => {
    const outdir = path.join(tempDir('readme-example'), 'cdktf.out');
    expect(() => synthesize(list, { outdir })).not.toThrow();
    for (const { name } of list) expect(fs.existsSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'))).toBe(true);
  });

  test('the added function reads the images bucket of its own environment', () => {
    const app = buildApp(examples['adding-a-function'], { outdir: path.join(tempDir('thumbnails'), 'cdktf.out') });
    for (const stack of app.node.children.filter((c): c is EnvironmentStack => c instanceof EnvironmentStack)) {
      const policy = JSON.parse(resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_iam_role_policy').thumbnails_extra_policy.policy);
      expect(policy.Statement[0].Resource).toBe(`arn:aws:s3:::bookshelf-images-${stack.node.id}/uploads/*`);
    }
  });
});
