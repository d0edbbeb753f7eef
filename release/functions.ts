import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import {
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { ManifestFunction, ReleaseManifest } from '../contract/release-manifest';
import { objectExists, uploadObject } from './artifacts';
import { ReleaseContext, ReleaseError, waitForUpdate, withRetries } from './context';
import { functionsUsing, manifestLayer } from './manifest';

/** What a run over several functions did, for the message when it stops early. */
interface Progress {
  readonly done: string[];
  readonly unchanged: string[];
}

/**
 * Runs `step` for each function in turn and stops at the first real failure, with a message
 * that says which functions were updated, which one failed, and which were not reached.
 */
async function eachFunction(
  what: string,
  manifest: ReleaseManifest,
  keys: readonly string[],
  step: (functionName: string, key: string, fn: ManifestFunction) => Promise<'done' | 'unchanged'>,
): Promise<Progress> {
  const progress: Progress = { done: [], unchanged: [] };
  const functionNames = keys.map((key) => manifest.functions[key].functionName);
  for (const [index, key] of keys.entries()) {
    const functionName = functionNames[index];
    try {
      progress[(await step(functionName, key, manifest.functions[key])) === 'done' ? 'done' : 'unchanged'].push(functionName);
    } catch (error) {
      const reason = error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none');
      throw new ReleaseError(
        `${what} stopped at ${functionName}: ${reason}\n` +
          `  updated: ${list(progress.done)}\n` +
          `  already up to date: ${list(progress.unchanged)}\n` +
          `  failed: ${functionName}\n` +
          `  not updated: ${list(functionNames.slice(index + 1))}`,
      );
    }
  }
  return progress;
}

/** A layer version ARN without its version. */
export function unversioned(arn: string): string {
  return arn.replace(/:[0-9]+$/, '');
}

/**
 * Points every function of the manifest that uses the layer at `versionArn`, keeping its other
 * layers in place and in order. A function that lacks the layer gets it at its manifest position.
 */
export async function updateLayer(context: ReleaseContext, manifest: ReleaseManifest, key: string, versionArn: string): Promise<Progress> {
  const layer = manifestLayer(manifest, key);
  if (unversioned(versionArn) !== layer.layerArn) {
    throw new ReleaseError(`--version-arn ${versionArn}: not a version of ${layer.layerArn}`);
  }
  return eachFunction(`Pointing functions at ${versionArn}`, manifest, functionsUsing(manifest, key), async (functionName, fnKey) => {
    const current = (
      await withRetries(context, `read ${functionName}`, () =>
        context.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
      )
    ).Layers?.map((l) => l.Arn!) ?? [];
    const desired = withLayerVersion(current, manifest, fnKey, key, versionArn);
    if (desired.join() === current.join()) {
      context.reporter.report({ action: 'function layers', status: 'skipped', functionName, layers: current }, `${functionName}: already on ${versionArn}`);
      return 'unchanged';
    }
    if (context.dryRun) {
      context.reporter.report(
        { action: 'function layers', status: 'would do', functionName, from: current, to: desired },
        `point ${functionName} at [${desired.join(', ')}] (now [${current.join(', ')}])`,
      );
      return 'unchanged';
    }
    await waitForUpdate(context, functionName);
    await withRetries(context, `update ${functionName}`, () =>
      context.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Layers: desired })),
    );
    await waitForUpdate(context, functionName);
    context.reporter.report({ action: 'function layers', status: 'done', functionName, from: current, to: desired }, `${functionName}: now on [${desired.join(', ')}]`);
    return 'done';
  });
}

/** The function's layers with `key` at `versionArn`: replaced where it is, else inserted in manifest order. */
export function withLayerVersion(current: readonly string[], manifest: ReleaseManifest, fnKey: string, key: string, versionArn: string): string[] {
  const layerArn = manifest.layers[key].layerArn;
  if (current.some((arn) => unversioned(arn) === layerArn)) {
    return current.map((arn) => (unversioned(arn) === layerArn ? versionArn : arn));
  }
  const order = manifest.functions[fnKey].layers.map((entry) => ('layer' in entry ? manifest.layers[entry.layer].layerArn : unversioned(entry.arn)));
  const position = order.indexOf(layerArn);
  const before = current.filter((arn) => order.indexOf(unversioned(arn)) !== -1 && order.indexOf(unversioned(arn)) < position).length;
  return [...current.slice(0, before), versionArn, ...current.slice(before)];
}

/** Re-points the functions at an earlier version of the layer, which `skip_destroy` kept. */
export async function rollbackLayer(context: ReleaseContext, manifest: ReleaseManifest, key: string, version: number): Promise<Progress> {
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
  context.reporter.report({ action: 'rollback', status: context.dryRun ? 'would do' : 'done', layer: key, versionArn }, `roll ${layer.layerName} back to version ${version}`);
  return updateLayer(context, manifest, key, versionArn!);
}

/**
 * Uploads a code package (unless that exact package is already there) and points each function
 * at it. `functionKeys` default to every function of the manifest.
 */
export async function updateCode(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  packageFile: string,
  functionKeys: readonly string[] = Object.keys(manifest.functions),
): Promise<Progress> {
  if (!fs.existsSync(packageFile)) throw new ReleaseError(`--package ${packageFile}: no such file`);
  for (const key of functionKeys) {
    if (!manifest.functions[key]) {
      throw new ReleaseError(`--functions ${key}: no such function in ${manifest.environment}; functions: ${Object.keys(manifest.functions).join(', ')}`);
    }
  }
  const bytes = fs.readFileSync(packageFile);
  const hash = createHash('sha256').update(bytes).digest('hex');
  return eachFunction(`Releasing ${packageFile}`, manifest, functionKeys, async (functionName, _key, fn) => {
    const key = `${fn.packagePrefix}${hash}.zip`;
    const where = `s3://${manifest.artifactsBucket}/${key}`;
    if (context.dryRun) {
      context.reporter.report({ action: 'function code', status: 'would do', functionName, s3Key: key }, `upload ${packageFile} to ${where} and point ${functionName} at it`);
      return 'unchanged';
    }
    if (!(await objectExists(context, manifest.artifactsBucket, key))) {
      await uploadObject(context, manifest.artifactsBucket, key, bytes);
    }
    await waitForUpdate(context, functionName);
    await withRetries(context, `update the code of ${functionName}`, () =>
      context.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, S3Bucket: manifest.artifactsBucket, S3Key: key })),
    );
    await waitForUpdate(context, functionName);
    context.reporter.report({ action: 'function code', status: 'done', functionName, s3Key: key }, `${functionName}: now runs ${where}`);
    return 'done';
  });
}
