import { LambdaFunction } from '../modules/lambda';
import { LambdaLayer } from '../modules/lambda-layer';
import { LayerBuild } from './environment';
import { EnvironmentStack } from './environment-stack';

/** The file synth writes next to each environment's stack. */
export const RELEASE_MANIFEST_FILE = 'release-manifest.json';

/**
 * What CI needs to release into an environment, derived from the same configuration as the
 * stack, so no layer or function name is written twice: layers and where their packages go,
 * functions with their layers in order and where their code goes.
 */
export interface ReleaseManifest {
  readonly manifestVersion: 1;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly artifactsBucket: string;
  readonly layers: Readonly<Record<string, ManifestLayer>>;
  readonly functions: Readonly<Record<string, ManifestFunction>>;
}

export interface ManifestLayer {
  readonly layerName: string;
  /** The layer's ARN without a version: versions are `<layerArn>:<n>`. */
  readonly layerArn: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures?: readonly string[];
  /** Packages go to `s3://<artifactsBucket>/<packagePrefix><content hash>.zip`. */
  readonly packagePrefix: string;
  readonly build?: LayerBuild;
}

export interface ManifestFunction {
  readonly functionName: string;
  readonly runtime: string;
  readonly architecture: string;
  /** In attach order: a layer of this manifest by key, or a layer version managed elsewhere. */
  readonly layers: readonly ({ readonly layer: string } | { readonly arn: string })[];
  /** Code packages go to `s3://<artifactsBucket>/<packagePrefix><content hash>.zip`. */
  readonly packagePrefix: string;
}

/** The release manifest of an environment stack. */
export function releaseManifest(stack: EnvironmentStack): ReleaseManifest {
  const { config } = stack;
  const keyOf = new Map<LambdaLayer, string>(Object.entries(stack.layers).map(([key, layer]) => [layer, key]));
  const layerArn = (name: string) => `arn:aws:lambda:${config.region}:${config.accountId}:layer:${name}`;
  return {
    manifestVersion: 1,
    environment: config.name,
    accountId: config.accountId,
    region: config.region,
    artifactsBucket: config.artifactsBucket,
    layers: Object.fromEntries(
      Object.entries(stack.layers).map(([key, layer]) => [
        key,
        {
          layerName: layer.layerName,
          layerArn: layerArn(layer.layerName),
          compatibleRuntimes: [...layer.compatibleRuntimes],
          ...(layer.compatibleArchitectures ? { compatibleArchitectures: [...layer.compatibleArchitectures] } : {}),
          packagePrefix: `layers/${layer.layerName}/`,
          ...(config.layers?.[key]?.build ? { build: config.layers[key].build } : {}),
        },
      ]),
    ),
    functions: Object.fromEntries(
      Object.entries(stack.functions).map(([key, fn]: [string, LambdaFunction]) => [
        key,
        {
          functionName: fn.functionName,
          runtime: fn.runtime,
          architecture: fn.architecture,
          layers: fn.layers.map((layer) => (typeof layer === 'string' ? { arn: layer } : { layer: keyOf.get(layer)! })),
          packagePrefix: `functions/${fn.functionName}/`,
        },
      ]),
    ),
  };
}
