import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment, with a temporary directory of its own for each test file. While the
 * file runs, TMPDIR names that directory, for the file's code (`os.tmpdir()`: cdktf's `Testing`
 * outdirs, `tempDir()`, the placeholder cache, the local S3 server's data) and for every process
 * it starts (Terraform, the cdktf CLI, the app); after the file's tests it is removed, whatever
 * they left in it. It lies inside the run's directory (global-setup.ts).
 */
export default class TemporaryDirectoryEnvironment extends TestEnvironment {
  private readonly outer = process.env.TMPDIR;
  private readonly directory: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.directory = fs.mkdtempSync(path.join(os.tmpdir(), `${path.basename(context.testPath, '.test.ts')}-`));
    // The worker's own environment (os.tmpdir(), child processes), and the test file's copy of it.
    process.env.TMPDIR = this.directory;
    this.global.process.env.TMPDIR = this.directory;
  }

  override async teardown(): Promise<void> {
    fs.rmSync(this.directory, { recursive: true, force: true, maxRetries: 5 });
    if (this.outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.outer;
    await super.teardown();
  }
}
