import * as fs from 'node:fs';
import * as path from 'node:path';
import { environments } from '../envs/index';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { synthesize } from '../synth/synthesize';
import { TERRAFORM_MODULES } from '../module-export/terraform-modules';
import { CLEANUP_LAMBDA_MOVES, LAMBDA_LAYER_MOVES, LAMBDA_MOVES, ModuleMove, movedBlocks } from '../module-export/moved-addresses';
import { ModuleStack } from '../module-export/module-stack';
import { Testing } from '../core/framework';
import { collectProblems } from '../synth/collect-problems';
import { WIRING_FILE } from '../contract/wiring-file';
import { wiringDiagram } from '../stacks/wiring-diagram';
import { parseMermaid } from './support/mermaid';
import { readTree, tempDir } from './support/synth';

const root = path.resolve(__dirname, '..');
const fresh = path.join(tempDir('generated'), 'generated');
synthesize(environments, { outdir: path.join(path.dirname(fresh), 'cdktf.out'), generatedDir: fresh });
const moduleJson = (name: string) => JSON.parse(fs.readFileSync(path.join(fresh, 'modules', name, 'main.tf.json'), 'utf8'));

describe('generated/', () => {
  test('is up to date with the TypeScript', () => {
    const committed = readTree(path.join(root, 'generated'));
    const expected = readTree(fresh);
    const stale = [
      ...Object.keys(expected).filter((file) => !committed[file]?.equals(expected[file])),
      ...Object.keys(committed).filter((file) => !(file in expected) && !file.includes('.terraform')),
    ];
    if (stale.length > 0) {
      throw new Error(
        `generated/ is out of date with the TypeScript (${stale.sort().join(', ')}).\n` +
          'Refresh it with `npx cdktf synth` (or `npm run synth`) and commit the result.',
      );
    }
  });

  test('holds every module and every environment stack', () => {
    expect(fs.readdirSync(path.join(fresh, 'modules')).sort()).toEqual(Object.keys(TERRAFORM_MODULES).sort());
    const stacks = environments.flatMap((e) => [e.name, bootstrapStackName(e.name)]);
    expect(fs.readdirSync(path.join(fresh, 'stacks')).sort()).toEqual(stacks.sort());
    for (const name of stacks) {
      const synthesized = fs.readFileSync(path.join(path.dirname(fresh), 'cdktf.out', 'stacks', name, 'cdk.tf.json'));
      expect(fs.readFileSync(path.join(fresh, 'stacks', name, 'cdk.tf.json')).equals(synthesized)).toBe(true);
    }
  });

  test("holds each environment's wiring diagram beside its stack, as synth wrote it, in a form Mermaid parses", () => {
    const diagrams = environments.map(({ name }) => {
      const written = fs.readFileSync(path.join(path.dirname(fresh), 'cdktf.out', 'stacks', name, WIRING_FILE));
      expect(fs.readFileSync(path.join(fresh, 'stacks', name, WIRING_FILE)).equals(written)).toBe(true);
      return /```mermaid\n([\s\S]*)```/.exec(written.toString('utf8'))?.[1] ?? '';
    });
    expect(diagrams).toEqual(environments.map((config) => wiringDiagram(config)));
    expect(parseMermaid(diagrams).map((parsed) => ('error' in parsed ? parsed.error : parsed.diagramType))).toEqual(environments.map(() => 'flowchart-v2'));
    // bootstrap stacks have no functions to draw
    expect(fs.existsSync(path.join(fresh, 'stacks', bootstrapStackName(environments[0].name), WIRING_FILE))).toBe(false);
  });

  test('a refresh keeps Terraform working files, rewrites nothing unchanged and removes what is gone, assets included', () => {
    const dir = path.join(tempDir('refresh'), 'generated');
    fs.cpSync(fresh, dir, { recursive: true });
    const kept = path.join(dir, 'stacks', 'staging', '.terraform', 'providers', 'marker');
    fs.mkdirSync(path.dirname(kept), { recursive: true });
    fs.writeFileSync(kept, 'provider');
    const stale = path.join(dir, 'stacks', 'retired', 'cdk.tf.json');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, '{}');
    const unchanged = path.join(dir, 'modules', 'lambda', 'main.tf.json');
    const before = fs.statSync(unchanged).mtimeMs;
    // What cdktf diff and deploy leave in cdktf.out must not reach generated/.
    const outdir = path.join(path.dirname(dir), 'cdktf.out');
    fs.mkdirSync(path.join(outdir, 'stacks', 'staging'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'stacks', 'staging', 'plan'), 'binary plan');
    fs.mkdirSync(path.join(outdir, 'stacks', 'retired'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'stacks', 'retired', 'cdk.tf.json'), '{}');

    // A function taken out since the last synth leaves its placeholder behind in cdktf.out.
    const removedAsset = path.join('stacks', 'staging', 'assets', 'thumbnails_placeholder_asset', '0123456789abcdef', 'placeholder.zip');
    fs.mkdirSync(path.dirname(path.join(outdir, removedAsset)), { recursive: true });
    fs.writeFileSync(path.join(outdir, removedAsset), 'a removed function');

    synthesize(environments, { outdir, generatedDir: dir });

    expect(fs.existsSync(path.join(outdir, removedAsset))).toBe(false);
    expect(fs.existsSync(path.join(dir, removedAsset))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'stacks', 'staging', 'plan'))).toBe(false);
    expect(fs.existsSync(kept)).toBe(true);
    expect(fs.existsSync(path.dirname(stale))).toBe(false);
    expect(fs.statSync(unchanged).mtimeMs).toBe(before);
  });
});

