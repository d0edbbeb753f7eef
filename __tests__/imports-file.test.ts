import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatImportsFile, ImportEntry, importsFilePath, parseImportsFile } from '../contract/imports-file';
import { formatProblem, ValidationError } from '../core/problems';
import { staging } from '../envs/staging';
import { prod } from '../envs/prod';
import { synthesize } from '../synth/synthesize';
import { readTree, tempDir } from './support/synth';
import { readAdoptArguments } from '../adopt/arguments';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, GetProvisionedConcurrencyConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describeReplacement } from '../adopt/adopt';
import { awsClients } from '../adopt/aws';
import { RESOURCE_KINDS } from '../adopt/resource-kinds';
import { stateAddresses } from '../adopt/state';
import { planEnvironment } from '../adopt/planned';
import { EnvironmentConfig } from '../stacks/environment-config';

const expected = { environment: 'staging', stacks: ['staging', 'bootstrap-staging'] };
const role: ImportEntry = { stack: 'staging', address: 'aws_iam_role.api_role', id: 'bookshelf-staging-api', note: 'role bookshelf-staging-api' };
const layer: ImportEntry = {
  stack: 'staging',
  address: 'aws_lambda_layer_version.deps_layer_version',
  id: 'arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:7',
  note: 'layer bookshelf-staging-deps at its latest version, 7 (7 versions)',
};
const bucket: ImportEntry = {
  stack: 'bootstrap-staging',
  address: 'aws_s3_bucket.state_bucket',
  id: 'bookshelf-terraform-state-111111111111',
  note: 'S3 bucket bookshelf-terraform-state-111111111111',
};

/** The problems of a file, one line each, as synth prints them. */
function problemsOf(document: unknown): string[] {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return parseImportsFile(text, 'envs/imports/staging.json', expected).problems.map((p) => `${p.code} ${formatProblem(p)}`);
}

describe('the import file', () => {
  test('is written sorted by stack and address, fields in a fixed order, and read back the same', () => {
    const text = formatImportsFile({ environment: 'staging', imports: [bucket, layer, { ...role, note: role.note }] });
    expect(JSON.parse(text).imports.map((e: ImportEntry) => e.address)).toEqual([
      'aws_s3_bucket.state_bucket',
      'aws_iam_role.api_role',
      'aws_lambda_layer_version.deps_layer_version',
    ]);
    expect(text.endsWith('}\n')).toBe(true);
    expect(formatImportsFile({ environment: 'staging', imports: [role, layer, bucket] })).toBe(text);
    expect(parseImportsFile(text, 'envs/imports/staging.json', expected)).toEqual({
      imports: { environment: 'staging', imports: [bucket, role, layer] },
      problems: [],
    });
  });

  test.each([
    ['not JSON', '{"environment": "staging",', ['imports-file-json']],
    ['not an object', [], ['imports-file-type']],
    ['another environment', { environment: 'prod', imports: [] }, ['imports-file-environment']],
    ['an unknown field', { environment: 'staging', imports: [], importz: [] }, ['imports-file-unknown-field']],
    ['no list of imports', { environment: 'staging' }, ['imports-file-field']],
    ['an entry of another stack', { environment: 'staging', imports: [{ ...role, stack: 'prod' }] }, ['imports-file-stack']],
    ['an address that is not one', { environment: 'staging', imports: [{ ...role, address: 'api_role' }] }, ['imports-file-address-form']],
    ['an empty import ID', { environment: 'staging', imports: [{ ...role, id: ' ' }] }, ['imports-file-field']],
    ['an unknown entry field', { environment: 'staging', imports: [{ ...role, to: 'x' }] }, ['imports-file-unknown-field']],
    ['an address twice', { environment: 'staging', imports: [role, { ...role, id: 'other' }] }, ['imports-file-duplicate']],
  ])('refuses %s, with a stable code', (_name, document, codes) => {
    expect(problemsOf(document).map((line) => line.split(' ')[0])).toEqual(codes);
  });

  test('a problem names the environment, the file, the field, the value and the rule', () => {
    expect(problemsOf({ environment: 'prod', imports: [{ ...role, stack: 'prod' }] })).toEqual([
      'imports-file-environment [staging] envs/imports/staging.json: environment = "prod": must be "staging": this is envs/imports/staging.json, the import file of staging',
      'imports-file-stack [staging] envs/imports/staging.json: imports[0].stack = "prod": must be a stack of staging: staging, bootstrap-staging',
    ]);
  });
});

