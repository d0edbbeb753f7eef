import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ListLayerVersionsCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { ManifestLayer, ReleaseManifest } from '../contract/release-manifest';
import { deterministicZip, directoryEntries } from '../core/deterministic-zip';
import { objectExists, uploadObject } from './artifacts';
import { ReleaseContext, ReleaseError, withRetries } from './context';
import { manifestLayer } from './manifest';

/** Where a build of a layer lives: its content hash names the object. */
export interface LayerPackage {
  readonly layer: string;
  readonly contentHash: string;
  readonly s3Bucket: string;
  readonly s3Key: string;
}

/** How pip installs a layer's requirements for Lambda's platform. */
export interface PipSettings {
  readonly pythonVersion: string;
  readonly platform: string;
}

/** Installs requirements into a directory; the default runs pip. */
export type Installer = (requirementsFile: string, target: string, settings: PipSettings) => Promise<void>;

/** Bumped when the build itself changes, so every layer is rebuilt once. */
const BUILD_FORMAT = 'lambda-fleet layer build 1';

/** pip settings from the layer's first compatible runtime and architecture. */
export function pipSettings(layer: ManifestLayer): PipSettings {
  const runtime = layer.compatibleRuntimes.find((r) => r.startsWith('python'));
  if (!runtime) throw new ReleaseError(`${layer.layerName}: no Python runtime among ${layer.compatibleRuntimes.join(', ')} to build for`);
  const arm = (layer.compatibleArchitectures ?? ['x86_64'])[0] === 'arm64';
  return { pythonVersion: runtime.slice('python'.length), platform: arm ? 'manylinux2014_aarch64' : 'manylinux2014_x86_64' };
}

/**
 * The layer's package location: a hash of everything the build depends on (the lock file and
 * requirements, or every source file, and the build settings), so an unchanged layer maps to
 * the object it was already uploaded as.
 */
export function layerPackage(root: string, manifest: ReleaseManifest, key: string): LayerPackage {
  const layer = manifestLayer(manifest, key);
  const build = layer.build;
  if (!build) throw new ReleaseError(`--layer ${key}: the manifest has no build for ${layer.layerName} (set \`build\` on the layer in envs/)`);
  const hash = createHash('sha256').update(`${BUILD_FORMAT}\n`);
  const existing = (file: string) => {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) throw new ReleaseError(`--layer ${key}: ${file} does not exist (from the layer's build in envs/)`);
    return full;
  };
  const read = (file: string) => fs.readFileSync(existing(file));
  if ('requirementsFile' in build) {
    hash.update(JSON.stringify(pipSettings(layer)));
    hash.update(read(build.lockFile ?? build.requirementsFile));
    hash.update(read(build.requirementsFile));
  } else {
    for (const entry of directoryEntries(existing(build.sourceDirectory), 'python/')) {
      hash.update(`${entry.path}\n`).update(entry.content ?? '');
    }
  }
  const contentHash = hash.digest('hex');
  return { layer: key, contentHash, s3Bucket: manifest.artifactsBucket, s3Key: `${layer.packagePrefix}${contentHash}.zip` };
}

/** Builds the layer into the `python/` layout and uploads it, unless that build is already there. */
export async function buildLayer(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  key: string,
  installer: Installer = pipInstall,
): Promise<LayerPackage & { readonly built: boolean }> {
  const layer = manifestLayer(manifest, key);
  const target = layerPackage(context.root, manifest, key);
  const where = `s3://${target.s3Bucket}/${target.s3Key}`;
  if (await objectExists(context, target.s3Bucket, target.s3Key)) {
    context.reporter.report({ action: 'layer build', status: 'skipped', ...target }, `${layer.layerName}: unchanged, ${where} already holds this build`);
    return { ...target, built: false };
  }
  if (context.dryRun) {
    context.reporter.report({ action: 'layer build', status: 'would do', ...target }, `build ${layer.layerName} and upload it to ${where}`);
    return { ...target, built: false };
  }
  const build = layer.build!;
  let zip: Buffer;
  if ('requirementsFile' in build) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-build-'));
    try {
      await installer(path.join(context.root, build.requirementsFile), path.join(scratch, 'python'), pipSettings(layer));
      zip = deterministicZip(directoryEntries(path.join(scratch, 'python'), 'python/'), { compress: true });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    zip = deterministicZip(directoryEntries(path.join(context.root, build.sourceDirectory), 'python/'), { compress: true });
  }
  await uploadObject(context, target.s3Bucket, target.s3Key, zip, { 'content-hash': target.contentHash });
  context.reporter.report(
    { action: 'layer build', status: 'done', ...target, bytes: zip.length },
    `${layer.layerName}: built and uploaded to ${where} (${zip.length} bytes)`,
  );
  return { ...target, built: true };
}

