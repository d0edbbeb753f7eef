import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { FunctionConfiguration, GetLayerVersionCommand, ListLayerVersionsCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ManifestLayer, ReleaseManifest } from '../contract/release-manifest';
import { objectExists, uploadObject } from './artifacts';
import { ReleaseContext, ReleaseError, readFunction, waitForUpdate, withRetries } from './context';
import { functionsUsing, manifestLayer } from './manifest';
import { eachFunction, RunResult, UPDATES } from './pool';

/** A layer version ARN without its version. */
export function unversioned(arn: string): string {
  return arn.replace(/:[0-9]+$/, '');
}

/** Where a dry run of a layer release shows the version it would publish, whose number is not known yet. */
export function upcomingVersion(layer: ManifestLayer): string {
  return `${layer.layerArn}:<new version>`;
}

/** The latest published version of each layer, asked for once per run. */
export type LatestVersions = (layerKey: string) => Promise<string>;

/** The newest version ARN of a layer; none published is an error naming it. */
export async function latestVersionArn(context: ReleaseContext, layerName: string): Promise<string> {
  const latest = (
    await withRetries(context, `list versions of ${layerName}`, () =>
      context.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, MaxItems: 1 })),
    )
  ).LayerVersions?.[0];
  if (!latest?.LayerVersionArn) throw new ReleaseError(`${layerName}: no version is published yet`);
  return latest.LayerVersionArn;
}

/** {@link LatestVersions} from Lambda, each layer listed at most once however many functions ask. */
export function latestVersions(context: ReleaseContext, manifest: ReleaseManifest): LatestVersions {
  const asked = new Map<string, Promise<string>>();
  return (layerKey) => {
    if (!asked.has(layerKey)) asked.set(layerKey, latestVersionArn(context, manifestLayer(manifest, layerKey).layerName));
    return asked.get(layerKey)!;
  };
}

/**
 * A function's layer list as the manifest wants it, in the manifest's order: each layer built here
 * at the version the function has (`released`: the layer being released, at its new version), or
 * at the latest published version when the function lacks it; each external layer (an `{ arn }`
 * entry) at its pinned version ARN. Layers the function has that the manifest does not name are
 * left out: the environment in envs/ says which layers a function attaches.
 */
export async function desiredLayers(
  manifest: ReleaseManifest,
  fnKey: string,
  current: readonly string[],
  latest: LatestVersions,
  released?: { readonly layer: string; readonly versionArn: string },
): Promise<string[]> {
  return Promise.all(
    manifest.functions[fnKey].layers.map(async (entry) => {
      if ('arn' in entry) return entry.arn;
      if (entry.layer === released?.layer) return released.versionArn;
      const layerArn = manifest.layers[entry.layer].layerArn;
      return current.find((arn) => unversioned(arn) === layerArn) ?? (await latest(entry.layer));
    }),
  );
}

/** The external layers of `desired` that the function does not have yet: the pinned versions a release applies. */
export function pinnedChanges(manifest: ReleaseManifest, fnKey: string, current: readonly string[]): string[] {
  return manifest.functions[fnKey].layers.flatMap((entry) => ('arn' in entry && !current.includes(entry.arn) ? [entry.arn] : []));
}

/** A function's layer ARNs from its configuration. */
export function layersOf(configuration: FunctionConfiguration): string[] {
  return configuration.Layers?.flatMap((layer) => (layer.Arn ? [layer.Arn] : [])) ?? [];
}

/** What {@link applyLayers} did: nothing to do, a dry run's report, or the update, with the configuration after it. */
export interface LayersApplied {
  readonly status: 'unchanged' | 'would do' | 'done';
  /** The function's configuration: as read, or after the update. */
  readonly configuration: FunctionConfiguration;
}

/**
 * Brings a function's layers to `desired` (its {@link desiredLayers}), the whole list: order,
 * removed pins and layers attached by hand included. Equal lists change nothing and report
 * nothing (the caller says why). A dry run reports what it would set. Otherwise it waits for an
 * update still running (`read`, just read), updates the layers, waits for that update and reports
 * it, naming the pinned external layers the function gets (`pinned`, {@link pinnedChanges}).
 */
export async function applyLayers(
  context: ReleaseContext,
  functionName: string,
  read: FunctionConfiguration,
  desired: readonly string[],
  pinned: readonly string[],
): Promise<LayersApplied> {
  const current = layersOf(read);
  if (desired.join() === current.join()) return { status: 'unchanged', configuration: read };
  const applied = pinned.length > 0 ? `; pinned external layers applied: ${pinned.join(', ')}` : '';
  if (context.dryRun) {
    context.reporter.report(
      { action: 'function layers', status: 'would do', functionName, from: current, to: desired, pinned },
      `point ${functionName} at [${desired.join(', ')}] (now [${current.join(', ')}])${applied}`,
    );
    return { status: 'would do', configuration: read };
  }
  context.reporter.progress(`${functionName}: updating its layers`);
  if (read.LastUpdateStatus === 'InProgress') await waitForUpdate(context, functionName, read);
  await withRetries(context, `update ${functionName}`, () =>
    context.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Layers: [...desired] })),
  );
  const configuration = await waitForUpdate(context, functionName, 'just updated');
  context.reporter.report(
    { action: 'function layers', status: 'done', functionName, from: current, to: desired, pinned },
    `${functionName}: now on [${desired.join(', ')}]${applied}`,
  );
  return { status: 'done', configuration };
}

