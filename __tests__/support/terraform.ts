import { spawnSync } from 'node:child_process';

export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the Terraform CLI with the environment's own settings (TF_CLI_CONFIG_FILE and the like:
 * a provider mirror offline, the registry online). A missing binary is an error, never a skip.
 */
export function terraform(args: readonly string[], cwd: string): TerraformResult {
  const result = spawnSync('terraform', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(
      `could not run "terraform ${args.join(' ')}": ${result.error.message}. ` +
        'These tests need the Terraform CLI (>= 1.11) on the PATH.',
    );
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs Terraform and fails with its output unless it exits 0. */
export function terraformOk(args: readonly string[], cwd: string): TerraformResult {
  const result = terraform(args, cwd);
  if (result.status !== 0) {
    const hint =
      args[0] === 'init'
        ? '\nTerraform could not install the hashicorp/aws provider. Without registry access, point ' +
          'TF_CLI_CONFIG_FILE at a CLI config with a provider_installation mirror (see README, "Tests").'
        : '';
    throw new Error(`terraform ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}${hint}`);
  }
  return result;
}

/** `terraform init` without a backend: enough for validate and test, and needs no AWS. */
export function initWithoutBackend(cwd: string): void {
  terraformOk(['init', '-backend=false', '-input=false', '-no-color'], cwd);
}

/** `terraform validate`; fails with its diagnostics unless the configuration is valid. */
export function validate(cwd: string, args: readonly string[] = []): void {
  const result = terraform(['validate', '-json', '-no-color', ...args], cwd);
  const report = JSON.parse(result.stdout);
  if (!report.valid || result.status !== 0) {
    throw new Error(`terraform validate found problems in ${cwd}:\n${JSON.stringify(report.diagnostics, null, 2)}`);
  }
}

/** One diagnostic of a `terraform test` run. */
export interface TestDiagnostic {
  /** The test file and run block it came from. */
  readonly file?: string;
  readonly run?: string;
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  /** Where in the configuration: the enclosing block (`module "case_3"`) and the source line. */
  readonly context?: string;
  readonly code?: string;
}

/** What `terraform test` reported: every file's and every run's status, and the diagnostics. */
export interface TestReport {
  readonly status: number;
  /** By test file: its status and its runs' (`pass`, `fail`, `error`, `skip`). */
  readonly files: Record<string, { status?: string; runs: Record<string, string> }>;
  readonly diagnostics: readonly TestDiagnostic[];
  /** The whole output, for failure messages. */
  readonly output: string;
}

/**
 * `terraform test` with machine-readable output, so that one run can hold suites that are meant
 * to pass and suites that are meant to fail, each judged on its own.
 */
export function terraformTest(cwd: string, args: readonly string[] = []): TestReport {
  const result = terraform(['test', '-json', '-no-color', ...args], cwd);
  const files: Record<string, { status?: string; runs: Record<string, string> }> = {};
  const diagnostics: TestDiagnostic[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line);
    if (entry.type === 'test_file' && entry.test_file.progress === 'complete') {
      files[entry.test_file.path] = { runs: files[entry.test_file.path]?.runs ?? {}, status: entry.test_file.status };
    } else if (entry.type === 'test_run' && entry.test_run.progress === 'complete') {
      const file = (files[entry.test_run.path] ??= { runs: {} });
      file.runs[entry.test_run.run] = entry.test_run.status;
    } else if (entry.type === 'diagnostic') {
      diagnostics.push({
        file: entry['@testfile'],
        run: entry['@testrun'],
        severity: entry.diagnostic.severity,
        summary: entry.diagnostic.summary,
        detail: entry.diagnostic.detail ?? '',
        context: entry.diagnostic.snippet?.context ?? undefined,
        code: entry.diagnostic.snippet?.code,
      });
    }
  }
  if (Object.keys(files).length === 0) {
    throw new Error(`terraform test ran no test file in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { status: result.status, files, diagnostics, output: `${result.stdout}${result.stderr}` };
}
