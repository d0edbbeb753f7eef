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
import { ApiGatewayV2Client, GetApisCommand, GetAuthorizersCommand, GetIntegrationsCommand, GetRoutesCommand, GetStageCommand } from '@aws-sdk/client-apigatewayv2';
import {
  GetAliasCommand,
  GetFunctionUrlConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
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

  describe('the resources of an HTTP API, a function URL and a queue consumer', () => {
    const resourceOf = (type: string, config: Record<string, string>) => ({ stack: 'staging', type, address: `${type}.public`, config });
    const notFound = (name: string) => Object.assign(new Error(name), { name });
    // Mocked once the alias's tests have restored their Lambda mock.
    const mocks = () => ({ apigateway: mockClient(ApiGatewayV2Client), lambda: mockClient(LambdaClient), sqs: mockClient(SQSClient) });
    let apigateway: ReturnType<typeof mocks>['apigateway'];
    let lambda: ReturnType<typeof mocks>['lambda'];
    let sqs: ReturnType<typeof mocks>['sqs'];
    let clients: ReturnType<typeof awsClients>;
    /** Arguments are literals; `function_name` and `integration_uri` may refer to the alias of function bookshelf-staging-api. */
    const lookup = () => {
      const alias = resourceOf('aws_lambda_alias', { function_name: 'bookshelf-staging-api', name: 'live' });
      return {
        clients,
        text: async (r: { config: Record<string, unknown> }, argument: string) => r.config[argument] as string | undefined,
        referenced: (r: { config: Record<string, unknown> }, argument: string) => (String(r.config[argument]).includes(':live') || r.config[argument] === undefined ? alias : undefined),
      };
    };
    const apiId = 'a1b2c3';
    const aliasArn = 'arn:aws:lambda:us-west-2:111111111111:function:bookshelf-staging-api:live';
    beforeAll(() => {
      ({ apigateway, lambda, sqs } = mocks());
      clients = awsClients('us-west-2');
    });
    afterEach(() => {
      apigateway.reset();
      lambda.reset();
      sqs.reset();
    });
    afterAll(() => {
      apigateway.restore();
      lambda.restore();
      sqs.restore();
      for (const client of [clients.apigateway, clients.lambda, clients.sqs]) client.destroy();
    });

    test('an API is imported by its id, found by its name over every page; another protocol is a replacement; two of the name stop adopt', async () => {
      const resource = resourceOf('aws_apigatewayv2_api', { name: 'bookshelf-staging-public', protocol_type: 'HTTP' });
      const api = { Name: 'bookshelf-staging-public', ApiId: apiId, ProtocolType: 'HTTP' as const, RouteSelectionExpression: '$request.method $request.path', ApiEndpoint: `https://${apiId}.execute-api.us-west-2.amazonaws.com` };
      apigateway.on(GetApisCommand, { NextToken: undefined }).resolves({ Items: [{ ...api, Name: 'other', ApiId: 'zzz' }], NextToken: 'page-2' });
      apigateway.on(GetApisCommand, { NextToken: 'page-2' }).resolves({ Items: [api] });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_api.find(resource, lookup())).toEqual({
        id: apiId,
        note: `HTTP API bookshelf-staging-public (${apiId}, ${api.ApiEndpoint})`,
        attributes: { id: apiId, name: 'bookshelf-staging-public', api_endpoint: api.ApiEndpoint },
        replacements: [],
      });
      apigateway.on(GetApisCommand, { NextToken: 'page-2' }).resolves({ Items: [{ ...api, ProtocolType: 'WEBSOCKET' }] });
      expect((await RESOURCE_KINDS.aws_apigatewayv2_api.find(resource, lookup()))?.replacements.map(describeReplacement)).toEqual([
        'protocol_type: "HTTP" in the configuration, "WEBSOCKET" in the account; replacing it: the API would be deleted and created again with a new id and endpoint: its callers would have to be given the new URL',
      ]);
      apigateway.on(GetApisCommand, { NextToken: 'page-2' }).resolves({ Items: [api, { ...api, ApiId: 'd4e5f6' }] });
      await expect(RESOURCE_KINDS.aws_apigatewayv2_api.find(resource, lookup())).rejects.toThrow(
        `2 API Gateway APIs are named bookshelf-staging-public (ids ${apiId}, d4e5f6): adopt cannot tell which one is the stack's aws_apigatewayv2_api.public`,
      );
      apigateway.on(GetApisCommand, { NextToken: 'page-2' }).resolves({ Items: [] });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_api.find(resource, lookup())).toBeUndefined();
    });

    test('a stage is imported as <api id>/<stage name>', async () => {
      const resource = resourceOf('aws_apigatewayv2_stage', { api_id: apiId, name: '$default' });
      apigateway.on(GetStageCommand, { ApiId: apiId, StageName: '$default' }).resolves({ StageName: '$default', AutoDeploy: true });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_stage.find(resource, lookup())).toEqual({
        id: `${apiId}/$default`,
        note: `stage $default of API ${apiId} (deployed on every change)`,
        attributes: { id: '$default', name: '$default', api_id: apiId },
        replacements: [],
      });
      apigateway.on(GetStageCommand).rejects(notFound('NotFoundException'));
      expect(await RESOURCE_KINDS.aws_apigatewayv2_stage.find(resource, lookup())).toBeUndefined();
    });

    test('an authorizer is imported as <api id>/<authorizer id>, found by its name', async () => {
      const resource = resourceOf('aws_apigatewayv2_authorizer', { api_id: apiId, name: 'jwt' });
      apigateway.on(GetAuthorizersCommand, { ApiId: apiId }).resolves({
        Items: [
          { Name: 'legacy', AuthorizerId: 'old1', AuthorizerType: 'REQUEST' },
          { Name: 'jwt', AuthorizerId: 'au7h', AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://issuer.example.com' } },
        ],
      });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_authorizer.find(resource, lookup())).toEqual({
        id: `${apiId}/au7h`,
        note: `JWT authorizer jwt of API ${apiId} (issuer https://issuer.example.com)`,
        attributes: { id: 'au7h', name: 'jwt', api_id: apiId },
        replacements: [],
      });
      apigateway.on(GetAuthorizersCommand).resolves({ Items: [{ Name: 'legacy', AuthorizerId: 'old1', AuthorizerType: 'REQUEST' }] });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_authorizer.find(resource, lookup())).toBeUndefined();
    });

    test("an integration is imported as <api id>/<integration id>, found by the alias's ARN, or the function's before it has an alias; another type is a replacement", async () => {
      const resource = resourceOf('aws_apigatewayv2_integration', { api_id: apiId, integration_type: 'AWS_PROXY', integration_uri: aliasArn });
      const other = { IntegrationId: 'i0', IntegrationType: 'HTTP_PROXY' as const, IntegrationUri: 'https://example.com' };
      apigateway.on(GetIntegrationsCommand, { ApiId: apiId }).resolves({ Items: [other, { IntegrationId: 'i1', IntegrationType: 'AWS_PROXY', IntegrationUri: aliasArn }] });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_integration.find(resource, lookup())).toEqual({
        id: `${apiId}/i1`,
        note: `AWS_PROXY integration i1 of API ${apiId} (${aliasArn})`,
        attributes: { id: 'i1', api_id: apiId },
        replacements: [],
      });
      // Made by hand on the function itself, before there was an alias (whose ARN is then unknown).
      const onFunction = { IntegrationId: 'i2', IntegrationType: 'AWS' as const, IntegrationUri: aliasArn.replace(/:live$/, '') };
      apigateway.on(GetIntegrationsCommand, { ApiId: apiId }).resolves({ Items: [other, onFunction] });
      const beforeAlias = { ...resource, config: { api_id: apiId, integration_type: 'AWS_PROXY' } };
      const found = await RESOURCE_KINDS.aws_apigatewayv2_integration.find(beforeAlias, lookup());
      expect(found?.id).toBe(`${apiId}/i2`);
      expect(found?.replacements.map(describeReplacement)).toEqual([
        'integration_type: "AWS_PROXY" in the configuration, "AWS" in the account; replacing it: the integration would be deleted and created again: ' +
          "the API's routes to it would fail until the apply points them at the new one",
      ]);
      apigateway.on(GetIntegrationsCommand, { ApiId: apiId }).resolves({ Items: [other] });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_integration.find(resource, lookup())).toBeUndefined();
    });

    test('a route is imported as <api id>/<route id>, found by its route key', async () => {
      const resource = resourceOf('aws_apigatewayv2_route', { api_id: apiId, route_key: '$default' });
      apigateway.on(GetRoutesCommand, { ApiId: apiId }).resolves({
        Items: [
          { RouteKey: 'GET /books', RouteId: 'r1', ApiKeyRequired: false },
          { RouteKey: '$default', RouteId: 'r2', Target: 'integrations/i1', AuthorizationType: 'NONE' },
        ],
      });
      expect(await RESOURCE_KINDS.aws_apigatewayv2_route.find(resource, lookup())).toEqual({
        id: `${apiId}/r2`,
        note: `route $default of API ${apiId} (to integrations/i1, authorization NONE)`,
        attributes: { id: 'r2', route_key: '$default', api_id: apiId },
        replacements: [],
      });
      apigateway.on(GetRoutesCommand).rejects(notFound('NotFoundException'));
      expect(await RESOURCE_KINDS.aws_apigatewayv2_route.find(resource, lookup())).toBeUndefined();
    });

    test("a function URL on an alias is imported as <function>/<alias>", async () => {
      const resource = resourceOf('aws_lambda_function_url', { function_name: 'bookshelf-staging-cleanup', qualifier: 'live' });
      const url = 'https://abcdefghij.lambda-url.us-west-2.on.aws/';
      lambda
        .on(GetFunctionUrlConfigCommand, { FunctionName: 'bookshelf-staging-cleanup', Qualifier: 'live' })
        .resolves({ FunctionUrl: url, FunctionArn: `${aliasArn}`, AuthType: 'NONE' });
      expect(await RESOURCE_KINDS.aws_lambda_function_url.find(resource, lookup())).toEqual({
        id: 'bookshelf-staging-cleanup/live',
        note: `URL of alias live of bookshelf-staging-cleanup (${url}, auth NONE)`,
        attributes: { id: 'bookshelf-staging-cleanup/live', function_url: url, function_arn: aliasArn, url_id: 'abcdefghij' },
        replacements: [],
      });
      lambda.on(GetFunctionUrlConfigCommand).rejects(notFound('ResourceNotFoundException'));
      expect(await RESOURCE_KINDS.aws_lambda_function_url.find(resource, lookup())).toBeUndefined();
    });

    test("an event source mapping is imported by its UUID: the alias's, or the function's own, which the apply moves to the alias", async () => {
      const queueArn = 'arn:aws:sqs:us-west-2:111111111111:bookshelf-staging-analysis-jobs';
      const resource = resourceOf('aws_lambda_event_source_mapping', { event_source_arn: queueArn, function_name: aliasArn });
      const onAlias = { UUID: 'uuid-alias', FunctionArn: aliasArn, State: 'Enabled', BatchSize: 1 };
      const onFunction = { UUID: 'uuid-function', FunctionArn: aliasArn.replace(/:live$/, ''), State: 'Enabled', BatchSize: 10 };
      const elsewhere = { UUID: 'uuid-other', FunctionArn: 'arn:aws:lambda:us-west-2:111111111111:function:bookshelf-staging-api-v2', State: 'Enabled' };
      lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn }).resolves({ EventSourceMappings: [elsewhere, onFunction], NextMarker: 'm2' });
      lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn, Marker: 'm2' }).resolves({ EventSourceMappings: [onAlias] });
      expect(await RESOURCE_KINDS.aws_lambda_event_source_mapping.find(resource, lookup())).toEqual({
        id: 'uuid-alias',
        note: `event source mapping uuid-alias from ${queueArn} to ${aliasArn} (Enabled, batches of 1)`,
        attributes: { id: 'uuid-alias', uuid: 'uuid-alias', arn: '', function_arn: aliasArn },
        replacements: [],
      });
      lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn, Marker: 'm2' }).resolves({ EventSourceMappings: [] });
      expect((await RESOURCE_KINDS.aws_lambda_event_source_mapping.find(resource, lookup()))?.id).toBe('uuid-function');
      lambda.on(ListEventSourceMappingsCommand, { EventSourceArn: queueArn }).resolves({ EventSourceMappings: [elsewhere] });
      expect(await RESOURCE_KINDS.aws_lambda_event_source_mapping.find(resource, lookup())).toBeUndefined();
    });

    test('a redrive allow policy is imported by the queue URL; a queue without one has none to import', async () => {
      const queueUrl = 'https://sqs.us-west-2.amazonaws.com/111111111111/bookshelf-staging-analysis-jobs-dlq';
      const resource = resourceOf('aws_sqs_queue_redrive_allow_policy', { queue_url: queueUrl });
      const source = 'arn:aws:sqs:us-west-2:111111111111:bookshelf-staging-analysis-jobs';
      sqs
        .on(GetQueueAttributesCommand, { QueueUrl: queueUrl, AttributeNames: ['RedriveAllowPolicy'] })
        .resolves({ Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [source] }) } });
      expect(await RESOURCE_KINDS.aws_sqs_queue_redrive_allow_policy.find(resource, lookup())).toEqual({
        id: queueUrl,
        note: "redrive allow policy of SQS queue bookshelf-staging-analysis-jobs-dlq (byQueue: bookshelf-staging-analysis-jobs; replaced by the stack's at the next apply)",
        attributes: { id: queueUrl, queue_url: queueUrl },
        replacements: [],
      });
      sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
      expect(await RESOURCE_KINDS.aws_sqs_queue_redrive_allow_policy.find(resource, lookup())).toBeUndefined();
      sqs.on(GetQueueAttributesCommand).rejects(notFound('QueueDoesNotExist'));
      expect(await RESOURCE_KINDS.aws_sqs_queue_redrive_allow_policy.find(resource, lookup())).toBeUndefined();
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
