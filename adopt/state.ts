import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsClientConfig } from '../core/aws-client-config';
import { bootstrapStateFile } from '../stacks/bootstrap-stack';
import { EnvironmentConfig, stateKey } from '../stacks/environment-config';
import { AdoptError, AwsClients, awsFailure } from './aws';

/** The resources a stack's Terraform state holds, by address, and where the state was read. */
export interface ManagedResources {
  readonly addresses: ReadonlySet<string>;
  /** `s3://bucket/key`, or the local file. */
  readonly location: string;
}

/**
 * The environment stack's state, from its S3 backend (the config's bucket and `stateKey()`). No
 * bucket or no object is a stack that manages nothing yet.
 */
export async function environmentState(clients: AwsClients, config: EnvironmentConfig, localEndpoint?: string): Promise<ManagedResources> {
  const bucket = config.backend.bucket;
  const key = stateKey(config);
  const location = `s3://${bucket}/${key}`;
  let text: string;
  // The state as Terraform reaches it: in the backend's region, as the backend's role if it has one.
  const s3 = await stateClient(clients, config, localEndpoint);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (['NoSuchKey', 'NoSuchBucket', 'NotFound'].includes(name)) return { addresses: new Set(), location };
    if (name === 'AccessDenied') {
      throw new AdoptError(
        `reading the Terraform state ${location}: access denied; the credentials need s3:GetObject on the state and s3:ListBucket on ` +
          `${bucket} (without it, S3 answers a state that does not exist yet with AccessDenied); nothing was written`,
      );
    }
    throw awsFailure(error, `reading the Terraform state ${location}`, clients.where);
  } finally {
    if (s3 !== clients.s3) s3.destroy();
  }
  return { addresses: stateAddresses(text, location), location };
}

/** An S3 client for the state: the environment's own, unless the backend is in another region or names a role. */
async function stateClient(clients: AwsClients, config: EnvironmentConfig, localEndpoint?: string): Promise<S3Client> {
  const { region = config.region, roleArn } = config.backend;
  if (region === config.region && roleArn === undefined) return clients.s3;
  let credentials;
  if (roleArn !== undefined) {
    try {
      const assumed = (await clients.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'lambda-fleet-adopt' }))).Credentials;
      credentials = { accessKeyId: assumed!.AccessKeyId!, secretAccessKey: assumed!.SecretAccessKey!, sessionToken: assumed!.SessionToken };
    } catch (error) {
      throw awsFailure(error, `assuming the backend's role ${roleArn} (backend.roleArn) to read the state`, clients.where);
    }
  }
  return new S3Client({ ...awsClientConfig(region, localEndpoint), credentials });
}

/** The bootstrap stack's state: local, at the project root ({@link bootstrapStateFile}; the emulator's own with `emulator`). */
export function bootstrapState(root: string, config: EnvironmentConfig, emulator = false): ManagedResources {
  const location = bootstrapStateFile(config.name, emulator);
  const file = path.join(root, location);
  if (!fs.existsSync(file)) return { addresses: new Set(), location };
  return { addresses: stateAddresses(fs.readFileSync(file, 'utf8'), location), location };
}

/** Addresses of the root module's managed resources that have an instance in a Terraform state document. */
export function stateAddresses(text: string, location: string): Set<string> {
  if (text.trim() === '') return new Set();
  let state: { resources?: { mode?: string; type?: string; name?: string; module?: string; instances?: unknown[] }[] };
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new AdoptError(`the Terraform state ${location} is not JSON (${(error as Error).message}); nothing was written`);
  }
  return new Set(
    (state.resources ?? [])
      .filter((r) => r.mode === 'managed' && r.module === undefined && (r.instances?.length ?? 0) > 0)
      .map((r) => `${r.type}.${r.name}`),
  );
}
