import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { Construct } from 'constructs';
import { PlaceholderPackage } from './placeholder-package';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { Architecture, ARCHITECTURES, check, Runtime, RULES } from '../core/rules';

/** An object in S3. */
export interface S3ObjectLocation {
  /** Bucket name. */
  readonly s3Bucket: string;
  /** Object key. */
  readonly s3Key: string;
  /** Object version, for versioned buckets. @default the latest version */
  readonly s3ObjectVersion?: string;
}

/** Properties of a {@link LambdaLayer}. */
export interface LambdaLayerProps {
  /** Name of the layer, shared by all its versions: 1 to 140 letters, digits, hyphens, underscores. */
  readonly layerName: string;
  /** Description of the layer version. @default no description */
  readonly description?: string;
  /** Runtimes the layer works with; functions on other runtimes cannot attach it. @default ['python3.12'] */
  readonly compatibleRuntimes?: readonly Runtime[];
  /** Instruction set architectures the layer works with. @default not declared (any) */
  readonly compatibleArchitectures?: readonly Architecture[];
  /** License of the layer's contents: an SPDX identifier, a URL or free text. @default none */
  readonly licenseInfo?: string;
  /**
   * The zip to create the first version from. CI publishes every later version itself.
   * @default a deterministic placeholder holding an empty `python/` directory
   */
  readonly source?: S3ObjectLocation;
  /**
   * Keep old versions in AWS when Terraform replaces or destroys this one, so functions still
   * using them keep working and rollback to them stays possible. It applies to the versions
   * Terraform publishes from then on; changing it never publishes one by itself
   * ({@link LAYER_SET_ON_PUBLISH_ATTRIBUTES}).
   * @default true
   */
  readonly skipDestroy?: boolean;
}

/**
 * Attributes that describe *which package* a version holds. CI publishes new versions from new
 * packages outside Terraform, so Terraform must never try to re-create the version it knows
 * about when they differ.
 */
export const LAYER_CI_OWNED_ATTRIBUTES = Object.freeze(['filename', 's3_bucket', 's3_key', 's3_object_version', 'source_code_hash'] as const);

/**
 * Attributes that apply from the version Terraform publishes next, never a reason to publish one
 * now. `skip_destroy` is ForceNew in hashicorp/aws 5.x and the provider does not read it back:
 * an adopted (imported) version has none in its state, so without this the first plan after
 * adoption would publish a new version from the placeholder, and changing `skipDestroy` would
 * do the same to every layer.
 */
export const LAYER_SET_ON_PUBLISH_ATTRIBUTES = Object.freeze(['skip_destroy'] as const);

/**
 * A Lambda layer, created as its first version. Terraform owns its shape (name, runtimes,
 * architectures, licence); CI owns its contents and publishes later versions.
 *
 * Changing a shape attribute publishes a new version from `source` (layer versions are
 * immutable); with `skipDestroy` the old one stays available to the functions that use it.
 */
export class LambdaLayer extends Construct {
  /** The underlying resource. */
  readonly resource: LambdaLayerVersion;
  readonly layerName: string;
  readonly compatibleRuntimes: readonly Runtime[];
  readonly compatibleArchitectures?: readonly Architecture[];
  /** ARN of the layer without a version: `arn:aws:lambda:<region>:<account>:layer:<name>`. */
  readonly layerArn: string;
  /** ARN of the version Terraform created, the one functions attach: `…:layer:<name>:<version>`. */
  readonly versionArn: string;
  /** Number of the version Terraform created. */
  readonly version: string;

  constructor(scope: Construct, id: string, props: LambdaLayerProps) {
    super(scope, id);
    this.layerName = props.layerName;
    this.compatibleRuntimes = props.compatibleRuntimes ?? ['python3.12'];
    this.compatibleArchitectures = props.compatibleArchitectures;

    const source = props.source;
    const placeholder = source ? undefined : PlaceholderPackage.forLayer(this, 'placeholder');
    this.resource = new LambdaLayerVersion(this, 'version', {
      layerName: props.layerName,
      description: props.description,
      compatibleRuntimes: [...this.compatibleRuntimes],
      compatibleArchitectures: props.compatibleArchitectures ? [...props.compatibleArchitectures] : undefined,
      licenseInfo: props.licenseInfo,
      s3Bucket: source?.s3Bucket,
      s3Key: source?.s3Key,
      s3ObjectVersion: source?.s3ObjectVersion,
      filename: placeholder?.filename,
      sourceCodeHash: placeholder?.sourceCodeHash,
      skipDestroy: props.skipDestroy ?? true,
      lifecycle: { ignoreChanges: [...LAYER_CI_OWNED_ATTRIBUTES, ...LAYER_SET_ON_PUBLISH_ATTRIBUTES] },
    });
    this.layerArn = this.resource.layerArn;
    this.versionArn = this.resource.arn;
    this.version = this.resource.version;

    addProblemCheck(this, () => validateLayerProps(props, this.compatibleRuntimes));
  }
}

function validateLayerProps(props: LambdaLayerProps, runtimes: readonly Runtime[]): Problem[] {
  const architectures = props.compatibleArchitectures ?? [];
  return [
    ...check('layerName', props.layerName, RULES.layerName),
    ...(props.description === undefined ? [] : check('description', props.description, RULES.layerDescription)),
    ...(props.licenseInfo === undefined ? [] : check('licenseInfo', props.licenseInfo, RULES.licenseInfo)),
    ...(runtimes.length === 0 ? [problem('no-compatible-runtimes', 'compatibleRuntimes', [], 'must name at least one runtime')] : []),
    ...check('compatibleRuntimes', runtimes, RULES.compatibleRuntimes),
    ...runtimes.flatMap((runtime, i) => check(`compatibleRuntimes[${i}]`, runtime, RULES.runtime)),
    ...(architectures.length > ARCHITECTURES.length || new Set(architectures).size !== architectures.length
      ? [problem('duplicate-architectures', 'compatibleArchitectures', architectures, `must list each of ${ARCHITECTURES.join(', ')} at most once`)]
      : []),
    ...architectures.flatMap((a, i) => check(`compatibleArchitectures[${i}]`, a, RULES.architecture)),
    ...(props.source
      ? [
          ...check('source.s3Bucket', props.source.s3Bucket, RULES.s3BucketName),
          ...check('source.s3Key', props.source.s3Key, RULES.s3Key, RULES.s3KeyLength),
        ]
      : []),
  ];
}
