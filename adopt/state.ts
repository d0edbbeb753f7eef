import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
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
export async function environmentState(clients: AwsClients, config: EnvironmentConfig): Promise<ManagedResources> {
  const bucket = config.backend.bucket;
  const key = stateKey(config);
  const location = `s3://${bucket}/${key}`;
  let text: string;
  try {
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (['NoSuchKey', 'NoSuchBucket', 'NotFound'].includes(name)) return { addresses: new Set(), location };
    throw awsFailure(error, `reading the Terraform state ${location}`, clients.where);
  }
  return { addresses: stateAddresses(text, location), location };
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