describe('synth with an import file', () => {
  const write = (directory: string, environment: string, document: unknown) => {
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, `${environment}.json`), typeof document === 'string' ? document : JSON.stringify(document));
  };

  test('emits an import block for every entry, in its stack, and nothing for another environment', () => {
    const scratch = tempDir('imports');
    const imports = path.join(scratch, 'imports');
    write(imports, 'staging', formatImportsFile({ environment: 'staging', imports: [role, layer, bucket] }));
    synthesize([staging, prod], { outdir: path.join(scratch, 'out'), env: {}, importsDirectory: imports });
    const stack = (id: string) => JSON.parse(fs.readFileSync(path.join(scratch, 'out', 'stacks', id, 'cdk.tf.json'), 'utf8'));
    expect(stack('staging').import).toEqual([
      { to: 'aws_lambda_layer_version.deps_layer_version', id: layer.id },
      { to: 'aws_iam_role.api_role', id: role.id },
    ]);
    expect(stack('bootstrap-staging').import).toEqual([{ to: 'aws_s3_bucket.state_bucket', id: bucket.id }]);
    expect(stack('prod').import).toBeUndefined();
    // The layer keeps its placeholder, skip_destroy and ignore_changes; being imported, it is also
    // never destroyed (its imported state has no skip_destroy); the layer not imported is not.
    const layers = stack('staging').resource.aws_lambda_layer_version;
    expect(layers.deps_layer_version).toMatchObject({ skip_destroy: true, lifecycle: { prevent_destroy: true } });
    expect(layers.deps_layer_version.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['skip_destroy', 'description', 'license_info']));
    expect(layers.shared_code_layer_version.lifecycle.ignore_changes).not.toContain('description');
    expect(layers.shared_code_layer_version.lifecycle.prevent_destroy).toBeUndefined();
    expect(stack('staging').resource.aws_iam_role.api_role.lifecycle).toBeUndefined();
  });

  test("against an emulator, synth reads the emulator's import file and never the real account's", () => {
    const scratch = tempDir('imports-emulator');
    const imports = path.join(scratch, 'imports');
    // The real account's file names the state bucket's TLS-only policy, which local mode leaves out.
    write(imports, 'staging', formatImportsFile({ environment: 'staging', imports: [role, { ...bucket, address: 'aws_s3_bucket_policy.state_bucket_policy' }] }));
    write(imports, 'staging.emulator', formatImportsFile({ environment: 'staging', imports: [layer] }));
    const env = { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: 'http://127.0.0.1:5000' };
    synthesize([staging, prod], { outdir: path.join(scratch, 'local'), env, importsDirectory: imports });
    const local = JSON.parse(fs.readFileSync(path.join(scratch, 'local', 'stacks', 'staging', 'cdk.tf.json'), 'utf8'));
    expect(local.import).toEqual([{ to: 'aws_lambda_layer_version.deps_layer_version', id: layer.id }]);
    expect(importsFilePath('staging', 'envs/imports', true)).toBe('envs/imports/staging.emulator.json');
    synthesize([staging, prod], { outdir: path.join(scratch, 'real'), env: {}, importsDirectory: imports });
    const real = JSON.parse(fs.readFileSync(path.join(scratch, 'real', 'stacks', 'staging', 'cdk.tf.json'), 'utf8'));
    expect(real.import).toEqual([{ to: 'aws_iam_role.api_role', id: role.id }]);
  });

  test.each([
    [
      'an address the stack does not have',
      { environment: 'staging', imports: [{ ...role, address: 'aws_iam_role.apii_role' }] },
      'imports-file-unknown-address [staging] envs/imports/staging.json: imports[0].address = "aws_iam_role.apii_role": is not a resource of stack staging; did you mean aws_iam_role.api_role?',
    ],
    [
      'another environment',
      { environment: 'prod', imports: [] },
      'imports-file-environment [staging] envs/imports/staging.json: environment = "prod"',
    ],
    ['malformed content', '{"environment": "staging", "imports": [', 'imports-file-json [staging] envs/imports/staging.json: (document)'],
  ])('stops at %s, with nothing written', (_name, document, message) => {
    const scratch = tempDir('imports-bad');
    write(path.join(scratch, 'envs', 'imports'), 'staging', document);
    const outdir = path.join(scratch, 'out');
    const cwd = process.cwd();
    let error: unknown;
    try {
      // The default place, envs/imports/ under the working directory, as cdktf synth reads it.
      process.chdir(scratch);
      synthesize([staging], { outdir, env: {} });
    } catch (e) {
      error = e;
    } finally {
      process.chdir(cwd);
    }
    expect(error).toBeInstanceOf(ValidationError);
    const lines = (error as ValidationError).problems.map((p) => `${p.code} ${formatProblem(p)}`);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(message)).toBe(true);
    expect(readTree(outdir)).toEqual({});
  });
});

