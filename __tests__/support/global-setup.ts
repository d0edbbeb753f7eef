import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OUTER_TMPDIR, RUN_DIRECTORY } from './leftovers';

/**
 * One temporary directory for the whole run, as TMPDIR: jest's workers and every process the tests
 * start inherit it, and each test file gets a directory of its own inside it
 * (temporary-directory-environment.ts). global-teardown.ts fails the run if anything is left.
 */
export default function globalSetup(): void {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-fleet-tests-'));
  if (process.env.TMPDIR !== undefined) process.env[OUTER_TMPDIR] = process.env.TMPDIR;
  process.env[RUN_DIRECTORY] = directory;
  process.env.TMPDIR = directory;
  // Terraform and the AWS provider, which the tests start dozens of times, are Go programs that
  // live seconds and spend much of their CPU collecting garbage while the provider builds its
  // schema: collecting a quarter as often costs about 0.1 GB more per provider process and a
  // quarter less CPU (the terraform and module-export suites: 42.6 s of CPU time, 31.6 s with it).
  // A GOGC of the caller's own is kept.
  process.env.GOGC ??= '400';
  // Node.js 20 is supported (README, "CDK Terrain"): the AWS SDK's notice that its 2027 releases
  // need Node.js 22 is not news for every suite that makes a client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
