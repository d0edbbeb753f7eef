import * as fs from 'node:fs';
import * as path from 'node:path';
import { environments } from '../envs/index';
import { staging } from '../envs/staging';
import { ALIAS_CI_OWNED_ATTRIBUTES } from '../modules/lambda-function';
import { EnvironmentConfig } from '../stacks/environment-config';
import { synthesize } from '../synth/synthesize';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { ownershipContract } from './support/ownership-contract';
import { tempDir } from './support/synth';
import { initWithoutBackend, terraform, validate } from './support/terraform';

jest.setTimeout(300_000);

const outdir = path.join(tempDir('terraform'), 'cdktf.out');
synthesize(environments, { outdir });

/**
 * Staging with the optional parts of a function's alias on: its own alias name, provisioned
 * concurrency on the API's alias, SnapStart on the analysis worker; and the function settings moto
 * cannot hold or drops (structured logs), with a VPC, KMS keys and ephemeral storage.
 */
const stagingWithVersionSettings: EnvironmentConfig = {
  ...staging,
  functions: {
    ...staging.functions,
    api: {
      ...staging.functions!.api,
      alias: 'current',
      provisionedConcurrentExecutions: 2,
      logging: { applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN' },
      vpc: { subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], securityGroupIds: ['sg-0123456789abcdef0'] },
      ephemeralStorageSize: 2048,
      kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e',
      logsKmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/mrk-0123456789abcdef0123456789abcdef',
    },
    'analysis-worker': { ...staging.functions!['analysis-worker'], snapStart: true, logging: { format: 'Text' } },
  },
};
const variantOutdir = path.join(tempDir('terraform-variant'), 'cdktf.out');
synthesize([stagingWithVersionSettings], { outdir: variantOutdir });

/** A copy of a synthesized stack with its ownership-contract suite, initialised for validate and test. */
function prepare(name: string, workName = name, edit: (stack: any) => void = () => undefined, from = outdir): string {
  const dir = path.join(path.dirname(outdir), 'work', workName);
  fs.cpSync(path.join(from, 'stacks', name), dir, { recursive: true });
  writeSuite(dir, edit);
  initWithoutBackend(dir);
  return dir;
}

function writeSuite(dir: string, edit: (stack: any) => void): void {
  const file = path.join(dir, 'cdk.tf.json');
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(stack);
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  const { testFile, ciReleased, ciMovedAliases } = ownershipContract(stack);
  for (const [module, json] of [['ci-released', ciReleased], ['ci-moved-aliases', ciMovedAliases]]) {
    fs.mkdirSync(path.join(dir, module), { recursive: true });
    fs.writeFileSync(path.join(dir, module, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  }
  fs.writeFileSync(path.join(dir, 'ownership.tftest.hcl'), testFile);
}

describe.each(environments.map((e) => e.name))('the synthesized %s stack', (name) => {
  let dir: string;
  beforeAll(() => {
    dir = prepare(name);
  });

  // Not covered by the terraform test below: with a mocked provider, Terraform never validates
  // the provider block (allowed_account_ids, default_tags, endpoints), only the resources.
  test('passes terraform validate with the real aws provider', () => {
    validate(dir);
  });

  test('keeps the code and layer versions CI released and the alias versions CI moved to (terraform test, mocked provider)', () => {
    const result = terraform(['test', '-no-color'], dir);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Success! 4 passed, 0 failed\./);
    expect(result.status).toBe(0);
  });
});

describe('a stack with its own alias name, provisioned concurrency, SnapStart, structured logs, a VPC, KMS keys and ephemeral storage', () => {
  test('keeps the ownership contract and those settings through an alias move (terraform test, mocked provider)', () => {
    const dir = prepare('staging', 'staging-with-version-settings', () => undefined, variantOutdir);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource.aws_lambda_provisioned_concurrency_config)).toEqual(['api_provisioned_concurrency']);
    expect(stack.resource.aws_lambda_function.analysis_worker_function.snap_start).toEqual({ apply_on: 'PublishedVersions' });
    // No `terraform validate` of its own: its provider block is staging's, validated above, and
    // `terraform test` checks every resource against the provider's schema.
    const result = terraform(['test', '-no-color'], dir);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/Success! 4 passed, 0 failed\./);
    expect(result.status).toBe(0);
    // The suite asserted on both, so it would have failed without them.
    expect(fs.readFileSync(path.join(dir, 'ownership.tftest.hcl'), 'utf8')).toMatch(
      /aws_lambda_provisioned_concurrency_config\.api_provisioned_concurrency\.qualifier == "current"[\s\S]*aws_lambda_function\.analysis_worker_function\.snap_start\[0\]\.apply_on == "PublishedVersions"/,
    );
    const api = stack.resource.aws_lambda_function.api_function;
    expect(api.logging_config).toEqual({
      log_format: 'JSON',
      application_log_level: 'DEBUG',
      system_log_level: 'WARN',
      log_group: '${aws_cloudwatch_log_group.api_log_group.name}',
    });
    expect([api.ephemeral_storage, api.vpc_config.subnet_ids.length]).toEqual([{ size: 2048 }, 2]);
    expect(stack.resource.aws_lambda_function.analysis_worker_function.logging_config).toEqual({
      log_format: 'Text',
      log_group: '${aws_cloudwatch_log_group.analysis_worker_log_group.name}',
    });
  });

  // moto drops logging_config, so this suite is the proof it is applied: without the block in the
  // configuration, it must fail.
  test('fails when the applied configuration has no logging_config', () => {
    const dir = prepare('staging', 'staging-without-logging-config', () => undefined, variantOutdir);
    const file = path.join(dir, 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete stack.resource.aws_lambda_function.api_function.logging_config;
    fs.writeFileSync(file, JSON.stringify(stack, null, 2));
    const result = terraform(['test', '-no-color'], dir);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(output).toContain('run "terraform_applies_again"... fail');
    expect(output).toMatch(/aws_lambda_function\.api_function\s+should\s+keep\s+its\s+logging_config\s+\(JSON\s+into\s+its\s+own\s+log\s+group\)/);
  });
});