describe('adopt arguments', () => {
  const environments = ['staging', 'prod'];
  const refused = (argv: string[]) => {
    try {
      readAdoptArguments(argv, environments);
    } catch (error) {
      return (error as Error).message.split('\n');
    }
    throw new Error(`accepted: ${argv.join(' ')}`);
  };

  test('takes an environment and the switches', () => {
    expect(readAdoptArguments(['--env', 'staging', '--dry-run'], environments)).toEqual({
      environment: 'staging',
      dryRun: true,
      acceptReplacement: false,
      check: false,
    });
    expect(readAdoptArguments(['--help'], environments)).toBe('help');
  });

  test('refuses every bad argument at once: unknown and repeated options, a missing or unknown environment', () => {
    expect(refused(['--env', 'stagin', '--check', '--check', '--dryrun'])).toEqual([
      '--dryrun: unknown option; did you mean --dry-run?; options: --env, --dry-run, --accept-replacement, --check, --help',
      '--check is given 2 times; give it once',
      '--env = "stagin": must be one of the environments: staging, prod; did you mean staging?',
    ]);
    expect(refused([])).toEqual(['--env is required: the environment to adopt (staging, prod)']);
    expect(refused(['--env', 'staging', '--check', '--dry-run'])).toEqual([
      '--check writes nothing and adopts nothing: give it without --dry-run and --accept-replacement',
    ]);
  });

  test('refuses positional arguments and a switch given a value', () => {
    expect(refused(['--env', 'staging', 'prod'])).toEqual(['arguments = ["prod"]: adopt takes options only; the environment goes after --env']);
    expect(refused(['--env', 'staging', '--dry-run=yes'])[0]).toMatch(/^--dry-run/);
  });
});

