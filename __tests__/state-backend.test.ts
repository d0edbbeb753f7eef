import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from '../core/framework';
import { prod } from '../envs/prod';
import { staging } from '../envs/staging';
import { buildApp, synthesize } from '../synth/synthesize';
import { EnvironmentConfig } from '../stacks/environment-config';
import { Problem, ValidationError } from '../core/problems';
import { tempDir } from './support/synth';
import { PROVIDER_SERVICES } from '../stacks/state-backend';

const LOCAL = { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: 'http://127.0.0.1:5000' };

/** The synthesized JSON of one stack of an app built from these environments. */
function stack(name: string, environments: EnvironmentConfig[] = [staging, prod], env: NodeJS.ProcessEnv = {}): any {
  const app = buildApp(environments, { outdir: path.join(tempDir('backend'), 'out'), env });
  return JSON.parse(Testing.synth(app.node.findChild(name) as any));
}

function withBackend(backend: Partial<EnvironmentConfig['backend']>): EnvironmentConfig {
  return { ...staging, backend: { ...staging.backend, ...backend } as EnvironmentConfig['backend'] };
}

/** A problem as tests compare it: its stable code, where it was found and the field. */
const where = (p: Problem) => `${p.code} ${p.path}: ${p.field}`;

function problems(environments: EnvironmentConfig[], env: NodeJS.ProcessEnv = {}): Problem[] {
  try {
    synthesize(environments, { outdir: path.join(tempDir('backend-problems'), 'out'), env });
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('state backend', () => {
  test('DynamoDB locking by default, Terraform >= 1.5', () => {
    const json = stack('staging');
    expect(json.terraform.backend.s3.dynamodb_table).toBe('bookshelf-terraform-locks');
    expect(json.terraform.backend.s3.use_lockfile).toBeUndefined();
    expect(json.terraform.required_version).toBe('>= 1.5');
  });

  test('S3-native locking, alone or beside DynamoDB while migrating, needs Terraform >= 1.10', () => {
    const both = stack('staging', [withBackend({ useLockfile: true }), prod]);
    expect(both.terraform.backend.s3).toMatchObject({ use_lockfile: true, dynamodb_table: 'bookshelf-terraform-locks', encrypt: true });
    expect(both.terraform.required_version).toBe('>= 1.10');
    const lockfileOnly = stack('staging', [withBackend({ useLockfile: true, dynamodbTable: undefined }), prod]);
    expect(lockfileOnly.terraform.backend.s3.use_lockfile).toBe(true);
    expect(lockfileOnly.terraform.backend.s3.dynamodb_table).toBeUndefined();
  });

  test('an optional KMS key and role to assume', () => {
    const json = stack('staging', [
      withBackend({
        kmsKeyId: 'arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
        roleArn: 'arn:aws:iam::111111111111:role/terraform-state',
      }),
      prod,
    ]);
    expect(json.terraform.backend.s3.kms_key_id).toBe('arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0');
    expect(json.terraform.backend.s3.assume_role).toEqual({ role_arn: 'arn:aws:iam::111111111111:role/terraform-state' });
  });

  test.each<[string, Partial<EnvironmentConfig['backend']>, string]>([
    ['no locking at all', { dynamodbTable: undefined, useLockfile: false }, 'state-not-locked staging: backend'],
    ['a malformed KMS key', { kmsKeyId: 'my-key' }, 'kms-key-id staging: backend.kmsKeyId'],
    ['a malformed role ARN', { roleArn: 'terraform-state' }, 'role-arn staging: backend.roleArn'],
    ['the artifacts bucket as the state bucket', { bucket: staging.artifactsBucket }, 'artifacts-bucket-is-state-bucket staging: artifactsBucket'],
  ])('rejects %s', (_case, backend, found) => {
    expect(problems([withBackend(backend), prod]).map(where)).toEqual([found]);
  });
});

describe('local endpoint (an AWS API emulator on this machine)', () => {
  test('is off unless its variable is set', () => {
    for (const name of ['staging', 'bootstrap-staging']) {
      const json = stack(name);
      expect(JSON.stringify(json.terraform.backend)).not.toContain('endpoints');
      expect(json.provider.aws[0].endpoints).toBeUndefined();
      expect(json.provider.aws[0].allowed_account_ids).toEqual([staging.accountId]);
    }
  });

  test('points the backend and the provider of every stack at the one endpoint, keeping the account check', () => {
    expect(stack('staging', [staging, prod], LOCAL).terraform.backend.s3).toMatchObject({
      endpoints: { s3: LOCAL.LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, dynamodb: LOCAL.LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, sts: LOCAL.LAMBDA_FLEET_LOCAL_AWS_ENDPOINT },
      use_path_style: true,
    });
    for (const name of ['staging', 'bootstrap-staging', 'prod', 'bootstrap-prod']) {
      const provider = stack(name, [staging, prod], LOCAL).provider.aws[0];
      expect(Object.keys(provider.endpoints[0]).sort()).toEqual([...PROVIDER_SERVICES].sort());
      expect(new Set(Object.values(provider.endpoints[0]))).toEqual(new Set([LOCAL.LAMBDA_FLEET_LOCAL_AWS_ENDPOINT]));
      // The emulator serves the environment's account; a stack pointed at another one stops.
      expect(provider.allowed_account_ids).toEqual([name.endsWith('prod') ? prod.accountId : staging.accountId]);
      expect(provider.skip_requesting_account_id).toBeUndefined();
      expect(provider.skip_credentials_validation).toBeUndefined();
    }
  });

  test('every AWS service a stack uses has its endpoint on the emulator', () => {
    // A resource type of a service without a local endpoint would reach AWS from a local run.
    const serviceOf: Record<string, (typeof PROVIDER_SERVICES)[number]> = {
      cloudwatch_event: 'cloudwatchevents', cloudwatch_log: 'cloudwatchlogs', cloudwatch_metric: 'cloudwatch', cloudwatch_dashboard: 'cloudwatch',
      dynamodb: 'dynamodb', iam: 'iam', lambda: 'lambda', s3: 's3', scheduler: 'scheduler', sqs: 'sqs', sns: 'sns',
      apigatewayv2: 'apigatewayv2', kms: 'kms', security_group: 'ec2', secretsmanager: 'secretsmanager',
    };
    for (const name of ['staging', 'bootstrap-staging', 'prod', 'bootstrap-prod']) {
      for (const type of Object.keys(stack(name, [staging, prod], LOCAL).resource)) {
        const prefix = Object.keys(serviceOf).find((p) => type.startsWith(`aws_${p}`));
        expect([type, prefix && PROVIDER_SERVICES.includes(serviceOf[prefix])]).toEqual([type, true]);
      }
    }
  });

  test.each([
    ['an endpoint off this machine', { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: 'https://lambda.us-west-2.amazonaws.com' }, 'local-endpoint-not-loopback (app): LAMBDA_FLEET_LOCAL_AWS_ENDPOINT'],
    ['a host merely named like loopback', { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: 'http://127.0.0.1.evil.example:80' }, 'local-endpoint-not-loopback (app): LAMBDA_FLEET_LOCAL_AWS_ENDPOINT'],
    ['a variable of the earlier per-service override', { LAMBDA_FLEET_LOCAL_S3_ENDPOINT: 'http://127.0.0.1:4569' }, 'local-endpoint-retired (app): LAMBDA_FLEET_LOCAL_S3_ENDPOINT'],
  ])('refuses %s', (_case, env, found) => {
    expect(problems([staging, prod], env).map(where)).toEqual([found]);
  });

  test('never reaches generated/', () => {
    const dir = path.join(tempDir('local-generated'), 'generated');
    // On stdout: a note, not an error (the cdktf CLI shows everything on stderr as [ERROR]).
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      synthesize([staging, prod], { outdir: path.join(path.dirname(dir), 'out'), generatedDir: dir, env: LOCAL });
      expect(stdout).toHaveBeenCalledWith(`LAMBDA_FLEET_LOCAL_AWS_ENDPOINT is set: ${dir}/ is left as it is.\n`);
    } finally {
      stdout.mockRestore();
    }
    expect(fs.existsSync(dir)).toBe(false);
  });

  test("keeps the bootstrap's local state apart from the real account's", () => {
    expect(stack('bootstrap-staging', [staging, prod], LOCAL).terraform.backend).toEqual({
      local: { path: '../../../terraform.bootstrap-staging.emulator.tfstate' },
    });
  });

  test('leaves out only the TLS-only bucket policies, which an emulator over plain HTTP cannot pass', () => {
    const real = stack('bootstrap-staging');
    const local = stack('bootstrap-staging', [staging, prod], LOCAL);
    expect(Object.keys(real.resource.aws_s3_bucket_policy).sort()).toEqual(['artifacts_bucket_policy', 'state_bucket_policy']);
    expect(local.resource.aws_s3_bucket_policy).toBeUndefined();
    const { aws_s3_bucket_policy: _policies, ...rest } = real.resource;
    expect(Object.keys(local.resource).sort()).toEqual(Object.keys(rest).sort());
    for (const type of Object.keys(rest)) expect(local.resource[type]).toEqual(rest[type]);
  });
});

describe('bootstrap stack', () => {
  const json = stack('bootstrap-staging');
  const only = (type: string, bucket = 'state_bucket') => {
    const all = Object.entries<any>(json.resource[type] ?? {}).filter(([name]) => type === 'aws_dynamodb_table' || name.startsWith(bucket));
    expect(all).toHaveLength(1);
    return all[0][1];
  };

  test('keeps its own state locally, never in the bucket it creates, and is locked to the account', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap-staging.tfstate' } });
    expect(json.provider.aws[0].allowed_account_ids).toEqual([staging.accountId]);
  });

  test.each([
    ['state_bucket', staging.backend.bucket],
    ['artifacts_bucket', staging.artifactsBucket],
  ])('the %s: versioned, encrypted, private, ACLs disabled, TLS only, never destroyed', (bucket, name) => {
    expect(only('aws_s3_bucket', bucket)).toMatchObject({ bucket: name, lifecycle: { prevent_destroy: true } });
    expect(only('aws_s3_bucket_versioning', bucket).versioning_configuration).toEqual({ status: 'Enabled' });
    expect(only('aws_s3_bucket_server_side_encryption_configuration', bucket).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(only('aws_s3_bucket_public_access_block', bucket)).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only('aws_s3_bucket_ownership_controls', bucket).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const policy = JSON.parse(only('aws_s3_bucket_policy', bucket).policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`${'$'}{aws_s3_bucket.${bucket}.arn}`, `${'$'}{aws_s3_bucket.${bucket}.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  test('the lock table: LockID string key, on demand, point-in-time recovery, encrypted, protected', () => {
    expect(only('aws_dynamodb_table')).toMatchObject({
      name: staging.backend.dynamodbTable,
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('uses the backend KMS key for the bucket, and has no table with S3-native locking only', () => {
    const kmsKeyId = 'arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    const lockfileOnly = stack('bootstrap-staging', [withBackend({ useLockfile: true, dynamodbTable: undefined, kmsKeyId }), prod]);
    expect(lockfileOnly.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: kmsKeyId }, bucket_key_enabled: true },
    ]);
    expect(lockfileOnly.resource.aws_dynamodb_table).toBeUndefined();
  });

  test('creates no artifacts bucket when the environment names an existing one', () => {
    const existing = stack('bootstrap-staging', [{ ...staging, artifactsBucketExists: true }, prod]);
    expect(Object.keys(existing.resource.aws_s3_bucket)).toEqual(['state_bucket']);
    expect(JSON.stringify(existing)).not.toContain(staging.artifactsBucket);
    expect(existing.output['artifacts-bucket-arn']).toBeUndefined();
  });
});
