import { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from '../core/framework';
import { EnvironmentConfig, stateKey } from './environment-config';
import { LocalEndpoints, PROVIDER_SERVICES } from './local-endpoints';

/** Terraform versions the stacks need: S3-native state locking (`use_lockfile`) came in 1.10. */
export const TERRAFORM_VERSION = { withLockfile: '>= 1.10', withoutLockfile: '>= 1.5' } as const;

/**
 * The environment's remote state: S3, encrypted, locked with DynamoDB, with S3-native lock
 * files, or with both while migrating from one to the other. With `local` endpoints it talks to
 * servers on this machine instead (see stacks/local-endpoints.ts).
 */
export function configureStateBackend(stack: TerraformStack, config: EnvironmentConfig, local?: LocalEndpoints): void {
  const backend = config.backend ?? {};
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateKey(config),
    region: backend.region ?? config.region,
    dynamodbTable: backend.dynamodbTable,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
    assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
    ...(local
      ? {
          endpoints: { s3: local.s3, dynamodb: local.dynamodb },
          usePathStyle: true,
          skipCredentialsValidation: true,
          skipRegionValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipS3Checksum: true,
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
 * Provider settings for local endpoints: every service the stacks use goes to the loopback
 * address, and the credential and account checks that would need AWS are skipped. Without STS
 * the provider learns no account id, so `allowed_account_ids` cannot be checked and is left
 * out: with every endpoint on loopback there is no account to reach.
 */
export function localProviderSettings(local?: LocalEndpoints): Partial<AwsProviderConfig> {
  if (!local) return {};
  return {
    allowedAccountIds: undefined,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, service === 'dynamodb' ? local.dynamodb : local.s3]))],
  };
}
