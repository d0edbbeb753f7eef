import { ReleaseManifest } from '../contract/release-manifest';
import { describeAlias, inCanary, moveAlias, publishedVersions, readAlias } from './aliases';
import { ReleaseContext, ReleaseError } from './context';
import { rollbackLayer } from './functions';
import { eachFunction, reasonOf, RunResult } from './pool';
import { functionsUsing } from './manifest';
import { AT_ONCE, promoteFunctions } from './promote';
import { publishFunctions } from './publish';

/** Where a function rollback goes: a published version, or the one before the alias's. */
export type RollbackTarget = { readonly version: number } | 'previous';

/** The versions listed in a message, at most this many (the latest). */
const VERSIONS_SHOWN = 20;

/**
 * Moves each function's alias back with one move, code and layers together, and clears any
 * canary weights. `previous`: during a canary, the alias's own version (all traffic back to it);
 * otherwise the highest published version below it. A function is reported done only once moved.
 */
export async function rollbackFunctions(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  keys: readonly string[],
  target: RollbackTarget,
): Promise<RunResult> {
  const words = { done: 'moved back', unchanged: context.dryRun ? 'not moved (dry run) or already there' : 'already there' };
  return eachFunction(context, 'Rolling back', words, manifest, keys, async (functionName, _key, fn) => {
    const alias = await readAlias(context, functionName, fn.alias);
    let version: number;
    if (target === 'previous' && inCanary(alias)) {
      version = alias.version;
    } else {
      const versions = await publishedVersions(context, functionName);
      if (target === 'previous') {
        const below = versions.filter((v) => v < alias.version);
        if (below.length === 0) throw new ReleaseError(`${functionName}: no published version below ${alias.version}, the version of ${fn.alias}, to go back to`);
        version = below[below.length - 1];
      } else {
        if (!versions.includes(target.version)) {
          const shown = versions.length > VERSIONS_SHOWN ? `..., ${versions.slice(-VERSIONS_SHOWN).join(', ')}` : versions.join(', ') || 'none';
          throw new ReleaseError(`--to-version ${target.version}: ${functionName} has no published version ${target.version}; its versions: ${shown}`);
        }
        version = target.version;
      }
    }
    if (version === alias.version && !inCanary(alias)) {
      context.reporter.report({ action: 'alias rollback', status: 'skipped', functionName, alias: fn.alias, version }, `${functionName}: ${fn.alias} is already on version ${version}`);
      return 'unchanged';
    }
    const event = { action: 'alias rollback', functionName, alias: fn.alias, from: alias.version, weights: alias.weights, to: version };
    if (context.dryRun) {
      context.reporter.report({ ...event, status: 'would do' }, `move the alias ${fn.alias} of ${functionName} from ${describeAlias(alias)} back to version ${version}, 100%`);
      return 'unchanged';
    }
    await moveAlias(context, functionName, fn.alias, version);
    context.reporter.report({ ...event, status: 'done' }, `${functionName}: ${fn.alias} back on version ${version}, 100% (was ${describeAlias(alias)})`);
    return 'done';
  });
}

/**
 * A layer rollback, the same path as a release: the functions' `$LATEST` back on the earlier
 * layer version, then a version published for each and their aliases moved to it at once.
 */
export async function rollbackLayerToAliases(context: ReleaseContext, manifest: ReleaseManifest, layer: string, version: number): Promise<void> {
  const keys = functionsUsing(manifest, layer);
  const stage = async <T>(untouched: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new ReleaseError(`${reasonOf(error)}\n  ${untouched}`);
    }
  };
  await stage('no version was published and no alias moved: traffic still runs what it ran', () => rollbackLayer(context, manifest, layer, version));
  const { versions } = await stage(`no alias moved: traffic still runs what it ran; $LATEST is on version ${version} of the layer`, () =>
    publishFunctions(context, manifest, keys),
  );
  await promoteFunctions(context, manifest, keys, AT_ONCE, versions);
}