describe.each(Object.keys(TERRAFORM_MODULES))('the generated %s module', (name) => {
  test('has no provider block and no backend, and accepts the AWS provider 5.x and 6.x', () => {
    const json = moduleJson(name);
    expect(json.provider).toBeUndefined();
    expect(json.terraform.backend).toBeUndefined();
    expect(json.terraform.required_providers).toEqual({ aws: { source: 'hashicorp/aws', version: '>= 5.0' } });
    expect(JSON.stringify(json)).not.toContain('"//"');
  });

  test('every variable has a description and a type, every output a description', () => {
    const json = moduleJson(name);
    for (const [variable, body] of Object.entries<any>(json.variable)) {
      expect({ variable, description: typeof body.description, type: typeof body.type }).toEqual({
        variable,
        description: 'string',
        type: 'string',
      });
    }
    for (const [output, body] of Object.entries<any>(json.output)) {
      expect({ output, description: typeof body.description }).toEqual({ output, description: 'string' });
    }
  });
});

describe('module interfaces', () => {
  test('lambda-layer keeps the interface of the hand-written module it replaces', () => {
    const json = moduleJson('lambda-layer');
    const variables = json.variable;
    expect(variables.layer_name).toMatchObject({ type: 'string', description: 'Name of the Lambda layer' });
    expect(variables.layer_name.default).toBeUndefined();
    expect(variables.description).toMatchObject({ type: 'string', default: 'Python dependencies layer' });
    expect(variables.compatible_runtimes).toMatchObject({ type: 'list(string)', default: ['python3.12'] });
    expect(variables.s3_bucket).toMatchObject({ type: 'string' });
    expect(variables.s3_bucket.default).toBeUndefined();
    expect(variables.s3_key).toMatchObject({ type: 'string' });
    expect(variables.s3_key.default).toBeUndefined();
    expect(variables.tags).toMatchObject({ type: 'map(string)', default: {} });
    // Anything added must be optional, so an existing caller needs no change.
    const required = Object.entries<any>(variables).filter(([, body]) => !('default' in body)).map(([n]) => n);
    expect(required.sort()).toEqual(['layer_name', 's3_bucket', 's3_key']);
    expect(Object.keys(json.output).sort()).toEqual(['layer_arn', 'layer_version', 'layer_version_arn']);
  });

  test.each(['lambda', 'cleanup-lambda'])('%s takes the variable names terraform-aws-modules/lambda users know', (name) => {
    const variables = moduleJson(name).variable;
    expect(variables.layers).toMatchObject({ type: 'list(string)', default: [] });
    expect(variables.lambda_invoke_arns).toMatchObject({ type: 'list(string)', default: [] });
    for (const known of [
      'function_name',
      'handler',
      'runtime',
      'description',
      'memory_size',
      'timeout',
      'architectures',
      'environment_variables',
      'reserved_concurrent_executions',
      'tracing_mode',
      'cloudwatch_logs_retention_in_days',
      'attach_policy_statements',
      'policy_statements',
      'local_existing_package',
      'role_name',
      'tags',
    ]) {
      expect(Object.keys(variables)).toContain(known);
    }
  });

  test('both function modules name the alias as terraform-aws-modules/lambda does, and take its settings', () => {
    for (const name of ['lambda', 'cleanup-lambda']) {
      const { variable, output } = moduleJson(name);
      expect(Object.keys(output)).toEqual(
        expect.arrayContaining(['lambda_alias_name', 'lambda_alias_arn', 'lambda_alias_invoke_arn', 'lambda_alias_function_version', 'alarm_names']),
      );
      expect(variable.alias_name).toMatchObject({ type: 'string', default: 'live' });
      expect(variable.alarms).toMatchObject({ type: 'list(string)', default: [] });
      expect(variable.provisioned_concurrent_executions).toMatchObject({ type: 'number', default: null });
      expect(variable.snap_start).toMatchObject({ type: 'bool', default: false });
    }
  });

  test('cleanup-lambda also takes its bucket, prefix, dry-run switch and schedule', () => {
    const variables = moduleJson('cleanup-lambda').variable;
    expect(variables.bucket_name.default).toBeUndefined();
    expect(variables.prefix.default).toBeUndefined();
    expect(variables.dry_run).toMatchObject({ type: 'bool', default: true });
    expect(variables.schedule).toMatchObject({ type: 'string', default: null });
  });

  test('functions created by a module keep the ownership contract, their alias included', () => {
    for (const name of ['lambda', 'cleanup-lambda']) {
      const fn = Object.values<any>(moduleJson(name).resource.aws_lambda_function)[0];
      expect(fn.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['layers', 'source_code_hash', 'filename', 's3_key', 'publish']));
      expect(fn.publish).toBe(true);
      const alias = Object.values<any>(moduleJson(name).resource.aws_lambda_alias)[0];
      expect(alias.lifecycle.ignore_changes).toEqual(['function_version', 'routing_config', 'description']);
    }
    const layer = Object.values<any>(moduleJson('lambda-layer').resource.aws_lambda_layer_version)[0];
    expect(layer.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['s3_key', 'source_code_hash']));
  });
});

