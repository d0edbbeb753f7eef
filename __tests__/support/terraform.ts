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

/** `terraform validate`, returning its diagnostics; fails unless the configuration is valid. */
export function validate(cwd: string): void {
  const result = terraform(['validate', '-json', '-no-color'], cwd);
  const report = JSON.parse(result.stdout);
  if (!report.valid || result.status !== 0) {
    throw new Error(`terraform validate found problems in ${cwd}:\n${JSON.stringify(report.diagnostics, null, 2)}`);
  }
}
