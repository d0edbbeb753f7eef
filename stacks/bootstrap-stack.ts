import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput } from '../core/framework';
import { Construct } from 'constructs';
import { policyDocument } from '../core/policy-document';
import { EnvironmentConfig } from './environment-config';
import { ReadableStack } from './readable-stack';

/** The name of an environment's bootstrap stack: `cdktf deploy bootstrap-staging`. */
export function bootstrapStackName(environment: string): string {
  return `bootstrap-${environment}`;
}

/**
 * What an environment's remote state needs, created once per account before the environment's
 * first deploy: the state bucket and the lock table. Its own state is local (nothing remote
 * exists yet), in `terraform.bootstrap-<environment>.tfstate` at the project root.
 */
export class BootstrapStack extends ReadableStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, bootstrapStackName(config.name));
    const backend = config.backend ?? {};

    new AwsProvider(this, 'aws', {
      region: backend.region ?? config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { ...config.tags, Environment: config.name } }],
    });
    // Relative to the stack directory, cdktf.out/stacks/<stack> or generated/stacks/<stack>:
    // both are three levels below the project root, and the path stays machine-independent.
    new LocalBackend(this, { path: `../../../terraform.${this.node.id}.tfstate` });

    // State history is the only way back from a bad write: the bucket can never be destroyed by
    // Terraform, keeps every version, and is private, encrypted and reachable over TLS only.
    const bucket = new S3Bucket(this, 'state-bucket', { bucket: backend.bucket, lifecycle: { preventDestroy: true } });
    new S3BucketVersioningA(this, 'state-bucket-versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-bucket-encryption', {
      bucket: bucket.id,
      rule: [
        backend.kmsKeyId
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: backend.kmsKeyId }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'state-bucket-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'state-bucket-ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' }, // ACLs disabled
    });
    new S3BucketPolicy(this, 'state-bucket-policy', {
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
    new TerraformOutput(this, 'state-bucket-arn', { value: bucket.arn, description: 'ARN of the state bucket' });

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
  }
}
