import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runRelease } from '../release/cli';
import { RETRY } from '../release/context';
import { EMULATOR_CREDENTIALS } from './support/moto';
import { tempDir } from './support/synth';

// The release command's real AWS clients against a local server that throttles every Lambda
// call: the command's own retry loop is the only one, so Lambda sees exactly RETRY.attempts
// requests for the one call, not RETRY.attempts times the SDK's own attempts.

const repo = path.resolve(__dirname, '..');
const ACCOUNT = '111111111111';
const requests: string[] = [];
let server: http.Server;
let endpoint: string;

const CALLER_IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

beforeAll(async () => {
  Object.assign(process.env, EMULATOR_CREDENTIALS);
  server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url!.startsWith('/2015-03-31/functions/')) {
        requests.push(`lambda ${request.method} ${request.url}`);
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        response.end(JSON.stringify({ Type: 'User', message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded' }));
      } else {
        requests.push('sts');
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(CALLER_IDENTITY);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a throttled call is made exactly RETRY.attempts times: the SDK does not retry under the command', async () => {
  const root = tempDir('release-throttling');
  fs.cpSync(path.join(repo, 'generated', 'stacks', 'staging'), path.join(root, 'generated', 'stacks', 'staging'), { recursive: true });
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRelease(
    ['functions', 'update', '--env', 'staging', '--layer', 'deps', '--version-arn', `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:bookshelf-staging-deps:7`, '--concurrency', '1'],
    {
      root,
      env: { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: endpoint },
      sleep: async () => undefined,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  expect(code).toBe(1);
  expect(requests[0]).toBe('sts');
  expect(requests.slice(1)).toEqual(Array(RETRY.attempts).fill('lambda GET /2015-03-31/functions/bookshelf-staging-api'));
  expect(out.filter((line) => line.includes('TooManyRequestsException, retrying'))).toHaveLength(RETRY.attempts - 1);
  expect(err.join('\n')).toContain('failed: bookshelf-staging-api: TooManyRequestsException: Rate exceeded');
  expect(err.join('\n')).toContain('not started: bookshelf-staging-analysis-worker, bookshelf-staging-eval-worker, bookshelf-staging-cleanup');
  // With the SDK's own retries (its backoff really waits), the same run would take seconds and 3 × as many requests.
}, 60_000);
