import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
// Test-only servers without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite');

/** S3 (s3rver) and DynamoDB (dynalite) on loopback ports chosen at run time. */
export interface LocalAws {
  readonly s3Endpoint: string;
  readonly dynamodbEndpoint: string;
  /** Stops both servers and removes their data. */
  stop(): Promise<void>;
}

export async function startLocalAws(buckets: readonly string[], lockTables: readonly string[]): Promise<LocalAws> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const stops: (() => Promise<void>)[] = [async () => fs.rmSync(directory, { recursive: true, force: true })];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
    const s3Address: AddressInfo = await s3.run();
    stops.push(() => new Promise<void>((resolve) => s3.close(() => resolve())));
    const dynamo: http.Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => dynamo.listen(0, '127.0.0.1', () => resolve()).on('error', reject));
    stops.push(() => new Promise<void>((resolve) => dynamo.close(() => resolve())));
    const dynamodbEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    for (const table of lockTables) {
      await dynamodbCall(dynamodbEndpoint, 'CreateTable', {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
    }
    return { s3Endpoint: `http://127.0.0.1:${s3Address.port}`, dynamodbEndpoint, stop };
  } catch (error) {
    await stop(); // nothing may keep running when startup fails halfway
    throw error;
  }
}

/** One DynamoDB API call over plain HTTP (dynalite checks no signatures). */
export async function dynamodbCall(endpoint: string, action: string, body: object): Promise<any> {
  const response = await request(endpoint, '/', 'POST', JSON.stringify(body), {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${action}`,
    'X-Amz-Date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
    Authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
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
  const response = await request(endpoint, `/${bucket}/${key}`, 'GET');
  return response.status === 200 ? response.body : undefined;
}

/** Puts an object into S3 (path style). */
export async function putObject(endpoint: string, bucket: string, key: string, body: string): Promise<void> {
  const response = await request(endpoint, `/${bucket}/${key}`, 'PUT', body, { 'Content-Type': 'application/json' });
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
    const req = http.request(new URL(pathname, endpoint), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
