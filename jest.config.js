const INTEGRATION_SUITES = require('./__tests__/support/integration-suites');

const integration = `/__tests__/(${INTEGRATION_SUITES.join('|')})\\.test\\.ts$`;

/** What both projects share. */
const project = {
  rootDir: __dirname,
  roots: ['<rootDir>/__tests__'],
  // Every test file runs with its own temporary directory (TMPDIR), removed after it.
  testEnvironment: '<rootDir>/__tests__/support/temporary-directory-environment.ts',
  // Type checking happens once in `npm test` (tsc --noEmit); jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // Kept across runs, like the app bundle, and out of the temporary directory.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    // Terraform, the cdktf CLI, local S3 and DynamoDB: `npm run test:integration`.
    { ...project, displayName: 'integration', testRegex: integration },
    // Everything else: `npm run test:unit`.
    { ...project, displayName: 'unit', testRegex: '/__tests__/[^/]+\\.test\\.ts$', testPathIgnorePatterns: [integration] },
  ],
  testSequencer: '<rootDir>/__tests__/support/test-sequencer.js',
  // One worker per core (jest's default leaves one core idle).
  maxWorkers: '100%',
  // One temporary directory for the whole run; the run fails if anything is left in it.
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
};
