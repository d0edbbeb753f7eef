import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from '../core/aws-client-config';

/** Something adopt cannot go on from; its message says what, and that nothing was written. */
export class AdoptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdoptError';
  }
}

/** The clients adopt reads the account with. */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly events: EventBridgeClient;
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly scheduler: SchedulerClient;
  readonly sqs: SQSClient;
  /** API Gateway v2: HTTP APIs, their stages, integrations, routes and authorizers. */
  readonly apigateway: ApiGatewayV2Client;
  /** Where the calls go, for messages: the local emulator's endpoint, or AWS in a region. */
  readonly where: string;
}

/**
 * Clients for the environment's region with the caller's credentials; with a local `endpoint`
 * (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, already checked to be loopback), every service goes there,
 * S3 in path style.
 */
export function awsClients(region: string, endpoint?: string): AwsClients {
  const config = awsClientConfig(region, endpoint);
  return {
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    events: new EventBridgeClient(config),
    sts: new STSClient(config),
    s3: new S3Client(config),
    dynamodb: new DynamoDBClient(config),
    scheduler: new SchedulerClient(config),
    sqs: new SQSClient(config),
    apigateway: new ApiGatewayV2Client(config),
    where: endpoint ?? `AWS (${region})`,
  };
}

/** Stops every client's connections, so the process can end. */
export function closeClients(clients: AwsClients): void {
  for (const client of [clients.lambda, clients.iam, clients.logs, clients.cloudwatch, clients.events, clients.sts, clients.s3, clients.dynamodb, clients.scheduler, clients.sqs, clients.apigateway]) client.destroy();
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The error of an AWS call as one line for people: unreachable endpoints and missing credentials are named as such. */
export function awsFailure(error: unknown, what: string, where: string): AdoptError {
  const e = error as { name?: string; code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.find((inner) => inner.code)?.code;
  if ((code !== undefined && NETWORK_ERRORS.has(code)) || e.name === 'TimeoutError') {
    return new AdoptError(`${what}: could not reach ${where} (${code ?? e.name}); nothing was written`);
  }
  if (e.name === 'CredentialsProviderError') {
    return new AdoptError(`${what}: no AWS credentials (${e.message}); nothing was written`);
  }
  return new AdoptError(`${what}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}; nothing was written`);
}

/**
 * Refuses any other account than the environment's, before anything else is read: the same
 * guard as the provider's `allowed_account_ids`.
 */
export async function checkAccount(clients: AwsClients, environment: string, accountId: string): Promise<void> {
  let account: string | undefined;
  try {
    account = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw awsFailure(error, 'sts GetCallerIdentity', clients.where);
  }
  if (account !== accountId) {
    throw new AdoptError(
      `the AWS credentials belong to account ${account ?? '(unknown)'}, not to ${environment}'s account ${accountId}: ` +
        'adopt reads only the environment\'s own account; nothing was read or written',
    );
  }
}
