import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput, TerraformStack } from '../core/framework';
import { Construct } from 'constructs';
import { policyDocument } from '../core/policy-document';
import { EnvironmentConfig } from './environment-config';
import { ReadableStack } from './readable-stack';
import { localProviderSettings } from './state-backend';

/** The name of an environment's bootstrap stack: `cdktf deploy bootstrap-staging`. */
export function bootstrapStackName(environment: string): string {
  return `bootstrap-${environment}`;
}

/**
 * The bootstrap stack's local state file, at the project root. An emulator's bootstrap keeps a
 * state of its own (`.emulator.tfstate`), so it can never be mistaken for, and overwrite, the
 * state of the real account's bootstrap.
 */
export function bootstrapStateFile(environment: string, emulator = false): string {
  return `terraform.${bootstrapStackName(environment)}${emulator ? '.emulator' : ''}.tfstate`;
}

/**
 * What an environment needs before its first deploy, created once per account: the state bucket
 * and the lock table of its remote state, and the artifacts bucket CI releases packages into
 * (unless the environment names an existing one, `artifactsBucketExists`). Its own state is local
 * (nothing remote exists yet), in `terraform.bootstrap-<environment>.tfstate` at the project root
 * (`terraform.bootstrap-<environment>.emulator.tfstate` with a local endpoint).
 */
export class BootstrapStack extends ReadableStack {
  /** @param localEndpoint an AWS API emulator on this machine (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, see README) */
  constructor(scope: Construct, config: EnvironmentConfig, localEndpoint?: string) {
    super(scope, bootstrapStackName(config.name));
    const backend = config.backend ?? {};

    new AwsProvider(this, 'aws', {
      region: backend.region ?? config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { ...config.tags, Environment: config.name } }],
      ...localProviderSettings(localEndpoint),
    });
    // Relative to the stack directory, cdktf.out/stacks/<stack> or generated/stacks/<stack>:
    // both are three levels below the project root, and the path stays machine-independent.
    new LocalBackend(this, { path: `../../../${bootstrapStateFile(config.name, localEndpoint !== undefined)}` });

    // State history is the only way back from a bad write: the bucket keeps every version.
    const state = privateBucket(this, 'state-bucket', backend.bucket, backend.kmsKeyId, localEndpoint);
    new TerraformOutput(this, 'state-bucket-arn', { value: state.arn, description: 'ARN of the state bucket' });

    if (backend.dynamodbTable) {
      const table = new DynamodbTable(this, 'lock-table', {
        name: backend.dynamodbTable,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: 'LockID',
        attribute: [{ name: 'LockID', type: 'S' }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: true,
        lifecycle: { preventDestroy: true },
      });
      new TerraformOutput(this, 'lock-table-arn', { value: table.arn, description: 'ARN of the state lock table' });
    }

    // Release history: every package CI built, so a rollback never needs a rebuild. Lambda reads
    // it with the releasing caller's credentials, so it is encrypted with S3's own keys.
    if (!config.artifactsBucketExists) {
      const artifacts = privateBucket(this, 'artifacts-bucket', config.artifactsBucket, undefined, localEndpoint);
      new TerraformOutput(this, 'artifacts-bucket-arn', { value: artifacts.arn, description: 'ARN of the bucket CI releases packages into' });
    }
  }
}

/**
 * A bucket Terraform can never destroy, that keeps every version, and is private (all four
 * public-access blocks, ACLs disabled), encrypted, and reachable over TLS only.
 *
 * The TLS-only policy is left out with a local endpoint: an emulator is reached over plain HTTP,
 * which the policy refuses by design (and moto, which does not evaluate its condition, refuses
 * every request). Local mode never writes generated/ and can only reach loopback, so what a real
 * account gets always has the policy.
 */
function privateBucket(stack: TerraformStack, id: string, name: string, kmsKeyId: string | undefined, localEndpoint: string | undefined): S3Bucket {
  const bucket = new S3Bucket(stack, id, { bucket: name, lifecycle: { preventDestroy: true } });
  new S3BucketVersioningA(stack, `${id}-versioning`, {
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketServerSideEncryptionConfigurationA(stack, `${id}-encryption`, {
    bucket: bucket.id,
    rule: [
      kmsKeyId
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyId }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ],
  });
  const publicAccess = new S3BucketPublicAccessBlock(stack, `${id}-public-access`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(stack, `${id}-ownership`, {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' }, // ACLs disabled
  });
  if (localEndpoint) return bucket;
  new S3BucketPolicy(stack, `${id}-policy`, {
    bucket: bucket.id,
    // A Deny on every S3 action is a restriction, not a grant: plain HTTP is refused for all of them.
    policy: policyDocument([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]),
    dependsOn: [publicAccess],
  });
  return bucket;
}
