import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReleaseContext, ReleaseError, withRetries } from './context';

/** S3's answers that mean the bucket itself is missing or out of reach, not the object. */
const BUCKET_ERRORS = new Set(['NoSuchBucket', 'AccessDenied', 'Forbidden', 'PermanentRedirect', 'AuthorizationHeaderMalformed']);

/**
 * An S3 error about the artifacts bucket, named with its environment and where the bucket comes
 * from; any other error as it was.
 */
function aboutTheBucket(context: ReleaseContext, bucket: string, error: unknown): unknown {
  const name = (error as Error).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (!BUCKET_ERRORS.has(name) && status !== 403 && status !== 301) return error;
  return new ReleaseError(
    `the artifacts bucket "${bucket}" of environment ${context.environment} cannot be used (${BUCKET_ERRORS.has(name) ? name : `HTTP ${status}`}): ` +
      `bootstrap-${context.environment} creates it (npx cdktf deploy bootstrap-${context.environment}), or, with artifactsBucketExists, ` +
      'it must exist in the environment\'s region and the release credentials must be allowed to read and write it',
  );
}

/** Whether the artifacts bucket already holds an object: content-addressed keys make that "already built". */
export async function objectExists(context: ReleaseContext, bucket: string, key: string): Promise<boolean> {
  try {
    await withRetries(context, `look for s3://${bucket}/${key}`, () => context.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchBucket') throw aboutTheBucket(context, bucket, error);
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw aboutTheBucket(context, bucket, error);
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
  try {
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
  } catch (error) {
    throw aboutTheBucket(context, bucket, error);
  }
}