/** The description that records which build a published version holds. */
export function versionDescription(contentHash: string): string {
  return `content-hash=${contentHash}`;
}

/**
 * Publishes a layer version from the uploaded build, unless the latest version already holds it.
 * `afterBuild`: the build step ran before, in this run; in a dry run it uploaded nothing, so a
 * missing build is the one it would have uploaded, and the dry run goes on to say what it would publish.
 */
export async function publishLayer(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  key: string,
  options: { readonly afterBuild?: boolean } = {},
): Promise<{ readonly versionArn?: string; readonly version?: number; readonly published: boolean }> {
  const layer = manifestLayer(manifest, key);
  const source = layerPackage(context.root, manifest, key);
  const where = `s3://${source.s3Bucket}/${source.s3Key}`;
  const wouldBeBuilt = context.dryRun && options.afterBuild === true;
  if (!wouldBeBuilt && !(await objectExists(context, source.s3Bucket, source.s3Key))) {
    throw new ReleaseError(`${layer.layerName}: no build at ${where}; run \`release layer build --env ${manifest.environment} --layer ${key}\` first`);
  }
  const latest = (
    await withRetries(context, `list versions of ${layer.layerName}`, () =>
      context.lambda.send(new ListLayerVersionsCommand({ LayerName: layer.layerName, MaxItems: 1 })),
    )
  ).LayerVersions?.[0];
  if (latest?.Description === versionDescription(source.contentHash)) {
    context.reporter.report(
      { action: 'layer publish', status: 'skipped', layer: key, versionArn: latest.LayerVersionArn, version: latest.Version },
      `${layer.layerName}: unchanged, version ${latest.Version} already holds this build`,
    );
    return { versionArn: latest.LayerVersionArn, version: latest.Version, published: false };
  }
  if (context.dryRun) {
    context.reporter.report({ action: 'layer publish', status: 'would do', ...source }, `publish a new version of ${layer.layerName} from ${where}`);
    return { published: false };
  }
  const published = await withRetries(context, `publish ${layer.layerName}`, () =>
    context.lambda.send(
      new PublishLayerVersionCommand({
        LayerName: layer.layerName,
        Description: versionDescription(source.contentHash),
        Content: { S3Bucket: source.s3Bucket, S3Key: source.s3Key },
        CompatibleRuntimes: [...layer.compatibleRuntimes] as never,
        CompatibleArchitectures: layer.compatibleArchitectures ? ([...layer.compatibleArchitectures] as never) : undefined,
      }),
    ),
  );
  context.reporter.report(
    { action: 'layer publish', status: 'done', layer: key, versionArn: published.LayerVersionArn, version: published.Version },
    `${layer.layerName}: published version ${published.Version} (${published.LayerVersionArn})`,
  );
  return { versionArn: published.LayerVersionArn, version: published.Version, published: true };
}

/** pip, installing wheels for Lambda's platform whatever machine CI runs on. */
export const pipInstall: Installer = (requirementsFile, target, settings) =>
  new Promise((resolve, reject) => {
    const args = [
      '-m', 'pip', 'install', '--requirement', requirementsFile, '--target', target,
      '--platform', settings.platform, '--implementation', 'cp', '--python-version', settings.pythonVersion,
      '--only-binary=:all:', '--no-compile', '--disable-pip-version-check', '--quiet',
    ];
    const pip = spawn('python3', args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    pip.stderr.on('data', (chunk) => (stderr += chunk));
    pip.on('error', (error) => reject(new ReleaseError(`could not run pip: ${error.message}`)));
    pip.on('close', (code) =>
      code === 0 ? resolve() : reject(new ReleaseError(`pip install -r ${requirementsFile} failed (exit ${code}):\n${stderr}`)),
    );
  });