/**
 * Points every function of the manifest that uses the layer at `versionArn` (in a dry run of a
 * layer release, {@link upcomingVersion}), `context.concurrency` at a time. Each function gets its
 * {@link desiredLayers}: the manifest's order, its other built layers kept at their versions, its
 * external layers at their pinned versions.
 */
export async function updateLayer(context: ReleaseContext, manifest: ReleaseManifest, key: string, versionArn: string): Promise<RunResult> {
  const layer = manifestLayer(manifest, key);
  if (unversioned(versionArn) !== layer.layerArn && versionArn !== upcomingVersion(layer)) {
    throw new ReleaseError(`--version-arn ${versionArn}: not a version of ${layer.layerArn}`);
  }
  const latest = latestVersions(context, manifest);
  return eachFunction(context, `Pointing functions at ${versionArn}`, UPDATES, manifest, functionsUsing(manifest, key), async (functionName, fnKey) => {
    const read = await readFunction(context, functionName);
    const current = layersOf(read);
    const desired = await desiredLayers(manifest, fnKey, current, latest, { layer: key, versionArn });
    const { status } = await applyLayers(context, functionName, read, desired, pinnedChanges(manifest, fnKey, current));
    if (status === 'unchanged') {
      context.reporter.report({ action: 'function layers', status: 'skipped', functionName, layers: current }, `${functionName}: already on ${versionArn}`);
    }
    return status === 'done' ? 'done' : 'unchanged';
  });
}

/** Re-points the functions at an earlier version of the layer, which `skip_destroy` kept; says so once they are. */
export async function rollbackLayer(context: ReleaseContext, manifest: ReleaseManifest, key: string, version: number): Promise<RunResult> {
  const layer = manifestLayer(manifest, key);
  let versionArn: string | undefined;
  try {
    versionArn = (
      await withRetries(context, `find version ${version} of ${layer.layerName}`, () =>
        context.lambda.send(new GetLayerVersionCommand({ LayerName: layer.layerArn, VersionNumber: version })),
      )
    ).LayerVersionArn;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new ReleaseError(`--to-version ${version}: ${layer.layerName} has no version ${version} (deleted, or never published)`);
    }
    throw error;
  }
  const progress = await updateLayer(context, manifest, key, versionArn!);
  context.reporter.report(
    { action: 'rollback', status: context.dryRun ? 'would do' : 'done', layer: key, versionArn, updated: progress.done, unchanged: progress.unchanged },
    context.dryRun ? `roll ${layer.layerName} back to version ${version}` : `${layer.layerName}: rolled back to version ${version}`,
  );
  return progress;
}

/** The SHA-256 Lambda reports for a package (`CodeSha256`): base64, of the zip's bytes. */
export function codeSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * Releases a code package to the functions (`functionKeys`: every function of the manifest by
 * default), `context.concurrency` at a time: a function already running it (its `CodeSha256` is
 * the package's) is left alone; otherwise the package is uploaded under the function's prefix
 * (unless that exact package is already there) and the function pointed at it.
 */
export async function updateCode(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  packageFile: string,
  functionKeys: readonly string[] = Object.keys(manifest.functions),
): Promise<RunResult> {
  if (!fs.existsSync(packageFile)) throw new ReleaseError(`--package ${packageFile}: no such file`);
  for (const key of functionKeys) {
    if (!manifest.functions[key]) {
      throw new ReleaseError(`--functions ${key}: no such function in ${manifest.environment}; functions: ${Object.keys(manifest.functions).join(', ')}`);
    }
  }
  const bytes = fs.readFileSync(packageFile);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const sha256 = codeSha256(bytes);
  return eachFunction(context, `Releasing ${packageFile}`, UPDATES, manifest, functionKeys, async (functionName, _key, fn) => {
    const key = `${fn.packagePrefix}${hash}.zip`;
    const where = `s3://${manifest.artifactsBucket}/${key}`;
    const read = await readFunction(context, functionName);
    if (read.CodeSha256 === sha256) {
      context.reporter.report(
        { action: 'function code', status: 'skipped', functionName, codeSha256: sha256 },
        `${functionName}: already up to date (it runs this package, CodeSha256 ${sha256})`,
      );
      return 'unchanged';
    }
    if (context.dryRun) {
      context.reporter.report({ action: 'function code', status: 'would do', functionName, s3Key: key }, `upload ${packageFile} to ${where} and point ${functionName} at it`);
      return 'unchanged';
    }
    if (!(await objectExists(context, manifest.artifactsBucket, key))) {
      context.reporter.progress(`${functionName}: uploading the package to ${where}`);
      await uploadObject(context, manifest.artifactsBucket, key, bytes);
    }
    context.reporter.progress(`${functionName}: updating its code`);
    if (read.LastUpdateStatus === 'InProgress') await waitForUpdate(context, functionName, read);
    await withRetries(context, `update the code of ${functionName}`, () =>
      context.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, S3Bucket: manifest.artifactsBucket, S3Key: key })),
    );
    await waitForUpdate(context, functionName, 'just updated');
    context.reporter.report({ action: 'function code', status: 'done', functionName, s3Key: key }, `${functionName}: now runs ${where}`);
    return 'done';
  });
}
