import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReleaseContext, withRetries } from './context';

/** Whether the artifacts bucket already holds an object: content-addressed keys make that "already built". */
export async function objectExists(context: ReleaseContext, bucket: string, key: string): Promise<boolean> {
  try {
    await withRetries(context, `look for s3://${bucket}/${key}`, () => context.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** Uploads a package, with its SHA-256 for S3 to check, and metadata. */
export async function uploadObject(
  context: ReleaseContext,
  bucket: string,
  key: string,
  body: Buffer,
  metadata?: Record<string, string>,
): Promise<void> {
  await withRetries(context, `upload s3://${bucket}/${key}`, () =>
    context.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        Metadata: metadata,
      }),
    ),
  );
}