describe.each(environments.map((e) => bootstrapStackName(e.name)))('the synthesized %s stack', (name) => {
  test('passes terraform validate with the real aws provider', () => {
    const dir = path.join(path.dirname(outdir), 'work', name);
    fs.cpSync(path.join(outdir, 'stacks', name), dir, { recursive: true });
    initWithoutBackend(dir);
    validate(dir);
  });
});

describe('the ownership-contract suite', () => {
  // A suite that cannot fail proves nothing: without ignore_changes it must catch the revert.
  test('fails when the CI-owned attributes are not ignored', () => {
    const dir = prepare('staging', 'staging-without-ignore-changes', (stack) => {
      for (const fn of Object.values<any>(stack.resource.aws_lambda_function)) {
        fn.lifecycle.ignore_changes = fn.lifecycle.ignore_changes.filter(
          (attribute: string) => attribute !== 'layers' && attribute !== 'source_code_hash',
        );
      }
      for (const layer of Object.values<any>(stack.resource.aws_lambda_layer_version)) delete layer.lifecycle;
    });
    const result = terraform(['test', '-no-color'], dir);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(output).toContain('run "ci_released_new_versions"... fail');
    expect(output).toContain('aws_lambda_function.api_function.layers would become');
    expect(output).toContain('aws_lambda_function.analysis_worker_function.source_code_hash would become');
    expect(output).toContain('aws_lambda_layer_version.deps_layer_version.s3_key would become');
    expect(output).toContain('aws_lambda_layer_version.shared_code_layer_version.filename would become');
  });

  test.each(ALIAS_CI_OWNED_ATTRIBUTES)('fails when the aliases do not ignore %s', (attribute) => {
    const dir = prepare('staging', `staging-alias-without-${attribute}`, (stack) => {
      for (const alias of Object.values<any>(stack.resource.aws_lambda_alias)) {
        alias.lifecycle.ignore_changes = alias.lifecycle.ignore_changes.filter((ignored: string) => ignored !== attribute);
      }
    });
    const result = terraform(['test', '-no-color'], dir);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(output).toContain('run "ci_released_new_versions"... fail');
    expect(output).toContain(`aws_lambda_alias.api_alias.${attribute} would become`);
    expect(output).toContain('run "terraform_applies_again"... fail');
    expect(output).toMatch(/aws_lambda_alias\.api_alias would go back to version\s[\s\S]*?Terraform\s+would\s+revert\s+CI's\s+alias\s+move/);
  });
});
