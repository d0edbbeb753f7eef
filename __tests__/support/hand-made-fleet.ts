import { CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateEventSourceMappingCommand, CreateFunctionCommand, PublishLayerVersionCommand, Runtime } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { BucketLocationConstraint, CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { deterministicZip } from '../../core/deterministic-zip';
import { emulatorClients } from './moto';

/** What a team built by hand: names in, and what the emulator answered. */
export interface HandMadeFleet {
  readonly functionName: string;
  readonly functionArn: string;
  readonly codeSha256: string;
  readonly layerName: string;
  /** The layer's versions, oldest first; the function runs the last. */
  readonly layerVersionArns: readonly string[];
  readonly ruleArn: string;
  readonly stateBucket: string;
}

export interface HandMadeFleetNames {
  readonly functionName: string;
  readonly handler: string;
  readonly layerName: string;
  readonly layerDescription: string;
  readonly runtime: Runtime;
  readonly stateBucket: string;
}

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * A fleet made the way teams made it before this project, by hand or with HCL: a function with
 * its role, inline logs policy and log group, a dependencies layer with two versions (the
 * function runs the second), an EventBridge schedule with its target and invoke permission, and
 * the state bucket (versioned).
 */
export async function makeFleetByHand(endpoint: string, region: string, names: HandMadeFleetNames): Promise<HandMadeFleet> {
  const aws = emulatorClients(endpoint, region);
  try {
    const role = await aws.iam.send(new CreateRoleCommand({ RoleName: names.functionName, AssumeRolePolicyDocument: TRUST_POLICY }));
    await aws.iam.send(
      new PutRolePolicyCommand({
        RoleName: names.functionName,
        PolicyName: 'logs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
        }),
      }),
    );
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${names.functionName}` }));
    const layerVersionArns: string[] = [];
    for (const release of ['1', '2']) {
      const zip = deterministicZip([{ path: 'python/' }, { path: 'python/deps.py', content: `RELEASE = ${release}\n` }]);
      const published = await aws.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: names.layerName,
          Description: names.layerDescription,
          CompatibleRuntimes: [names.runtime],
          Content: { ZipFile: zip },
        }),
      );
      layerVersionArns.push(published.LayerVersionArn!);
    }
    const [module] = names.handler.split('.');
    const code = deterministicZip([{ path: `${module}.py`, content: 'def handler(event, context):\n    return "the team\'s real code"\n' }]);
    const fn = await aws.lambda.send(
      new CreateFunctionCommand({
        FunctionName: names.functionName,
        Runtime: names.runtime,
        Handler: names.handler,
        Role: role.Role!.Arn!,
        Code: { ZipFile: code },
        Layers: [layerVersionArns[1]],
      }),
    );
    const rule = await aws.events.send(new PutRuleCommand({ Name: names.functionName, ScheduleExpression: 'rate(1 day)' }));
    await aws.events.send(new PutTargetsCommand({ Rule: names.functionName, Targets: [{ Id: 'cleanup', Arn: fn.FunctionArn! }] }));
    await aws.lambda.send(
      new AddPermissionCommand({
        FunctionName: names.functionName,
        StatementId: 'AllowScheduleRule',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: rule.RuleArn!,
      }),
    );
    await aws.s3.send(new CreateBucketCommand({ Bucket: names.stateBucket, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }));
    await aws.s3.send(new PutBucketVersioningCommand({ Bucket: names.stateBucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return {
      functionName: names.functionName,
      functionArn: fn.FunctionArn!,
      codeSha256: fn.CodeSha256!,
      layerName: names.layerName,
      layerVersionArns,
      ruleArn: rule.RuleArn!,
      stateBucket: names.stateBucket,
    };
  } finally {
    aws.destroy();
  }
}

/** The front door and the queue consumer a team built by hand: names in, and what the emulator answered. */
export interface HandMadeFrontAndWorker {
  readonly apiId: string;
  readonly integrationId: string;
  readonly routeId: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  /** The mapping of the queue to the worker function itself (there is no alias yet). */
  readonly mappingUuid: string;
}

export interface HandMadeFrontAndWorkerNames {
  /** Behind the HTTP API. */
  readonly webFunctionName: string;
  /** Consumes the queue. */
  readonly workerFunctionName: string;
  readonly apiName: string;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly runtime: Runtime;
  /**
   * The stage's tags: the stack's provider tags everything (`Environment`), and moto cannot tag a
   * stage after it is made (TagResource answers 404), so the stage is made with them.
   */
  readonly stageTags: Readonly<Record<string, string>>;
}

/**
 * The rest of seed 001's shape, made by hand: a web function behind an HTTP API (a Lambda proxy
 * integration on the function itself, the `$default` route and an auto-deployed `$default`
 * stage; no quick create), and a worker function consuming a job queue (with its dead-letter
 * queue) through an event source mapping on the function itself. Each function has its role.
 */
export async function makeFrontAndWorkerByHand(endpoint: string, region: string, names: HandMadeFrontAndWorkerNames): Promise<HandMadeFrontAndWorker> {
  const aws = emulatorClients(endpoint, region);
  try {
    const functionArns: string[] = [];
    for (const functionName of [names.webFunctionName, names.workerFunctionName]) {
      const role = await aws.iam.send(new CreateRoleCommand({ RoleName: functionName, AssumeRolePolicyDocument: TRUST_POLICY }));
      const code = deterministicZip([{ path: 'app.py', content: 'def handler(event, context):\n    return "the team\'s real code"\n' }]);
      const fn = await aws.lambda.send(
        new CreateFunctionCommand({ FunctionName: functionName, Runtime: names.runtime, Handler: 'app.handler', Role: role.Role!.Arn!, Code: { ZipFile: code } }),
      );
      functionArns.push(fn.FunctionArn!);
    }
    const api = await aws.apigateway.send(new CreateApiCommand({ Name: names.apiName, ProtocolType: 'HTTP' }));
    const integration = await aws.apigateway.send(
      new CreateIntegrationCommand({ ApiId: api.ApiId!, IntegrationType: 'AWS_PROXY', IntegrationUri: functionArns[0], PayloadFormatVersion: '2.0' }),
    );
    const route = await aws.apigateway.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: '$default', Target: `integrations/${integration.IntegrationId}` }));
    await aws.apigateway.send(new CreateStageCommand({ ApiId: api.ApiId!, StageName: '$default', AutoDeploy: true, Tags: { ...names.stageTags } }));

    const deadLetter = await aws.sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueueName }));
    const deadLetterArn = (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetter.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queue = await aws.sqs.send(
      new CreateQueueCommand({ QueueName: names.queueName, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: 5 }) } }),
    );
    const queueArn = (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const mapping = await aws.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: queueArn, FunctionName: names.workerFunctionName, BatchSize: 1 }));
    return {
      apiId: api.ApiId!,
      integrationId: integration.IntegrationId!,
      routeId: route.RouteId!,
      queueUrl: queue.QueueUrl!,
      queueArn,
      deadLetterQueueUrl: deadLetter.QueueUrl!,
      mappingUuid: mapping.UUID!,
    };
  } finally {
    aws.destroy();
  }
}
