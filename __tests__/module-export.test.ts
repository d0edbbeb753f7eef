import * as fs from 'node:fs';
import * as path from 'node:path';
import { TERRAFORM_MODULES } from '../module-export/terraform-modules';
import { BAD_INPUTS, badInputSuites, caseName } from './support/module-bad-inputs';
import { tempDir } from './support/synth';
import { initWithoutBackend, terraformTest, TestReport, validate } from './support/terraform';

jest.setTimeout(300_000);

// The committed generated/ and examples/, copied so Terraform's working files stay out of the
// repository; the freshness test (generated.test.ts) ties generated/ to the TypeScript.
const root = path.resolve(__dirname, '..');
const work = tempDir('modules');
for (const dir of ['generated', 'examples']) fs.cpSync(path.join(root, dir), path.join(work, dir), { recursive: true });
const example = path.join(work, 'examples', 'existing-terraform');

// Beside the example's own suite: a bad input for every module variable validation, each in a
// module call of its own.
for (const [file, content] of Object.entries(badInputSuites('../../../../generated/modules'))) {
  fs.mkdirSync(path.dirname(path.join(example, 'tests', file)), { recursive: true });
  fs.writeFileSync(path.join(example, 'tests', file), content);
}

describe('the existing-terraform example and the generated modules it calls', () => {
  let report: TestReport;
  beforeAll(() => {
    initWithoutBackend(example); // once, for the example, its suites and the bad-input roots
    report = terraformTest(example, ['-var-file=staging.tfvars']);
  });

  test('the example calls every generated module, so validating it validates each of them', () => {
    const calls = fs.readFileSync(path.join(example, 'main.tf'), 'utf8').matchAll(/source\s*=\s*"\.\.\/\.\.\/generated\/modules\/([^"]+)"/g);
    expect([...new Set([...calls].map((call) => call[1]))].sort()).toEqual(Object.keys(TERRAFORM_MODULES).sort());
  });

  test('pass terraform validate with the real aws provider', () => {
    // Validates the example with its provider block, and every module it calls. The test files
    // hold bad inputs on purpose; terraform test checks them.
    validate(example, ['-no-tests']);
  });

  test('keep the layer versions and code CI released (ownership contract through the module interface)', () => {
    expect({ ownership: report.files['tests/ownership.tftest.hcl'], output: report.output }).toEqual({
      ownership: { status: 'pass', runs: { terraform_creates_the_functions: 'pass', ci_released_new_versions: 'pass' } },
      output: expect.any(String),
    });
  });

  test('plan every choice the modules leave to Terraform, each way (tests/module-branches.tftest.hcl)', () => {
    const file = 'tests/module-branches.tftest.hcl';
    const runs = [...fs.readFileSync(path.join(example, file), 'utf8').matchAll(/^run "([^"]+)"/gm)].map((run) => run[1]);
    expect(runs.length).toBeGreaterThan(10);
    expect({ branches: report.files[file], output: report.output }).toEqual({
      branches: { status: 'pass', runs: Object.fromEntries(runs.map((run) => [run, 'pass'])) },
      output: expect.any(String),
    });
  });

  test('reject every bad input of every module variable validation, naming the variable, the value and the rule', () => {
    const suitesMeantToPass = ['tests/ownership.tftest.hcl', 'tests/module-branches.tftest.hcl'];
    const badInputFiles = Object.keys(report.files).filter((file) => !suitesMeantToPass.includes(file));
    const diagnostics = report.diagnostics.filter((d) => d.file !== undefined && badInputFiles.includes(d.file));
    // Each case's module call is rejected for its one bad variable, with that variable's message.
    const rejected = Object.fromEntries(
      diagnostics
        .filter((d) => d.severity === 'error' && d.summary === 'Invalid value for variable')
        .map((d) => [d.context, { variable: d.code?.trim().split(/\s*=/)[0], message: d.detail.split('\n\nThis was checked by')[0] }]),
    );
    expect(rejected).toEqual(
      Object.fromEntries(BAD_INPUTS.map((input) => [`module "${caseName(input)}"`, { variable: input.variable, message: input.message }])),
    );
    // One diagnostic per case, and nothing else went wrong in those plans.
    expect(diagnostics).toHaveLength(BAD_INPUTS.length);
  });
});
