import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { TerraformOutput, Testing } from '../core/framework';
import { LAYER_CI_OWNED_ATTRIBUTES, LAYER_SET_ON_PUBLISH_ATTRIBUTES, LambdaLayer } from '../modules/lambda-layer';
import { onlyResource, problemsOf, synthJson, testStack } from './support/synth';
import { readZip } from './support/zip-reader';

describe('LambdaLayer', () => {
  test('creates its first version from a placeholder when no S3 object is given', () => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'team-deps' });
    const synthesized = Testing.synth(stack);

    expect(synthesized).toHaveResourceWithProperties(LambdaLayerVersion, {
      layer_name: 'team-deps',
      compatible_runtimes: ['python3.12'],
      skip_destroy: true,
      lifecycle: { ignore_changes: ['filename', 's3_bucket', 's3_key', 's3_object_version', 'source_code_hash', 'skip_destroy'] },
    });
    const layer = onlyResource(JSON.parse(synthesized), 'aws_lambda_layer_version');
    expect(layer.filename).toMatch(/^\$\{path\.module\}\/assets\/.+\/placeholder\.zip$/);
    expect(layer.s3_bucket).toBeUndefined();
  });

  test('the placeholder is a valid, empty python/ layer, byte-identical on every synth', () => {
    const outdirs = [0, 1].map(() => {
      const stack = testStack();
      new LambdaLayer(stack, 'deps', { layerName: 'team-deps' });
      return { json: synthJson(stack), outdir: Testing.fullSynth(stack) };
    });
    const [first, second] = outdirs.map(({ json, outdir }) => {
      const layer = onlyResource(json, 'aws_lambda_layer_version');
      const file = path.join(outdir, 'stacks', 'test', layer.filename.replace('${path.module}/', ''));
      return { layer, bytes: fs.readFileSync(file) };
    });
    expect(first.bytes.equals(second.bytes)).toBe(true);
    expect(first.layer.source_code_hash).toBe(createHash('sha256').update(first.bytes).digest('base64'));

    const entries = readZip(first.bytes);
    expect(entries.map((e) => e.name)).toEqual(['python/', 'python/PLACEHOLDER.txt']);
    expect(entries.every((e) => e.dateTime.join('-') === '1980-1-1-0-0-0')).toBe(true);
    expect(entries.filter((e) => e.name.endsWith('.py'))).toEqual([]);
  });

  test('builds from an S3 object when one is given', () => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', {
      layerName: 'team-deps',
      description: 'Python dependencies',
      compatibleRuntimes: ['python3.11', 'python3.12'],
      compatibleArchitectures: ['arm64'],
      licenseInfo: 'MIT',
      source: { s3Bucket: 'artifacts-bucket', s3Key: 'layers/deps-abc123.zip', s3ObjectVersion: 'v42' },
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(LambdaLayerVersion, {
      description: 'Python dependencies',
      compatible_runtimes: ['python3.11', 'python3.12'],
      compatible_architectures: ['arm64'],
      license_info: 'MIT',
      s3_bucket: 'artifacts-bucket',
      s3_key: 'layers/deps-abc123.zip',
      s3_object_version: 'v42',
    });
    const layer = onlyResource(synthJson(stack), 'aws_lambda_layer_version');
    expect(layer.filename).toBeUndefined();
    expect(layer.source_code_hash).toBeUndefined();
  });

  test('skip_destroy can be turned off explicitly', () => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'team-deps', skipDestroy: false });
    expect(onlyResource(synthJson(stack), 'aws_lambda_layer_version').skip_destroy).toBe(false);
  });

  test('exposes the layer ARN, the version ARN and the version number', () => {
    const stack = testStack();
    const layer = new LambdaLayer(stack, 'deps', { layerName: 'team-deps' });
    new TerraformOutput(stack, 'layer', { value: layer.layerArn });
    new TerraformOutput(stack, 'version-arn', { value: layer.versionArn });
    new TerraformOutput(stack, 'version', { value: layer.version });
    const output = Object.fromEntries(
      Object.entries(synthJson(stack).output).map(([name, o]: [string, any]) => [name, o.value]),
    );
    const resource = /^\$\{aws_lambda_layer_version\.\w+\.(\w+)\}$/;
    expect(Object.keys(output)).toHaveLength(3);
    for (const [name, attribute] of [['layer', 'layer_arn'], ['version-arn', 'arn'], ['version', 'version']]) {
      const key = Object.keys(output).find((k) => k.replace(/_[0-9A-F]{8}$/, '').replace(/_/g, '-') === name)!;
      expect(output[key].match(resource)?.[1]).toBe(attribute);
    }
  });

  test('CI-owned attributes cover every way of naming the package', () => {
    expect([...LAYER_CI_OWNED_ATTRIBUTES].sort()).toEqual(
      ['filename', 's3_bucket', 's3_key', 's3_object_version', 'source_code_hash'].sort(),
    );
  });

  test('its CI-owned attributes cannot be changed by a caller', () => {
    // Never called: the type checker (npm test) rejects the change.
    const change = () => {
      // @ts-expect-error readonly: the ownership contract is not the caller's to change
      LAYER_CI_OWNED_ATTRIBUTES.pop();
    };
    expect(typeof change).toBe('function');
    expect(Object.isFrozen(LAYER_CI_OWNED_ATTRIBUTES)).toBe(true);
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'team-deps' });
    expect(onlyResource(synthJson(stack), 'aws_lambda_layer_version').lifecycle.ignore_changes).toEqual([
      ...LAYER_CI_OWNED_ATTRIBUTES,
      ...LAYER_SET_ON_PUBLISH_ATTRIBUTES,
    ]);
  });

  test('skip_destroy is never a reason to publish a version: it is ForceNew, and an adopted version has none in its state', () => {
    expect([...LAYER_SET_ON_PUBLISH_ATTRIBUTES]).toEqual(['skip_destroy']);
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'team-deps' });
    const version = onlyResource(synthJson(stack), 'aws_lambda_layer_version');
    expect(version.skip_destroy).toBe(true);
    expect(version.lifecycle.ignore_changes).toContain('skip_destroy');
  });

  test('a valid layer reports no problems', () => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'team-deps', compatibleArchitectures: ['x86_64', 'arm64'] });
    expect(problemsOf(stack)).toEqual([]);
  });

  test.each([
    ['a name over 140 characters', { layerName: 'x'.repeat(141) }, 'layer-name layerName'],
    ['a name with other characters', { layerName: 'team.deps' }, 'layer-name layerName'],
    ['an unsupported runtime', { layerName: 'deps', compatibleRuntimes: ['python2.7' as any] }, 'runtime compatibleRuntimes[0]'],
    ['no runtime', { layerName: 'deps', compatibleRuntimes: [] }, 'no-compatible-runtimes compatibleRuntimes'],
    ['an unsupported architecture', { layerName: 'deps', compatibleArchitectures: ['sparc' as any] }, 'architecture compatibleArchitectures[0]'],
    ['an architecture twice', { layerName: 'deps', compatibleArchitectures: ['arm64', 'arm64'] as any }, 'duplicate-architectures compatibleArchitectures'],
    ['a description over 256 characters', { layerName: 'deps', description: 'd'.repeat(257) }, 'layer-description description'],
    ['an invalid source bucket', { layerName: 'deps', source: { s3Bucket: 'Bad_Bucket', s3Key: 'k.zip' } }, 's3-bucket-name source.s3Bucket'],
  ])('rejects %s', (_case, props, found) => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', props);
    expect(problemsOf(stack)).toEqual([found]);
  });

  test('more than 15 compatible runtimes is rejected', () => {
    const stack = testStack();
    new LambdaLayer(stack, 'deps', { layerName: 'deps', compatibleRuntimes: Array(16).fill('python3.12') });
    expect(problemsOf(stack)).toContain('compatible-runtimes compatibleRuntimes');
  });
});
