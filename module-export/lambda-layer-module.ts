import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { RULES } from '../core/rules';
import { LambdaLayer } from '../modules/lambda-layer';
import { LAMBDA_LAYER_MOVES } from './moved-addresses';

/**
 * The `lambda-layer` module. Its required variables and its outputs are those of the hand-written
 * module it replaces (layer_name, description, compatible_runtimes, s3_bucket, s3_key, tags; layer_arn,
 * layer_version_arn, layer_version), so a caller switches `source` and nothing else.
 *
 * The construct is given the variables it only passes on (name, description, source, licence);
 * the runtimes, architectures and `skip_destroy`, which it takes as known values, are bound on
 * its layer version resource here.
 */
export function lambdaLayerModule(scope: Construct): ModuleStack {
  const m = new ModuleStack(scope, 'lambda-layer');
  const layer = new LambdaLayer(m, 'layer', {
    layerName: m.variable('layer_name', { type: 'string', description: 'Name of the Lambda layer', rules: [RULES.layerName] })
      .stringValue,
    description: m.variable('description', {
      type: 'string',
      default: 'Python dependencies layer',
      description: 'Description of the layer',
      rules: [RULES.layerDescription],
    }).stringValue,
    source: {
      s3Bucket: m.variable('s3_bucket', { type: 'string', description: 'S3 bucket containing the layer zip', rules: [RULES.s3BucketName] })
        .stringValue,
      s3Key: m.variable('s3_key', { type: 'string', description: 'S3 key for the layer zip', rules: [RULES.s3Key, RULES.s3KeyLength] }).stringValue,
      s3ObjectVersion: m.variable('s3_object_version', {
        type: 'string',
        default: null,
        description: 'Version of the layer zip, for versioned buckets. Default: the latest',
      }).stringValue,
    },
    licenseInfo: m.variable('license_info', {
      type: 'string',
      default: null,
      description: "License of the layer's contents: an SPDX identifier, a URL or free text",
      rules: [RULES.licenseInfo],
    }).stringValue,
  });
  layer.resource.compatibleRuntimes = m.variable('compatible_runtimes', {
    type: 'list(string)',
    default: ['python3.12'],
    description: 'List of compatible Lambda runtimes',
    rules: [{ ...RULES.compatibleRuntimes, min: 1 }, [RULES.runtime, 'each item']],
  }).listValue;
  layer.resource.compatibleArchitectures = m.variable('compatible_architectures', {
    type: 'list(string)',
    default: null,
    description: 'Instruction set architectures the layer works with. Default: not declared (any)',
    rules: [[RULES.architecture, 'each item']],
  }).listValue;
  layer.resource.skipDestroy = m.variable('skip_destroy', {
    type: 'bool',
    default: true,
    description:
      'Keep old versions when Terraform replaces or destroys this one, so functions using them keep working and rollback stays possible. Applies to the versions this module publishes: changing it does not republish the current version, and a version published by the module this one replaced keeps its own setting',
  }).booleanValue;
  // The construct ignores changes to skip_destroy (LAYER_SET_ON_PUBLISH_ATTRIBUTES), which forces
  // a new version: a version published by a module without it (false) would otherwise be
  // republished, and deleted, by the switch to this one.
  m.variable('tags', {
    type: 'map(string)',
    default: {},
    description: 'Tags to apply to resources. Accepted for compatibility: Lambda layer versions cannot be tagged',
  });
  m.movedFrom(LAMBDA_LAYER_MOVES);
  m.output('layer_arn', layer.layerArn, 'ARN of the Lambda layer (without version)');
  m.output('layer_version_arn', layer.versionArn, 'ARN of the Lambda layer version');
  m.output('layer_version', layer.version, 'Version number of the layer');
  return m;
}
