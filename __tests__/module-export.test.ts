import * as fs from 'node:fs';
import * as path from 'node:path';
import { TERRAFORM_MODULES } from '../module-export/terraform-modules';
import { BAD_INPUTS, everyCaseRoot, expectFailuresSuite } from './support/module-bad-inputs';
import { tempDir } from './support/synth';
import { initWithoutBackend, terraform, validate } from './support/terraform';

jest.setTimeout(600_000);

// The committed generated/ and examples/, copied so Terraform's working files stay out of the
// repository; the freshness test (generated.test.ts) ties generated/ to the TypeScript.
const root = path.resolve(__dirname, '..');
const work = tempDir('modules');
for (const dir of ['generated', 'examples']) fs.cpSync(path.join(root, dir), path.join(work, dir), { recursive: true });
const example = path.join(work, 'examples', 'existing-terraform');

describe.each(Object.keys(TERRAFORM_MODULES))('the generated %s module', (name) => {
  test('passes terraform init and validate', () => {
    const dir = path.join(work, 'generated', 'modules', name);
    initWithoutBackend(dir);
    validate(dir);
  });
});

describe('the existing-terraform example', () => {
  beforeAll(() => initWithoutBackend(example));

  test('passes terraform validate', () => {
    validate(example);
  });

  test('keeps the layer versions and code CI released (ownership contract through the module interface)', () => {
    const result = terraform(['test', '-filter=tests/ownership.tftest.hcl', '-var-file=staging.tfvars', '-no-color'], example);
    expect(`${result.stdout}${result.stderr}`).toContain('Success! 2 passed, 0 failed.');
  });

  test('plans every choice the modules leave to Terraform, each way (tests/module-branches.tftest.hcl)', () => {
    const file = path.join(example, 'tests', 'module-branches.tftest.hcl');
    const runs = fs.readFileSync(file, 'utf8').match(/^run "/gm)?.length ?? 0;
    const result = terraform(['test', '-filter=tests/module-branches.tftest.hcl', '-no-color'], example);
    expect(`${result.stdout}${result.stderr}`).toContain(`Success! ${runs} passed, 0 failed.`);
  });

  describe('with a suite of bad inputs for every module variable validation', () => {
    // Written after validate: it also checks literal inputs in test files, and these are bad on purpose.
    const groups = [BAD_INPUTS.filter((c) => !c.readsOtherVariables), BAD_INPUTS.filter((c) => c.readsOtherVariables)];
    beforeAll(() => {
      const tests = path.join(example, 'tests');
      fs.writeFileSync(path.join(tests, 'validation.tftest.hcl'), expectFailuresSuite('../../generated/modules'));
      groups.forEach((cases, i) => {
        fs.mkdirSync(path.join(tests, `cases-${i}`));
        fs.writeFileSync(path.join(tests, `cases-${i}`, 'main.tf'), everyCaseRoot('../../../../generated/modules', cases));
        fs.writeFileSync(
          path.join(tests, `messages-${i}.tftest.hcl`),
          `mock_provider "aws" {}\n\nrun "every_case" {\n  command = plan\n  module {\n    source = "./tests/cases-${i}"\n  }\n}\n`,
        );
      });
      initWithoutBackend(example);
    });

    test('every one is rejected (expect_failures)', () => {
      const result = terraform(['test', '-filter=tests/validation.tftest.hcl', '-no-color'], example);
      expect(`${result.stdout}${result.stderr}`).toContain(`Success! ${BAD_INPUTS.length} passed, 0 failed.`);
    });

    test('every message names the variable, the value and the rule', () => {
      const filters = groups.map((_, i) => `-filter=tests/messages-${i}.tftest.hcl`);
      const result = terraform(['test', ...filters, '-json', '-no-color'], example);
      const messages = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.type === 'diagnostic' && entry.diagnostic.summary === 'Invalid value for variable')
        .map((entry) => entry.diagnostic.detail.split('\n\nThis was checked by')[0]);
      expect(messages.sort()).toEqual(BAD_INPUTS.map((input) => input.message).sort());
    });
  });
});
