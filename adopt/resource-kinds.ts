import { arn } from '../core/arn';
import { partitionOf, REGION_NAMES } from '../core/regions';
import { GetApisCommand, GetAuthorizersCommand, GetIntegrationsCommand, GetRoutesCommand, GetStageCommand } from '@aws-sdk/client-apigatewayv2';
import { DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  GetAliasCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand,
  EventSourceMappingConfiguration,
  LayerVersionsListItem,
  ListEventSourceMappingsCommand,
  ListLayerVersionsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { AdoptError, AwsClients } from './aws';
import { PlannedResource } from './planned';

/** An attribute on which the account and the configuration differ, so that Terraform would replace the resource. */
export interface Replacement {
  /** The Terraform attribute, as in the synthesized JSON: `compatible_runtimes`. */
  readonly attribute: string;
  /** Its value in the configuration. */
  readonly config: unknown;
  /** Its value in the account. */
  readonly actual: unknown;
  /** What a replacement would do, in words: `a new layer version would be published from the placeholder`. */
  readonly consequence: string;
}

/** A resource found in the account. */
export interface Found {
  /** Its Terraform import ID. */
  readonly id: string;
  /** What it is, for the reviewer of the import file. */
  readonly note: string;
  /** What references to it resolve to (`arn`, `name`, `id`, …), for the resources that refer to it. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Attributes that differ in a way that makes Terraform replace it (ForceNew in hashicorp/aws 5.x). */
  readonly replacements: readonly Replacement[];
}

/** What a kind of resource needs to be found: the clients, and the values of its configuration. */
export interface Lookup {
  readonly clients: AwsClients;
  /**
   * A string argument of a resource's configuration: the literal, or, for a reference to another
   * resource of the stack (`${aws_iam_role.api_role.id}`), that attribute of the other resource
   * as found in the account; undefined when it is not there (nor, then, anything that needs it).
   */
  text(resource: PlannedResource, argument: string): Promise<string | undefined>;
  /** The resource of the stack an argument refers to (`${aws_lambda_alias.api_alias.arn}`: the alias), if it is a reference. */
  referenced(resource: PlannedResource, argument: string): PlannedResource | undefined;
}

/** How to find one Terraform resource type in an account, and its import ID. */
export interface ResourceKind {
  /** Looks the resource up; undefined when the account does not hold it. Other failures are thrown. */
  find(resource: PlannedResource, lookup: Lookup): Promise<Found | undefined>;
}

/**
 * Every resource type the stacks create, with how to find it and its import ID (hashicorp/aws
 * 5.x). A type the stacks hold that has no row here stops adopt, naming the type: add its row.
 * The replacements listed are the ForceNew arguments the stacks set or leave at a default.
 */
export const RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  aws_lambda_function: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'function_name');
      if (name === undefined) return undefined;
      const found = await absentOn(['ResourceNotFoundException'], () => clients.lambda.send(new GetFunctionCommand({ FunctionName: name })));
      const configuration = found?.Configuration;
      if (!configuration) return undefined;
      const layers = configuration.Layers?.length ?? 0;
      return {
        id: name,
        note: `function ${name} (runtime ${configuration.Runtime ?? 'none: a container image'}, ${layers} layer${layers === 1 ? '' : 's'})`,
        attributes: { id: name, function_name: name, arn: configuration.FunctionArn ?? '' },
        replacements: differences([
          {
            attribute: 'package_type',
            config: (resource.config.package_type as string | undefined) ?? 'Zip',
            actual: configuration.PackageType ?? 'Zip',
            consequence: `the function would be deleted and created again from the placeholder package: its code, versions, aliases and triggers would be lost`,
          },
        ]),
      };
    },
  },

  aws_lambda_alias: {
    async find(resource, { clients, text }) {
      const [functionName, name] = [await text(resource, 'function_name'), await text(resource, 'name')];
      if (functionName === undefined || name === undefined) return undefined;
      const alias = await absentOn(['ResourceNotFoundException'], () => clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: name })));
      if (!alias?.AliasArn) return undefined;
      // Its versions and weights are CI's (ignore_changes): whatever they are, the import keeps them.
      const weights = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`);
      const id = `${functionName}/${name}`;
      return {
        id,
        note: `alias ${name} of function ${functionName} (version ${alias.FunctionVersion ?? 'unknown'}${weights.length > 0 ? `, ${weights.join(', ')}` : ''})`,
        attributes: { id: alias.AliasArn, arn: alias.AliasArn, name, function_name: functionName, function_version: alias.FunctionVersion ?? '' },
        replacements: [],
      };
    },
  },

  aws_lambda_provisioned_concurrency_config: {
    async find(resource, { clients, text }) {
      const [functionName, qualifier] = [await text(resource, 'function_name'), await text(resource, 'qualifier')];
      if (functionName === undefined || qualifier === undefined) return undefined;
      const config = await absentOn(['ProvisionedConcurrencyConfigNotFoundException', 'ResourceNotFoundException'], () =>
        clients.lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: functionName, Qualifier: qualifier })),
      );
      if (!config) return undefined;
      const id = `${functionName},${qualifier}`;
      return {
        id,
        note: `provisioned concurrency of ${functionName}:${qualifier} (${config.RequestedProvisionedConcurrentExecutions ?? 0} requested, ${config.Status ?? 'status unknown'})`,
        attributes: { id, function_name: functionName, qualifier },
        replacements: [],
      };
    },
  },

  aws_lambda_function_event_invoke_config: {
    async find(resource, { clients, text }) {
      const [functionName, qualifier] = [await text(resource, 'function_name'), await text(resource, 'qualifier')];
      if (functionName === undefined || qualifier === undefined) return undefined;
      const config = await absentOn(['ResourceNotFoundException'], () =>
        clients.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName, Qualifier: qualifier })),
      );
      if (!config) return undefined;
      const id = `${functionName}:${qualifier}`;
      const destination = config.DestinationConfig?.OnFailure?.Destination;
      return {
        id,
        note: `asynchronous invocation of ${functionName}:${qualifier} (${config.MaximumRetryAttempts ?? 'default'} retries, failures to ${destination ?? 'nowhere'})`,
        attributes: { id, function_name: functionName, qualifier },
        replacements: [],
      };
    },
  },

  aws_sqs_queue: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      if (name === undefined) return undefined;
      const url = (await absentOn(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], () => clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))))?.QueueUrl;
      if (url === undefined) return undefined;
      const attributes = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes ?? {};
      return { id: url, note: `SQS queue ${name}`, attributes: { id: url, url, name, arn: attributes.QueueArn ?? '' }, replacements: [] };
    },
  },

  aws_scheduler_schedule: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      const group = (await text(resource, 'group_name')) ?? 'default';
      if (name === undefined) return undefined;
      const schedule = await absentOn(['ResourceNotFoundException'], () => clients.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group })));
      if (!schedule) return undefined;
      const id = `${group}/${name}`;
      return {
        id,
        note: `schedule ${name} (${schedule.ScheduleExpression ?? 'no expression'}, ${schedule.State ?? 'state unknown'}) invoking ${schedule.Target?.Arn ?? 'nothing'}`,
        attributes: { id, name, arn: schedule.Arn ?? '' },
        replacements: [],
      };
    },
  },

  aws_lambda_function_url: {
    async find(resource, { clients, text }) {
      const functionName = await text(resource, 'function_name');
      if (functionName === undefined) return undefined;
      // A URL on an alias belongs to the alias: none while the alias is not in the account.
      const qualified = resource.config.qualifier !== undefined;
      const qualifier = qualified ? await text(resource, 'qualifier') : undefined;
      if (qualified && qualifier === undefined) return undefined;
      const url = await absentOn(['ResourceNotFoundException'], () =>
        clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) })),
      );
      if (!url?.FunctionUrl) return undefined;
      // function_name and qualifier replace a URL; both are what it was found by.
      const id = qualifier === undefined ? functionName : `${functionName}/${qualifier}`;
      return {
        id,
        note: `URL of ${qualifier === undefined ? 'function' : `alias ${qualifier} of`} ${functionName} (${url.FunctionUrl}, auth ${url.AuthType ?? 'unknown'})`,
        attributes: { id, function_url: url.FunctionUrl, function_arn: url.FunctionArn ?? '', url_id: /^https:\/\/([^.]+)\./.exec(url.FunctionUrl)?.[1] ?? '' },
        replacements: [],
      };
    },
  },

  aws_lambda_event_source_mapping: {
    async find(resource, { clients, text, referenced }) {
      const eventSource = await text(resource, 'event_source_arn');
      if (eventSource === undefined) return undefined;
      const functionArn = await text(resource, 'function_name');
      // A mapping on the function itself (or on one of its versions: an emulator stores the
      // version an alias points to) is the same consumer of the queue: the apply moves it to the
      // alias in place (function_name is updated, not replaced).
      const alias = referenced(resource, 'function_name');
      const functionName = alias?.type === 'aws_lambda_alias' ? await text(alias, 'function_name') : functionArn;
      if (functionName === undefined) return undefined;
      const mappings = await eventSourceMappings(clients, eventSource);
      const mapping =
        mappings.find((m) => functionArn !== undefined && m.FunctionArn === functionArn) ??
        mappings.find((m) => m.FunctionArn !== undefined && lambdaFunctionName(m.FunctionArn) === lambdaFunctionName(functionName));
      if (!mapping?.UUID) return undefined;
      // event_source_arn replaces a mapping: it is what the mapping was found by.
      return {
        id: mapping.UUID,
        note: `event source mapping ${mapping.UUID} from ${eventSource} to ${mapping.FunctionArn ?? 'no function'} (${mapping.State ?? 'state unknown'}, batches of ${mapping.BatchSize ?? 'default'})`,
        attributes: { id: mapping.UUID, uuid: mapping.UUID, arn: mapping.EventSourceMappingArn ?? '', function_arn: mapping.FunctionArn ?? '' },
        replacements: [],
      };
    },
  },

  aws_sqs_queue_redrive_allow_policy: {
    async find(resource, { clients, text }) {
      const url = await text(resource, 'queue_url');
      if (url === undefined) return undefined;
      const attributes = await absentOn(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], () =>
        clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedriveAllowPolicy'] })),
      );
      const policy = attributes?.Attributes?.RedriveAllowPolicy;
      // A queue without one has nothing to import: the apply sets it.
      if (!policy) return undefined;
      const { redrivePermission, sourceQueueArns } = JSON.parse(policy) as { redrivePermission?: string; sourceQueueArns?: string[] };
      const sources = sourceQueueArns === undefined ? '' : `: ${sourceQueueArns.map((a) => a.split(':').pop()).join(', ')}`;
      return {
        id: url,
        note: `redrive allow policy of SQS queue ${url.split('/').pop() ?? url} (${redrivePermission ?? 'allowAll'}${sources}; replaced by the stack's at the next apply)`,
        attributes: { id: url, queue_url: url },
        replacements: [],
      };
    },
  },

  aws_apigatewayv2_api: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      if (name === undefined) return undefined;
      const apis = (await allPages((NextToken) => clients.apigateway.send(new GetApisCommand({ NextToken })))).filter((a) => a.Name === name);
      if (apis.length === 0) return undefined;
      // API names are not unique: which of several is the stack's is the team's call.
      if (apis.length > 1) {
        throw new AdoptError(
          `${apis.length} API Gateway APIs are named ${name} (ids ${apis.map((a) => a.ApiId).join(', ')}): adopt cannot tell which one is the stack's ${resource.address}; ` +
            'rename or delete the others first; nothing was written',
        );
      }
      const [api] = apis;
      const id = api.ApiId ?? '';
      return {
        id,
        note: `${api.ProtocolType ?? 'unknown'} API ${name} (${id}, ${api.ApiEndpoint ?? 'no endpoint'})`,
        attributes: { id, name, api_endpoint: api.ApiEndpoint ?? '' },
        replacements: differences([
          {
            attribute: 'protocol_type',
            config: resource.config.protocol_type,
            actual: api.ProtocolType,
            consequence: `the API would be deleted and created again with a new id and endpoint: its callers would have to be given the new URL`,
          },
        ]),
      };
    },
  },

  aws_apigatewayv2_stage: {
    async find(resource, { clients, text }) {
      const [apiId, name] = [await text(resource, 'api_id'), await text(resource, 'name')];
      if (apiId === undefined || name === undefined) return undefined;
      const stage = await absentOn(['NotFoundException'], () => clients.apigateway.send(new GetStageCommand({ ApiId: apiId, StageName: name })));
      if (!stage) return undefined;
      // api_id and name replace a stage; both are what it was found by.
      const id = `${apiId}/${name}`;
      return {
        id,
        note: `stage ${name} of API ${apiId} (${stage.AutoDeploy ? 'deployed on every change' : `deployment ${stage.DeploymentId ?? 'none'}`})`,
        attributes: { id: name, name, api_id: apiId },
        replacements: [],
      };
    },
  },

  aws_apigatewayv2_authorizer: {
    async find(resource, { clients, text }) {
      const [apiId, name] = [await text(resource, 'api_id'), await text(resource, 'name')];
      if (apiId === undefined || name === undefined) return undefined;
      const authorizers = await absentOn(['NotFoundException'], () => allPages((NextToken) => clients.apigateway.send(new GetAuthorizersCommand({ ApiId: apiId, NextToken }))));
      const authorizer = authorizers?.find((a) => a.Name === name);
      if (!authorizer?.AuthorizerId) return undefined;
      // Only api_id replaces an authorizer: its type, issuer and audience are updated in place.
      const id = `${apiId}/${authorizer.AuthorizerId}`;
      return {
        id,
        note: `${authorizer.AuthorizerType ?? 'unknown'} authorizer ${name} of API ${apiId}${authorizer.JwtConfiguration?.Issuer ? ` (issuer ${authorizer.JwtConfiguration.Issuer})` : ''}`,
        attributes: { id: authorizer.AuthorizerId, name, api_id: apiId },
        replacements: [],
      };
    },
  },

  aws_apigatewayv2_integration: {
    async find(resource, { clients, text, referenced }) {
      const apiId = await text(resource, 'api_id');
      if (apiId === undefined) return undefined;
      const uri = await text(resource, 'integration_uri');
      // An integration of the function itself (or of one of its versions) is the same one: the
      // apply moves it to the alias in place (integration_uri is updated, not replaced).
      const alias = referenced(resource, 'integration_uri');
      const functionName = alias?.type === 'aws_lambda_alias' ? await text(alias, 'function_name') : uri === undefined ? undefined : lambdaFunctionName(uri);
      if (uri === undefined && functionName === undefined) return undefined;
      const integrations = (await absentOn(['NotFoundException'], () => allPages((NextToken) => clients.apigateway.send(new GetIntegrationsCommand({ ApiId: apiId, NextToken }))))) ?? [];
      const integration =
        integrations.find((i) => uri !== undefined && i.IntegrationUri === uri) ??
        integrations.find((i) => functionName !== undefined && i.IntegrationUri !== undefined && lambdaFunctionName(i.IntegrationUri) === functionName);
      if (!integration?.IntegrationId) return undefined;
      const id = `${apiId}/${integration.IntegrationId}`;
      return {
        id,
        note: `${integration.IntegrationType ?? 'unknown'} integration ${integration.IntegrationId} of API ${apiId} (${integration.IntegrationUri ?? 'no URI'})`,
        attributes: { id: integration.IntegrationId, api_id: apiId },
        replacements: differences([
          {
            attribute: 'integration_type',
            config: resource.config.integration_type,
            actual: integration.IntegrationType,
            consequence: `the integration would be deleted and created again: the API's routes to it would fail until the apply points them at the new one`,
          },
        ]),
      };
    },
  },

  aws_apigatewayv2_route: {
    async find(resource, { clients, text }) {
      const [apiId, routeKey] = [await text(resource, 'api_id'), await text(resource, 'route_key')];
      if (apiId === undefined || routeKey === undefined) return undefined;
      const routes = await absentOn(['NotFoundException'], () => allPages((NextToken) => clients.apigateway.send(new GetRoutesCommand({ ApiId: apiId, NextToken }))));
      const route = routes?.find((r) => r.RouteKey === routeKey);
      if (!route?.RouteId) return undefined;
      // Only api_id replaces a route: its target and authorization are updated in place.
      const id = `${apiId}/${route.RouteId}`;
      return {
        id,
        note: `route ${routeKey} of API ${apiId} (to ${route.Target ?? 'nothing'}, authorization ${route.AuthorizationType ?? 'NONE'})`,
        attributes: { id: route.RouteId, route_key: routeKey, api_id: apiId },
        replacements: [],
      };
    },
  },

  aws_cloudwatch_metric_alarm: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'alarm_name');
      if (name === undefined) return undefined;
      const alarms = (await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }))).MetricAlarms ?? [];
      const alarm = alarms.find((a) => a.AlarmName === name);
      if (!alarm) return undefined;
      return {
        id: name,
        note: `alarm ${name} (${alarm.Namespace ?? 'no namespace'} ${alarm.MetricName ?? 'no metric'}, ${alarm.StateValue ?? 'state unknown'})`,
        attributes: { id: name, alarm_name: name, arn: alarm.AlarmArn ?? '' },
        replacements: [],
      };
    },
  },

  aws_cloudwatch_dashboard: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'dashboard_name');
      if (name === undefined) return undefined;
      const dashboard = await absentOn(['ResourceNotFound', 'DashboardNotFoundError'], () => clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: name })));
      if (!dashboard) return undefined;
      const widgets = (JSON.parse(dashboard.DashboardBody ?? '{}') as { widgets?: unknown[] }).widgets?.length ?? 0;
      return {
        id: name,
        note: `dashboard ${name} (${widgets} widgets, replaced by the stack's at the next apply)`,
        attributes: { id: name, dashboard_name: name, dashboard_arn: dashboard.DashboardArn ?? '' },
        replacements: [],
      };
    },
  },

  aws_iam_role: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      if (name === undefined) return undefined;
      const role = (await absentOn(['NoSuchEntityException', 'NoSuchEntity'], () => clients.iam.send(new GetRoleCommand({ RoleName: name }))))?.Role;
      if (!role) return undefined;
      return {
        id: name,
        note: `role ${name}`,
        attributes: { id: name, name, arn: role.Arn ?? '', unique_id: role.RoleId ?? '' },
        replacements: differences([
          {
            attribute: 'path',
            config: (resource.config.path as string | undefined) ?? '/',
            actual: role.Path ?? '/',
            consequence: 'the role would be deleted and created again at the configured path: the functions using it would fail until it exists again',
          },
        ]),
      };
    },
  },

  aws_iam_role_policy: {
    async find(resource, { clients, text }) {
      const [role, name] = [await text(resource, 'role'), await text(resource, 'name')];
      if (role === undefined || name === undefined) return undefined;
      const found = await absentOn(['NoSuchEntityException', 'NoSuchEntity'], () => clients.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name })));
      if (!found) return undefined;
      return { id: `${role}:${name}`, note: `inline policy ${name} of role ${role}`, attributes: { id: `${role}:${name}`, name }, replacements: [] };
    },
  },

  aws_cloudwatch_log_group: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      if (name === undefined) return undefined;
      const groups = (await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups ?? [];
      const group = groups.find((g) => g.logGroupName === name);
      if (!group) return undefined;
      const retention = group.retentionInDays === undefined ? 'kept forever' : `kept ${group.retentionInDays} days`;
      return { id: name, note: `log group ${name} (${retention})`, attributes: { id: name, name, arn: (group.arn ?? '').replace(/:\*$/, '') }, replacements: [] };
    },
  },

  aws_lambda_layer_version: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'layer_name');
      if (name === undefined) return undefined;
      const versions = await layerVersions(clients, name);
      if (versions.length === 0) return undefined;
      const latest = versions.reduce((a, b) => ((b.Version ?? 0) > (a.Version ?? 0) ? b : a));
      const arn = latest.LayerVersionArn ?? '';
      const config = resource.config;
      const source =
        typeof config.s3_bucket === 'string' ? `s3://${config.s3_bucket}/${String(config.s3_key)}` : 'the placeholder (an empty python/ directory)';
      const consequence =
        `a new version of ${name} would be published from ${source}, the latest version a function created later gets; ` +
        `and version ${latest.Version}, whose skip_destroy cannot be imported, deleted: so adoption never does it`;
      return {
        id: arn,
        note: `layer ${name} at its latest version, ${latest.Version} (${versions.length} version${versions.length === 1 ? '' : 's'})`,
        attributes: { id: arn, arn, layer_arn: latest.LayerVersionArn?.replace(/:[0-9]+$/, '') ?? '', version: String(latest.Version) },
        replacements: differences([
          { attribute: 'compatible_runtimes', config: sortedList(config.compatible_runtimes), actual: sortedList(latest.CompatibleRuntimes), consequence },
          {
            attribute: 'compatible_architectures',
            config: sortedList(config.compatible_architectures),
            actual: sortedList(latest.CompatibleArchitectures),
            consequence,
          },
          // Its description and licence stay as published: synth ignores changes to them on an
          // adopted version (ADOPTED_LAYER_VERSION_OWN_ATTRIBUTES), so they replace nothing.
        ]),
      };
    },
  },

  aws_lambda_permission: {
    async find(resource, { clients, text }) {
      const [functionName, statementId] = [await text(resource, 'function_name'), await text(resource, 'statement_id')];
      if (functionName === undefined || statementId === undefined) return undefined;
      // A permission on an alias is a statement of the alias's own policy: none while the alias is not in the account.
      const qualified = resource.config.qualifier !== undefined;
      const qualifier = qualified ? await text(resource, 'qualifier') : undefined;
      if (qualified && qualifier === undefined) return undefined;
      const policy = await absentOn(['ResourceNotFoundException'], () =>
        clients.lambda.send(new GetPolicyCommand({ FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) })),
      );
      const statements = policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: PermissionStatement[] }).Statement ?? [] : [];
      const statement = statements.find((s) => s.Sid === statementId);
      if (!statement) return undefined;
      const principal = typeof statement.Principal === 'string' ? statement.Principal : (statement.Principal?.Service ?? statement.Principal?.AWS);
      const sourceArn = statement.Condition?.ArnLike?.['AWS:SourceArn'];
      const consequence = `the statement ${statementId} would be removed from ${functionName}'s policy and added again`;
      const configSourceArn = await text(resource, 'source_arn');
      const id = `${functionName}${qualifier === undefined ? '' : `:${qualifier}`}/${statementId}`;
      return {
        id,
        note: `permission ${statementId} on ${qualifier === undefined ? 'function' : `alias ${qualifier} of`} ${functionName} (${String(principal)})`,
        attributes: { id: statementId, statement_id: statementId },
        replacements: differences([
          { attribute: 'action', config: resource.config.action, actual: statement.Action, consequence },
          { attribute: 'principal', config: resource.config.principal, actual: principal, consequence },
          // A rule that is not in the account yet gets its ARN on creation: nothing to compare before.
          ...(configSourceArn === undefined ? [] : [{ attribute: 'source_arn', config: configSourceArn, actual: sourceArn, consequence }]),
          // Every other argument that replaces a permission: each is a condition or a part of the statement.
          { attribute: 'source_account', config: resource.config.source_account, actual: statement.Condition?.StringEquals?.['AWS:SourceAccount'], consequence },
          { attribute: 'event_source_token', config: resource.config.event_source_token, actual: statement.Condition?.StringEquals?.['lambda:EventSourceToken'], consequence },
          { attribute: 'principal_org_id', config: resource.config.principal_org_id, actual: statement.Condition?.StringEquals?.['aws:PrincipalOrgID'], consequence },
          { attribute: 'qualifier', config: qualifier, actual: qualifierOf(statement.Resource, functionName), consequence },
        ]),
      };
    },
  },

  aws_cloudwatch_event_rule: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      const bus = (await text(resource, 'event_bus_name')) ?? 'default';
      if (name === undefined) return undefined;
      const rule = await absentOn(['ResourceNotFoundException'], () => clients.events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus })));
      if (!rule) return undefined;
      const id = bus === 'default' ? name : `${bus}/${name}`;
      const schedule = rule.ScheduleExpression ? ` (${rule.ScheduleExpression})` : '';
      return { id, note: `EventBridge rule ${name}${schedule}`, attributes: { id, name, arn: rule.Arn ?? '' }, replacements: [] };
    },
  },

  aws_cloudwatch_event_target: {
    async find(resource, { clients, text, referenced }) {
      const rule = await text(resource, 'rule');
      const bus = (await text(resource, 'event_bus_name')) ?? 'default';
      if (rule === undefined) return undefined;
      const [targetId, arn] = [await text(resource, 'target_id'), await text(resource, 'arn')];
      const targets =
        (await absentOn(['ResourceNotFoundException'], () => clients.events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }))))
          ?.Targets ?? [];
      // A target on a function's alias is also the one that points at the function itself, as
      // before the function had an alias: the apply moves it to the alias (the ARN is updated in place).
      const alias = referenced(resource, 'arn');
      const aliasFunction = alias?.type === 'aws_lambda_alias' ? await text(alias, 'function_name') : undefined;
      const sameFunction = (targetArn: string | undefined) =>
        aliasFunction !== undefined && targetArn !== undefined && /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:([^:]+)(:[^:]+)?$/.exec(targetArn)?.[1] === aliasFunction;
      // Without a target id in the configuration, Terraform makes one up: the target is the one that points at the same ARN.
      const target = targets.find((t) => (targetId !== undefined ? t.Id === targetId : (arn !== undefined && t.Arn === arn) || sameFunction(t.Arn)));
      if (!target?.Id) return undefined;
      const id = `${bus === 'default' ? '' : `${bus}/`}${rule}/${target.Id}`;
      return { id, note: `target ${target.Id} of rule ${rule} (${target.Arn ?? 'no ARN'})`, attributes: { id: target.Id, target_id: target.Id }, replacements: [] };
    },
  },

  aws_s3_bucket: {
    async find(resource, { clients, text }) {
      const bucket = await text(resource, 'bucket');
      const clientsRegion = await clients.s3.config.region();
      if (bucket === undefined) return undefined;
      const found = await absentOn(['NotFound', 'NoSuchBucket'], () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })));
      if (!found) return undefined;
      // The clients are the environment's, in a region the config schema has checked.
      const region = REGION_NAMES.find((name) => name === clientsRegion) ?? REGION_NAMES[0];
      const partition = partitionOf(region);
      return { id: bucket, note: `S3 bucket ${bucket}`, attributes: { id: bucket, bucket, arn: arn({ partition, service: 's3', resource: bucket }) }, replacements: [] };
    },
  },
  aws_s3_bucket_versioning: bucketSetting(async (clients, bucket) => {
    const status = (await clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
    return status === undefined ? undefined : `versioning ${status}`;
  }),
  aws_s3_bucket_server_side_encryption_configuration: bucketSetting(async (clients, bucket) => {
    const found = await absentOn(['ServerSideEncryptionConfigurationNotFoundError'], () => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })));
    const algorithm = found?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    return found ? `default encryption ${algorithm ?? 'set'}` : undefined;
  }),
  aws_s3_bucket_public_access_block: bucketSetting(async (clients, bucket) => {
    const found = await absentOn(['NoSuchPublicAccessBlockConfiguration'], () => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })));
    return found ? 'public access block' : undefined;
  }),
  aws_s3_bucket_ownership_controls: bucketSetting(async (clients, bucket) => {
    const found = await absentOn(['OwnershipControlsNotFoundError'], () => clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })));
    return found ? `object ownership ${found.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'set'}` : undefined;
  }),
  aws_s3_bucket_policy: {
    async find(resource, { clients, text }) {
      const bucket = await text(resource, 'bucket');
      if (bucket === undefined) return undefined;
      const found = await absentOn(['NoSuchBucketPolicy', 'NoSuchBucket'], () => clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
      if (!found?.Policy) return undefined;
      // The stack writes the whole policy: every statement of the account's that the stack's does
      // not have is dropped by the apply (a cross-account grant, say). That is held back.
      const sids = (policy: unknown) =>
        ((policy as { Statement?: { Sid?: string }[] })?.Statement ?? []).map((s, i) => s.Sid ?? `(statement ${i + 1}, no Sid)`);
      const planned = sids(JSON.parse(String(resource.config.policy ?? '{}')));
      const existing = sids(JSON.parse(found.Policy));
      const dropped = existing.filter((sid) => !planned.includes(sid));
      return {
        id: bucket,
        note: `bucket policy of S3 bucket ${bucket} (${existing.length} statement${existing.length === 1 ? '' : 's'})`,
        attributes: { id: bucket, bucket },
        replacements:
          dropped.length === 0
            ? []
            : [
                {
                  attribute: 'policy',
                  config: planned,
                  actual: existing,
                  consequence:
                    `the apply would overwrite the bucket's policy and drop ${dropped.join(', ')}; ` +
                    'to keep an artifacts bucket and its policy out of the bootstrap stack, set artifactsBucketExists: true',
                },
              ],
      };
    },
  },
  aws_s3_bucket_lifecycle_configuration: bucketSetting(async (clients, bucket) => {
    const found = await absentOn(['NoSuchLifecycleConfiguration'], () => clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })));
    return found ? `lifecycle configuration (${found.Rules?.length ?? 0} rules)` : undefined;
  }),

  aws_dynamodb_table: {
    async find(resource, { clients, text }) {
      const name = await text(resource, 'name');
      if (name === undefined) return undefined;
      const table = (await absentOn(['ResourceNotFoundException'], () => clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))))?.Table;
      if (!table) return undefined;
      const key = (type: string) => table.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
      const consequence = `the table would be deleted and created again: the state locks it holds would be lost`;
      return {
        id: name,
        note: `DynamoDB table ${name}`,
        attributes: { id: name, name, arn: table.TableArn ?? '' },
        replacements: differences([
          { attribute: 'hash_key', config: resource.config.hash_key, actual: key('HASH'), consequence },
          { attribute: 'range_key', config: resource.config.range_key, actual: key('RANGE'), consequence },
        ]),
      };
    },
  },
};

