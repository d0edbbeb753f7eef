import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { changesBetween, renderSummary, SUMMARY_MARKER } from '../tools/synth-summary';
import { tempDir } from './support/synth';

const generated = path.resolve(__dirname, '..', 'generated');

/** A copy of generated/ with one configuration edited, the staging stack unless told. */
function edited(change: (config: any) => void, config = 'stacks/staging/cdk.tf.json'): string {
  const dir = path.join(tempDir('summary'), 'generated');
  fs.cpSync(generated, dir, { recursive: true });
  const file = path.join(dir, config);
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(stack);
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  return dir;
}

describe('synth summary for pull requests', () => {
  test('says so when nothing changed', () => {
    expect(changesBetween(generated, generated)).toEqual([]);
    expect(renderSummary([])).toBe(`${SUMMARY_MARKER}\n### Synthesized Terraform\n\nNo change to the synthesized Terraform.\n`);
  });

  test('lists resources added, removed and changed per stack, with the changed attributes', () => {
    const head = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.memory_size = 2048;
      delete stack.resource.aws_scheduler_schedule;
      stack.resource.aws_cloudwatch_log_group.extra_log_group = { name: '/aws/lambda/extra', retention_in_days: 7 };
    });
    expect(changesBetween(generated, head)).toEqual([
      {
        stack: 'stacks/staging',
        added: ['aws_cloudwatch_log_group.extra_log_group'],
        removed: ['aws_scheduler_schedule.cleanup_schedules_cleanup'],
        changed: [{ address: 'aws_lambda_function.api_function', attributes: ['memory_size'] }],
        accountGuard: [],
        backend: [],
        iam: [],
        ignoreChanges: [],
        externalLayers: [],
      },
    ]);
  });

  test('calls out every change to IAM and to what CI owns', () => {
    const head = edited((stack) => {
      const policy = stack.resource.aws_iam_role_policy.api_invoke_policy;
      policy.policy = policy.policy.replace('lambda:InvokeFunction', 'lambda:InvokeAsync');
      stack.resource.aws_lambda_function.worker_function.lifecycle.ignore_changes = ['filename'];
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.iam).toEqual(['aws_iam_role_policy.api_invoke_policy changed (policy)']);
    expect(changes.ignoreChanges).toEqual([
      'aws_lambda_function.worker_function: [filename, s3_bucket, s3_key, s3_object_version, source_code_hash, layers, publish] → [filename]',
    ]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 2 | 0 | 0 | 1 | 1 | 0 |');
    expect(markdown).toContain('- **IAM:** `aws_iam_role_policy.api_invoke_policy changed (policy)`');
    expect(markdown).toContain('- **ignore_changes (what CI owns) changed:** `aws_lambda_function.worker_function: [filename, s3_bucket');
  });

  test('calls out a change to the external layers a function pins as applied at the next release, with the ARNs before and after', () => {
    const powertools = (version: number) => `arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:${version}`;
    const platform = 'arn:aws:lambda:us-west-2:222222222222:layer:platform-shared:4';
    const base = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.layers.push(powertools(7), platform);
    });
    const head = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.layers.push(powertools(9), platform);
      // the built layers in another order: a layer release applies that; no external layer changed
      stack.resource.aws_lambda_function.worker_function.layers.reverse();
    });
    const [changes] = changesBetween(base, head);
    expect(changes.changed).toEqual([
      { address: 'aws_lambda_function.api_function', attributes: ['layers'] },
      { address: 'aws_lambda_function.worker_function', attributes: ['layers'] },
    ]);
    expect(changes.externalLayers).toEqual([`aws_lambda_function.api_function: [${powertools(7)}, ${platform}] → [${powertools(9)}, ${platform}]`]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 1 |');
    expect(markdown).toContain(
      `- **External layers (applied at the next release, not by Terraform):** \`aws_lambda_function.api_function: [${powertools(7)}, ${platform}] → [${powertools(9)}, ${platform}]\``,
    );
  });

  test('calls out external layers pinned, reordered or dropped, but not those of a function Terraform creates or updates itself', () => {
    const powertools = 'arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:9';
    const platform = 'arn:aws:lambda:us-west-2:222222222222:layer:platform-shared:4';
    const base = edited((stack) => {
      stack.resource.aws_lambda_function.worker_function.layers.push(powertools, platform);
      stack.resource.aws_lambda_function.cleanup_function.layers.push(powertools);
    });
    const head = edited((stack) => {
      const functions = stack.resource.aws_lambda_function;
      functions.api_function.layers.push(powertools); // pinned
      functions.worker_function.layers.push(platform, powertools); // reordered
      functions.extra_function = { ...functions.cleanup_function, function_name: 'extra', layers: [powertools] }; // created with it
      // no longer left to CI: the next apply sets them (the ignore_changes call-out says so)
      functions.cleanup_function.lifecycle = { ignore_changes: ['filename'] };
    });
    const [changes] = changesBetween(base, head);
    expect(changes.externalLayers).toEqual([
      `aws_lambda_function.api_function: [] → [${powertools}]`,
      `aws_lambda_function.worker_function: [${powertools}, ${platform}] → [${platform}, ${powertools}]`,
    ]);
    // dropped
    expect(changesBetween(base, generated)[0].externalLayers).toEqual([
      `aws_lambda_function.cleanup_function: [${powertools}] → []`,
      `aws_lambda_function.worker_function: [${powertools}, ${platform}] → []`,
    ]);
  });

  test('calls out a change to the accounts the provider may act in', () => {
    const head = edited((stack) => {
      stack.provider.aws[0].allowed_account_ids = ['333333333333'];
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([{ address: 'provider.aws', attributes: ['allowed_account_ids'] }]);
    expect(changes.accountGuard).toEqual(['provider.aws changed (allowed_account_ids)']);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('- **Account guard (which account, which endpoints):** `provider.aws changed (allowed_account_ids)`');
  });

  test('calls out provider endpoints added, and a provider block added, but not a change to default tags', () => {
    const head = edited((stack) => {
      stack.provider.aws[0].endpoints = [{ sts: 'https://sts.example.com' }];
      stack.provider.aws[0].default_tags[0].tags.Team = 'books';
      stack.provider.aws.push({ alias: 'east', region: 'us-east-1' });
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.added).toEqual(['provider.aws.east']);
    expect(changes.changed).toEqual([{ address: 'provider.aws', attributes: ['default_tags', 'endpoints'] }]);
    expect(changes.accountGuard).toEqual(['provider.aws.east added', 'provider.aws changed (endpoints)']);
  });

  test('calls out a change to the state backend', () => {
    const head = edited((stack) => {
      stack.terraform.backend.s3.key = 'bookshelf-prod/terraform.tfstate';
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([{ address: 'terraform.backend.s3', attributes: ['key'] }]);
    expect(changes.backend).toEqual(['terraform.backend.s3 changed (key)']);
    expect(changes.accountGuard).toEqual([]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 0 |');
    expect(markdown).toContain('- **Backend (where the state lives):** `terraform.backend.s3 changed (key)`');
  });

  test('reports the required Terraform version and providers', () => {
    const head = edited((stack) => {
      stack.terraform.required_version = '>= 1.9';
      stack.terraform.required_providers.aws.version = '6.0.0';
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([
      { address: 'terraform.required_providers.aws', attributes: ['version'] },
      { address: 'terraform.required_version', attributes: [] },
    ]);
    expect(renderSummary([changes])).toContain('- changed `terraform.required_version`\n');
  });

  test('reports an output removed', () => {
    const head = edited((stack) => {
      delete stack.output.api_function_arn;
    });
    expect(changesBetween(generated, head)).toEqual([
      expect.objectContaining({ stack: 'stacks/staging', added: [], removed: ['output.api_function_arn'], changed: [] }),
    ]);
  });

  test("reports a change to a module variable's validation", () => {
    const head = edited((module) => {
      module.variable.memory_size.validation[0].condition = '${var.memory_size >= 256}';
    }, 'modules/lambda/main.tf.json');
    expect(changesBetween(generated, head)).toEqual([
      expect.objectContaining({ stack: 'modules/lambda', changed: [{ address: 'var.memory_size', attributes: ['validation'] }] }),
    ]);
  });

  test('names data sources, locals and module calls as Terraform does', () => {
    const head = edited((stack) => {
      stack.data = { aws_caller_identity: { current: {} } };
      stack.locals = { prefix: 'bookshelf-staging' };
      stack.module = { extra: { source: '../../modules/lambda', function_name: 'extra' } };
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.added).toEqual(['data.aws_caller_identity.current', 'local.prefix', 'module.extra']);
  });

  test("ignores cdktf's // metadata and the order of keys", () => {
    const head = edited((stack) => {
      stack['//'].metadata.version = '0.22.0';
      stack.resource.aws_lambda_function.api_function['//'].metadata.path = 'staging/api/moved';
      stack.provider.aws[0]['//'] = { note: 'new metadata' };
      stack.terraform.backend.s3 = Object.fromEntries(Object.entries(stack.terraform.backend.s3).reverse());
    });
    expect(changesBetween(generated, head)).toEqual([]);
  });
});

describe('npm run synth-summary', () => {
  test('refuses a directory that is not a generated/ tree, instead of reporting everything removed', () => {
    const root = path.resolve(__dirname, '..');
    const missing = path.join(tempDir('summary-cli'), 'no-such-generated');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/synth-summary.ts', 'generated', missing], { cwd: root, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 2,
      stderr: `${missing}: not a generated/ directory (no stacks/ or modules/ in it)\n`,
      stdout: '',
    });
  });
});
