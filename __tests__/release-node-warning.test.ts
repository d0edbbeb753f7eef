import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..');
// Node.js 20, whatever runs the tests: the SDK warns below 22, from the version Node.js reports.
const ON_NODE_20 = 'data:text/javascript,Object.defineProperty(process,"version",{value:"v20.15.0"})';

/** The release command as `npm run release` runs it, against an AWS endpoint that refuses connections. */
function release(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', ON_NODE_20, 'release/cli.ts', 'rollback', '--env', 'staging', '--layer', 'deps', '--to-version', '1', '--dry-run'],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
    },
  );
  return { status: result.status, stderr: result.stderr };
}

describe("the AWS SDK's Node.js version warning", () => {
  test('is not shown by the release command on Node.js 20, a supported Node.js', () => {
    const { status, stderr } = release({});
    expect(stderr).toContain('release rollback failed'); // it got as far as calling AWS
    expect(status).toBe(1);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  });

  test('is shown when the environment asks for it (so the test above can fail)', () => {
    const { stderr } = release({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    expect(stderr).toContain('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)');
    expect(stderr).toContain('release rollback failed');
  });
});
