import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareGenerated, formatDifference } from '../tools/compare-generated';
import { tempDir } from './support/synth';

// The committed generated/: what `npm run test:cdktn` compares cdktn's output with.
const committed = path.resolve(__dirname, '..', 'generated');
const STACK = 'stacks/staging/cdk.tf.json';

/** A copy of the committed generated/ with `change` applied to one file's parsed JSON, written back in another layout. */
function copyWith(file: string, change: (json: any) => void): string {
  const copy = tempDir('compare-generated');
  fs.cpSync(committed, copy, { recursive: true });
  const json = JSON.parse(fs.readFileSync(path.join(copy, file), 'utf8'));
  change(json);
  fs.writeFileSync(path.join(copy, file), JSON.stringify(json)); // no indentation: layout must not count
  return copy;
}

describe('compareGenerated: generated/ as Terraform reads it', () => {
  test('an identical copy passes', () => {
    const copy = tempDir('compare-generated');
    fs.cpSync(committed, copy, { recursive: true });
    expect(compareGenerated(committed, copy)).toEqual([]);
  });

  test('one changed attribute fails, naming the file and the JSON path', () => {
    const copy = copyWith(STACK, (json) => (json.resource.aws_lambda_function.api_function.memory_size += 1));
    const differences = compareGenerated(committed, copy);
    expect(differences.map(formatDifference)).toEqual([
      `${STACK}: resource.aws_lambda_function.api_function.memory_size: 512 before, 513 after`,
    ]);
  });

  test('the version stamp, key order and layout are all that may differ', () => {
    const copy = copyWith(STACK, (json) => {
      json['//'].metadata.version = '0.24.0';
      const types = Object.keys(json.resource);
      json.resource = Object.fromEntries(Object.entries(json.resource).reverse());
      expect(Object.keys(json.resource)).toEqual([...types].reverse());
    });
    expect(compareGenerated(committed, copy)).toEqual([]);
  });

  test('only the top-level stamp is ignored: a removed stamp passes, other metadata and a nested "version" fail', () => {
    expect(compareGenerated(committed, copyWith(STACK, (json) => delete json['//'].metadata.version))).toEqual([]);
    const differences = compareGenerated(
      committed,
      copyWith(STACK, (json) => {
        json['//'].metadata.stackName = 'other';
        json.resource.aws_lambda_function.api_function['//'].metadata.version = '0.24.0';
      }),
    );
    expect(differences.map(formatDifference)).toEqual([
      `${STACK}: ["//"].metadata.stackName: "staging" before, "other" after`,
      `${STACK}: resource.aws_lambda_function.api_function["//"].metadata.version: added ("0.24.0")`,
    ]);
  });

  test('array order counts; removed and added keys are named', () => {
    const differences = compareGenerated(
      committed,
      copyWith(STACK, (json) => {
        const fn = json.resource.aws_lambda_function.api_function;
        const [first, second] = fn.lifecycle.ignore_changes;
        fn.lifecycle.ignore_changes.splice(0, 2, second, first);
        delete fn.timeout;
        fn.package_type = 'Zip';
      }),
    );
    const at = `${STACK}: resource.aws_lambda_function.api_function`;
    expect(differences.map(formatDifference)).toEqual([
      `${at}.lifecycle.ignore_changes[0]: "filename" before, "s3_bucket" after`,
      `${at}.lifecycle.ignore_changes[1]: "s3_bucket" before, "filename" after`,
      `${at}.timeout: removed (was 30)`,
      `${at}.package_type: added ("Zip")`,
    ]);
  });

  test('other files compare byte for byte; missing, extra and unreadable files fail', () => {
    const copy = tempDir('compare-generated');
    fs.cpSync(committed, copy, { recursive: true });
    const zip = fs.readdirSync(path.join(copy, 'modules/lambda/assets/placeholder_asset'))[0];
    const zipFile = `modules/lambda/assets/placeholder_asset/${zip}/placeholder.zip`;
    const bytes = fs.readFileSync(path.join(copy, zipFile));
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(path.join(copy, zipFile), bytes);
    fs.rmSync(path.join(copy, 'stacks/prod/release-manifest.json'));
    fs.writeFileSync(path.join(copy, 'stacks/prod/extra.tf.json'), '{}');
    fs.writeFileSync(path.join(copy, 'modules/lambda-layer/main.tf.json'), '{"variable": ');
    expect(compareGenerated(committed, copy).map(formatDifference)).toEqual([
      `${zipFile}: contents differ (${bytes.length} bytes before, ${bytes.length} bytes after)`,
      expect.stringMatching(/^modules\/lambda-layer\/main\.tf\.json: the new file is not valid JSON: /),
      'stacks/prod/release-manifest.json: missing from the new output',
      'stacks/prod/extra.tf.json: only in the new output',
    ]);
  });
});
