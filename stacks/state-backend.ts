import { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from '../core/framework';
import { EnvironmentConfig, stateKey } from './environment-config';

/** Terraform versions the stacks need: S3-native state locking (`use_lockfile`) came in 1.10. */
export const TERRAFORM_VERSION = { withLockfile: '>= 1.10', withoutLockfile: '>= 1.5' } as const;

/**
 * The environment's remote state: S3, encrypted, locked with DynamoDB, with S3-native lock
 * files, or with both while migrating from one to the other. With a `localEndpoint` (an AWS API
 * emulator on this machine, see core/local-endpoint.ts) every call it makes goes there instead.
 */
export function configureStateBackend(stack: TerraformStack, config: EnvironmentConfig, localEndpoint?: string): void {
  const backend = config.backend ?? {};
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateKey(config),
    region: backend.region ?? config.region,
    dynamodbTable: backend.dynamodbTable,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
    assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
    ...(localEndpoint
      ? {
          endpoints: { s3: localEndpoint, dynamodb: localEndpoint, sts: localEndpoint, iam: localEndpoint },
          usePathStyle: true,
          skipMetadataApiCheck: true,
        }
      : {}),
  });
  // cdktf 0.21's S3Backend has no prop for S3-native locking: this is the one override for it.
  if (backend.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  stack.addOverride(
    'terraform.required_version',
    backend.useLockfile ? TERRAFORM_VERSION.withLockfile : TERRAFORM_VERSION.withoutLockfile,
  );
}

/**
 * AWS services the stacks call, by the provider's endpoint names. In local mode every one of
 * them goes to the emulator, so nothing can reach a real account.
 */
export const PROVIDER_SERVICES = [
  'apigatewayv2', 'cloudwatch', 'cloudwatchevents', 'cloudwatchlogs', 'dynamodb', 'ec2', 'iam', 'kms',
  'lambda', 's3', 'scheduler', 'secretsmanager', 'sns', 'sqs', 'sts',
] as const;

/**
 * Provider settings for an AWS API emulator on this machine: every service the stacks use goes to
 * it, S3 by path. The account check stays on (`allowed_account_ids`): the emulator's STS says
 * which account it serves, and a stack applied to an emulator serving another account stops.
 */
export function localProviderSettings(localEndpoint?: string): Partial<AwsProviderConfig> {
  if (!localEndpoint) return {};
  return {
    skipMetadataApiCheck: 'true',
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, localEndpoint]))],
  };
}
