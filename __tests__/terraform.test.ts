import * as fs from 'node:fs';
import * as path from 'node:path';
import { environments } from '../envs/index';
import { synthesize } from '../synth/synthesize';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { ownershipContract } from './support/ownership-contract';
import { tempDir } from './support/synth';
import { initWithoutBackend, terraform, validate } from './support/terraform';

jest.setTimeout(300_000);

const outdir = path.join(tempDir('terraform'), 'cdktf.out');
synthesize(environments, { outdir });

/** A copy of a synthesized stack with its ownership-contract suite, initialised for validate and test. */
function prepare(name: string, workName = name, edit: (stack: any) => void = () => undefined): string {
  const dir = path.join(path.dirname(outdir), 'work', workName);
  fs.cpSync(path.join(outdir, 'stacks', name), dir, { recursive: true });
  writeSuite(dir, edit);
  initWithoutBackend(dir);
  return dir;
}

function writeSuite(dir: string, edit: (stack: any) => void): void {
  const file = path.join(dir, 'cdk.tf.json');
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(stack);
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  const { testFile, ciReleased } = ownershipContract(stack);
  fs.mkdirSync(path.join(dir, 'ci-released'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ci-released', 'cdk.tf.json'), JSON.stringify(ciReleased, null, 2));
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

  test('keeps the code and layer versions CI released (terraform test, mocked provider)', () => {
    const result = terraform(['test', '-no-color'], dir);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Success! 2 passed, 0 failed\./);
    expect(result.status).toBe(0);
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
    expect(output).toContain('aws_lambda_function.worker_function.source_code_hash would become');
    expect(output).toContain('aws_lambda_layer_version.deps_layer_version.s3_key would become');
    expect(output).toContain('aws_lambda_layer_version.shared_code_layer_version.filename would become');
  });
});