describe('what adopt reads', () => {
  test('a Terraform state that is not JSON stops it, naming the state', () => {
    expect(() => stateAddresses('{"resources": [', 's3://bucket/key')).toThrow(
      /^the Terraform state s3:\/\/bucket\/key is not JSON \(.*\); nothing was written$/,
    );
    expect(stateAddresses('', 's3://bucket/key')).toEqual(new Set());
  });

  test('adopt knows how to find every resource type the stacks hold: provisioned concurrency, a JWT authorizer and a function URL included', () => {
    const withProvisioned = { ...staging, functions: { ...staging.functions, api: { ...staging.functions!.api, provisionedConcurrentExecutions: 1 } } };
    const withAuthorizerAndUrl: EnvironmentConfig = {
      ...staging,
      httpApis: { public: { ...staging.httpApis!.public, jwtAuthorizer: { issuer: 'https://issuer.example.com', audience: ['bookshelf'] } } },
      functions: { ...staging.functions, cleanup: { ...staging.functions!.cleanup, functionUrl: { authType: 'NONE', public: true } } },
    };
    const types = new Set([staging, prod, withProvisioned, withAuthorizerAndUrl].flatMap((config) => planEnvironment(config).resources.map((r) => r.type)));
    expect([...types].filter((type) => !(type in RESOURCE_KINDS))).toEqual([]);
    expect([...types]).toEqual(
      expect.arrayContaining([
        'aws_lambda_alias',
        'aws_cloudwatch_metric_alarm',
        'aws_lambda_provisioned_concurrency_config',
        'aws_apigatewayv2_api',
        'aws_apigatewayv2_authorizer',
        'aws_apigatewayv2_integration',
        'aws_apigatewayv2_route',
        'aws_apigatewayv2_stage',
        'aws_lambda_event_source_mapping',
        'aws_lambda_function_url',
        'aws_sqs_queue_redrive_allow_policy',
      ]),
    );
  });

  describe('the resources of a function\'s alias', () => {
    /** A resource of the staging stack whose arguments are these literals. */
    const resourceOf = (type: string, config: Record<string, string>) => ({ stack: 'staging', type, address: `${type}.api`, config });
    const lookupFor = (clients: ReturnType<typeof awsClients>) => ({
      clients,
      text: async (r: { config: Record<string, unknown> }, argument: string) => r.config[argument] as string | undefined,
      referenced: () => undefined,
    });
    const lambda = mockClient(LambdaClient);
    const cloudwatch = mockClient(CloudWatchClient);
    const clients = awsClients('us-west-2');
    afterEach(() => {
      lambda.reset();
      cloudwatch.reset();
    });
    afterAll(() => {
      lambda.restore();
      cloudwatch.restore();
      clients.lambda.destroy();
      clients.cloudwatch.destroy();
    });

    test('an alias is imported as <function>/<alias>, whatever versions CI moved it to', async () => {
      const arn = 'arn:aws:lambda:us-west-2:111111111111:function:bookshelf-staging-api:live';
      lambda
        .on(GetAliasCommand, { FunctionName: 'bookshelf-staging-api', Name: 'live' })
        .resolves({ AliasArn: arn, Name: 'live', FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } } });
      const resource = resourceOf('aws_lambda_alias', { function_name: 'bookshelf-staging-api', name: 'live' });
      expect(await RESOURCE_KINDS.aws_lambda_alias.find(resource, lookupFor(clients))).toEqual({
        id: 'bookshelf-staging-api/live',
        note: 'alias live of function bookshelf-staging-api (version 7, 10% to version 8)',
        attributes: { id: arn, arn, name: 'live', function_name: 'bookshelf-staging-api', function_version: '7' },
        replacements: [],
      });
      lambda.on(GetAliasCommand).rejects(Object.assign(new Error('Alias not found'), { name: 'ResourceNotFoundException' }));
      expect(await RESOURCE_KINDS.aws_lambda_alias.find(resource, lookupFor(clients))).toBeUndefined();
    });

    test('provisioned concurrency is imported as <function>,<qualifier>', async () => {
      lambda
        .on(GetProvisionedConcurrencyConfigCommand, { FunctionName: 'bookshelf-staging-api', Qualifier: 'live' })
        .resolves({ RequestedProvisionedConcurrentExecutions: 2, Status: 'READY' });
      const resource = resourceOf('aws_lambda_provisioned_concurrency_config', { function_name: 'bookshelf-staging-api', qualifier: 'live' });
      expect(await RESOURCE_KINDS.aws_lambda_provisioned_concurrency_config.find(resource, lookupFor(clients))).toEqual({
        id: 'bookshelf-staging-api,live',
        note: 'provisioned concurrency of bookshelf-staging-api:live (2 requested, READY)',
        attributes: { id: 'bookshelf-staging-api,live', function_name: 'bookshelf-staging-api', qualifier: 'live' },
        replacements: [],
      });
      lambda
        .on(GetProvisionedConcurrencyConfigCommand)
        .rejects(Object.assign(new Error('No Provisioned Concurrency Config found'), { name: 'ProvisionedConcurrencyConfigNotFoundException' }));
      expect(await RESOURCE_KINDS.aws_lambda_provisioned_concurrency_config.find(resource, lookupFor(clients))).toBeUndefined();
    });

    test('the errors alarm is imported by its name', async () => {
      const arn = 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:bookshelf-staging-api-errors';
      cloudwatch
        .on(DescribeAlarmsCommand, { AlarmNames: ['bookshelf-staging-api-errors'], AlarmTypes: ['MetricAlarm'] })
        .resolves({ MetricAlarms: [{ AlarmName: 'bookshelf-staging-api-errors', AlarmArn: arn, Namespace: 'AWS/Lambda', MetricName: 'Errors', StateValue: 'OK' }] });
      const resource = resourceOf('aws_cloudwatch_metric_alarm', { alarm_name: 'bookshelf-staging-api-errors' });
      expect(await RESOURCE_KINDS.aws_cloudwatch_metric_alarm.find(resource, lookupFor(clients))).toEqual({
        id: 'bookshelf-staging-api-errors',
        note: 'alarm bookshelf-staging-api-errors (AWS/Lambda Errors, OK)',
        attributes: { id: 'bookshelf-staging-api-errors', alarm_name: 'bookshelf-staging-api-errors', arn },
        replacements: [],
      });
      cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
      expect(await RESOURCE_KINDS.aws_cloudwatch_metric_alarm.find(resource, lookupFor(clients))).toBeUndefined();
    });
  });

  test("a bucket policy with statements the stack's policy lacks is held back, naming them", async () => {
    const s3 = mockClient(S3Client);
    try {
      const clients = awsClients('us-west-2');
      const resource = {
        stack: 'bootstrap-staging',
        type: 'aws_s3_bucket_policy',
        address: 'aws_s3_bucket_policy.state_bucket_policy',
        config: { bucket: 'bookshelf-terraform-state-111111111111', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecureTransport' }] }) },
      };
      const lookup = { clients, text: async (r: typeof resource, argument: string) => String((r.config as Record<string, unknown>)[argument]), referenced: () => undefined };
      const policy = (statements: object[]) => ({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });

      s3.on(GetBucketPolicyCommand).resolves(policy([{ Sid: 'DenyInsecureTransport' }, { Sid: 'AuditRead' }, { Effect: 'Allow' }]));
      const found = await RESOURCE_KINDS.aws_s3_bucket_policy.find(resource, lookup);
      expect(found?.replacements.map(describeReplacement)).toEqual([
        'policy: ["DenyInsecureTransport"] in the configuration, ["DenyInsecureTransport","AuditRead","(statement 3, no Sid)"] in the account; ' +
          "replacing it: the apply would overwrite the bucket's policy and drop AuditRead, (statement 3, no Sid); to keep an artifacts bucket " +
          'and its policy out of the bootstrap stack, set artifactsBucketExists: true',
      ]);

      s3.on(GetBucketPolicyCommand).resolves(policy([{ Sid: 'DenyInsecureTransport' }]));
      expect((await RESOURCE_KINDS.aws_s3_bucket_policy.find(resource, lookup))?.replacements).toEqual([]);
      clients.s3.destroy();
    } finally {
      s3.restore();
    }
  });
});