interface PermissionStatement {
  readonly Sid?: string;
  readonly Action?: string;
  readonly Principal?: string | { readonly Service?: string; readonly AWS?: string };
  readonly Resource?: string;
  readonly Condition?: { readonly ArnLike?: Record<string, string>; readonly StringEquals?: Record<string, string> };
}

/** The alias or version a permission's statement is on (`function:name:live`), or undefined for the function itself. */
function qualifierOf(resource: string | undefined, functionName: string): string | undefined {
  const match = resource === undefined ? null : new RegExp(`:function:${functionName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:([^:]+)$`).exec(resource);
  return match?.[1];
}

/** A setting of a bucket, imported by the bucket's name; `describe` says what is set, or undefined when nothing is. */
function bucketSetting(describe: (clients: AwsClients, bucket: string) => Promise<string | undefined>): ResourceKind {
  return {
    async find(resource, { clients, text }) {
      const bucket = await text(resource, 'bucket');
      if (bucket === undefined) return undefined;
      const setting = await absentOn(['NoSuchBucket'], () => describe(clients, bucket));
      if (setting === undefined) return undefined;
      return { id: bucket, note: `${setting} of S3 bucket ${bucket}`, attributes: { id: bucket, bucket }, replacements: [] };
    },
  };
}

async function layerVersions(clients: AwsClients, layerName: string): Promise<LayerVersionsListItem[]> {
  const versions: LayerVersionsListItem[] = [];
  let marker: string | undefined;
  do {
    const page = await absentOn(['ResourceNotFoundException'], () =>
      clients.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, ...(marker ? { Marker: marker } : {}) })),
    );
    versions.push(...(page?.LayerVersions ?? []));
    marker = page?.NextMarker;
  } while (marker);
  return versions;
}