describe('moved blocks from the modules teams run today (module-export/moved-addresses.ts)', () => {
  const TABLES: [string, readonly ModuleMove[]][] = [
    ['lambda-layer', LAMBDA_LAYER_MOVES],
    ['lambda', LAMBDA_MOVES],
    ['cleanup-lambda', CLEANUP_LAMBDA_MOVES],
  ];
  /** The module's resources, by `<type>.<name>`. */
  const resources = (json: any): Record<string, any> =>
    Object.fromEntries(Object.entries<any>(json.resource).flatMap(([type, byName]) => Object.entries<any>(byName).map(([n, body]) => [`${type}.${n}`, body])));

  test.each(TABLES)('the %s module holds its table as moved blocks', (name, moves) => {
    expect(moduleJson(name).moved).toEqual(movedBlocks(moves));
  });

  test.each(TABLES)('every move of the %s module ends at one of its resources, created once', (name, moves) => {
    const json = moduleJson(name);
    const blocks: { from: string; to: string }[] = json.moved;
    for (const move of moves) {
      // Each `to` in the table is a resource the module declares, without count or for_each, so
      // that the one instance moved lands at its address.
      const target = resources(json)[move.to];
      expect({ move, declared: target !== undefined, counted: target?.count ?? target?.for_each }).toEqual({ move, declared: true, counted: undefined });
      // The chain of blocks from its `from` ends there.
      let at = move.from;
      for (let next = blocks.find((b) => b.from === at); next !== undefined; next = blocks.find((b) => b.from === at)) at = next.to;
      expect({ from: move.from, to: at }).toEqual({ from: move.from, to: move.to });
    }
  });

  test.each(TABLES)('no moved block of the %s module starts at one of its own resources, and each address moves once', (name) => {
    const json = moduleJson(name);
    const blocks: { from: string; to: string }[] = json.moved;
    const declared = Object.keys(resources(json));
    expect(blocks.filter((b) => declared.includes(b.from.replace(/\[.*\]$/, '')))).toEqual([]);
    expect(new Set(blocks.map((b) => b.from)).size).toBe(blocks.length);
    // Terraform refuses a whole resource and one of its instances moving to the same address (a
    // cycle); the table's pairs are chained instead.
    for (const block of blocks) expect(blocks.filter((b) => b.from === `${block.from}[0]` && b.to === block.to)).toEqual([]);
  });

  test('a whole resource and its [0] instance moving to the same address become a chain', () => {
    const to = 'aws_lambda_function.lambda_function';
    expect(
      movedBlocks([
        { to, from: 'aws_lambda_function.this', source: 'hand-written' },
        { to, from: 'aws_lambda_function.this[0]', source: 'terraform-aws-modules' },
        { to: 'aws_iam_role.lambda_role', from: 'aws_iam_role.lambda_exec', source: 'hand-written' },
      ]),
    ).toEqual([
      { from: 'aws_lambda_function.this', to: 'aws_lambda_function.this[0]' },
      { from: 'aws_lambda_function.this[0]', to },
      { from: 'aws_iam_role.lambda_exec', to: 'aws_iam_role.lambda_role' },
    ]);
  });

  test('a move to an address the module does not declare is a problem, found before anything is written', () => {
    const m = new ModuleStack(Testing.app(), 'lambda');
    m.movedFrom([{ to: 'aws_lambda_function.function', from: 'aws_lambda_function.this', source: 'hand-written' }]);
    expect(collectProblems(m).map((p) => [p.code, p.field, p.value, p.rule])).toEqual([
      ['moved-to-unknown', 'moved from aws_lambda_function.this', 'aws_lambda_function.function', 'must be a resource of the lambda module'],
    ]);
  });
});
