import { ReleaseManifest } from '../contract/release-manifest';
import { AliasRecord, AliasState, describeAlias, holdBack, inCanary, LATEST, moveAlias, publishedVersions, readAlias } from './aliases';
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
 * otherwise the version promote recorded as live before (see {@link AliasRecord}); with no
 * record, the highest published version below the alias's, and the output says so.
 *
 * The move records the version it left as held back (during a canary: the canary's version), so
 * that the next promote does not put the same code back live; the version it goes to is no longer
 * held back (a deliberate `--to-version` of a held-back version puts it back on purpose). It
 * records no `previous`: what was live before the version it goes to is not known.
 * A function is reported done only once moved.
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
    const { version, note } = await rollbackVersion(context, functionName, fn.alias, alias, target);
    if (version === alias.version && !inCanary(alias)) {
      context.reporter.report({ action: 'alias rollback', status: 'skipped', functionName, alias: fn.alias, version }, `${functionName}: ${fn.alias} is already on version ${version}`);
      return 'unchanged';
    }
    // During a canary traffic leaves the canary's version; otherwise the alias's own.
    const left = inCanary(alias) ? Object.keys(alias.weights).map(Number) : [alias.version];
    const heldBack = left.reduce<number[]>((held, version) => holdBack(held, version), [...alias.record.heldBack]).filter((held) => held !== version);
    const record: AliasRecord = { heldBack };
    const event = { action: 'alias rollback', functionName, alias: fn.alias, from: alias.version, weights: alias.weights, to: version, heldBack, ...(note ? { note } : {}) };
    const noted = note ? `; ${note}` : '';
    if (context.dryRun) {
      context.reporter.report({ ...event, status: 'would do' }, `move the alias ${fn.alias} of ${functionName} from ${describeAlias(alias)} back to version ${version}, 100%${noted}`);
      return 'unchanged';
    }
    await moveAlias(context, functionName, fn.alias, version, record);
    context.reporter.report({ ...event, status: 'done' }, `${functionName}: ${fn.alias} back on version ${version}, 100% (was ${describeAlias(alias)})${noted}`);
    return 'done';
  });
}

/** The version a rollback of one function goes to, and a note when `previous` had no record to go by. */
async function rollbackVersion(
  context: ReleaseContext,
  functionName: string,
  aliasName: string,
  alias: AliasState,
  target: RollbackTarget,
): Promise<{ readonly version: number; readonly note?: string }> {
  const versions = await publishedVersions(context, functionName);
  const shown = versions.length > VERSIONS_SHOWN ? `..., ${versions.slice(-VERSIONS_SHOWN).join(', ')}` : versions.join(', ') || 'none';
  if (target !== 'previous') {
    if (!versions.includes(target.version)) {
      throw new ReleaseError(`--to-version ${target.version}: ${functionName} has no published version ${target.version}; its versions: ${shown}`);
    }
    return { version: target.version };
  }
  const current = alias.version;
  if (current === LATEST) {
    throw new ReleaseError(`${functionName}: ${aliasName} points at $LATEST: there is no earlier version to go back to; use --to-version <n>`);
  }
  if (inCanary(alias)) return { version: current };
  const { previous } = alias.record;
  if (previous === LATEST) {
    throw new ReleaseError(
      `${functionName}: no earlier version was live: ${aliasName} was on $LATEST before version ${current}; use --to-version <n> to go to a published version`,
    );
  }
  if (previous !== undefined) {
    if (!versions.includes(previous)) {
      throw new ReleaseError(`${functionName}: version ${previous}, live before version ${current}, is no longer published; use --to-version <n>; its versions: ${shown}`);
    }
    return { version: previous };
  }
  const below = versions.filter((v) => v < current);
  if (below.length === 0) throw new ReleaseError(`${functionName}: no published version below ${current}, the version of ${aliasName}, to go back to`);
  const version = below[below.length - 1];
  return { version, note: `no record of the version live before ${current}: fell back to the highest published version below it` };
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