/** Every item of a paginated API Gateway listing (`Items`, `NextToken`). */
async function allPages<T>(page: (token: string | undefined) => Promise<{ Items?: T[]; NextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    items.push(...(result.Items ?? []));
    token = result.NextToken;
  } while (token);
  return items;
}

/** The event source mappings that read a queue (or stream). */
async function eventSourceMappings(clients: AwsClients, eventSourceArn: string): Promise<EventSourceMappingConfiguration[]> {
  const mappings: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: eventSourceArn, ...(marker ? { Marker: marker } : {}) }));
    mappings.push(...(page.EventSourceMappings ?? []));
    marker = page.NextMarker;
  } while (marker);
  return mappings;
}

/**
 * The name of the function a Lambda ARN names, qualified or not, also inside API Gateway's
 * invocation URI (`arn:aws:apigateway:…:lambda:path/2015-03-31/functions/<ARN>/invocations`);
 * anything else is returned as it is (a function's name).
 */
export function lambdaFunctionName(value: string): string {
  return /:function:([^:/]+)(:[^:/]+)?(\/invocations)?$/.exec(value)?.[1] ?? value;
}

/** The call's result, or undefined when it fails with one of the errors that mean "not there". */
async function absentOn<T>(names: readonly string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    if (names.includes(e.name ?? '') || names.includes(e.Code ?? '')) return undefined;
    throw error;
  }
}

/** A list as a set, for comparing: sorted; absent is empty. */
function sortedList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String).sort() : [];
}

function differences(candidates: readonly Replacement[]): Replacement[] {
  return candidates.filter((c) => JSON.stringify(c.config) !== JSON.stringify(c.actual));
}
