/** How CI builds a layer's contents into the `python/` layout. */
export type LayerBuild =
  | {
      /** pip requirements to install, relative to the repository root. */
      readonly requirementsFile: string;
      /** The lock file the requirements come from; its bytes key the build. @default the requirements file */
      readonly lockFile?: string;
    }
  | {
      /** A directory of Python packages to copy under `python/`, such as shared application code. */
      readonly sourceDirectory: string;
    };

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
