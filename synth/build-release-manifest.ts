import { MANIFEST_VERSION, ReleaseManifest } from '../contract/release-manifest';
import { arn } from '../core/arn';
import { partitionOf } from '../core/regions';
import { LambdaFunction } from '../modules/lambda-function';
import { LambdaLayer } from '../modules/lambda-layer';
import { EnvironmentStack } from '../stacks/environment-stack';

/** The release manifest of an environment stack. */
export function buildReleaseManifest(stack: EnvironmentStack): ReleaseManifest {
  const { config } = stack;
  const keyOf = new Map<LambdaLayer, string>(Object.entries(stack.layers).map(([key, layer]) => [layer, key]));
  const partition = partitionOf(config.region);
  const layerArn = (name: string) => arn({ partition, service: 'lambda', region: config.region, account: config.accountId, resource: `layer:${name}` });
  return {
    manifestVersion: MANIFEST_VERSION,
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
          alias: fn.aliasName,
          alarms: [...fn.alarmNames],
        },
      ]),
    ),
  };
}
