import * as http from 'node:http';

/**
 * Creates what an environment's backend needs in an emulator (its state bucket and lock table),
 * as the bootstrap stack would.
 */
export async function createBackend(endpoint: string, region: string, bucket: string, lockTable?: string): Promise<void> {
  const created = await request(
    endpoint,
    `/${bucket}`,
    'PUT',
    `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`,
    { Authorization: authorization(region, 's3') },
  );
  if (created.status >= 300) throw new Error(`CreateBucket ${bucket} failed: ${created.status} ${created.body}`);
  if (lockTable !== undefined) await createLockTable(endpoint, region, lockTable);
}

/** A state lock table, as the bootstrap stack makes it: a `LockID` string key, on demand. */
export async function createLockTable(endpoint: string, region: string, table: string): Promise<void> {
  await dynamodbCall(
    endpoint,
    'CreateTable',
    {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    region,
  );
}

/** An unsigned request's credential scope: the emulator checks no signatures, but reads the region. */
function authorization(region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=testing/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

/** One DynamoDB API call over plain HTTP (the emulator checks no signatures). */
export async function dynamodbCall(endpoint: string, action: string, body: object, region = 'us-west-2'): Promise<any> {
  const response = await request(endpoint, '/', 'POST', JSON.stringify(body), {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${action}`,
    'X-Amz-Date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
    Authorization: authorization(region, 'dynamodb'),
  });
  if (response.status >= 300) throw new Error(`DynamoDB ${action} failed: ${response.status} ${response.body}`);
  return JSON.parse(response.body);
}

/** The `LockID`s currently in a lock table. */
export async function lockIds(endpoint: string, table: string): Promise<string[]> {
  const result = await dynamodbCall(endpoint, 'Scan', { TableName: table });
  return (result.Items ?? []).map((item: any) => item.LockID.S).sort();
}

/** An object's body from S3 (path style), or undefined when absent. */
export async function getObject(endpoint: string, bucket: string, key: string): Promise<string | undefined> {
  const response = await request(endpoint, `/${bucket}/${key}`, 'GET', undefined, { Authorization: authorization('us-west-2', 's3') });
  return response.status === 200 ? response.body : undefined;
}

/** Puts an object into S3 (path style). */
export async function putObject(endpoint: string, bucket: string, key: string, body: string): Promise<void> {
  const response = await request(endpoint, `/${bucket}/${key}`, 'PUT', body, { 'Content-Type': 'application/json', Authorization: authorization('us-west-2', 's3') });
  if (response.status >= 300) throw new Error(`PUT ${bucket}/${key} failed: ${response.status} ${response.body}`);
}

function request(
  endpoint: string,
  pathname: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A length, not chunked encoding: the emulator's server reads no chunked bodies.
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request(new URL(pathname, endpoint), { method, headers: { ...headers, ...length }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
