import { GetFunctionConfigurationCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { ReleaseManifest } from '../contract/release-manifest';
import { publishedVersions } from './aliases';
import { poll, ReleaseContext, ReleaseError, UPDATE_POLL, waitForUpdate, withRetries } from './context';
import { applyLayers, desiredLayers, latestVersions, layersOf, pinnedChanges } from './functions';
import { eachFunction, RunResult } from './pool';

/** Lambda's limit on a version's description. */
export const DESCRIPTION_LIMIT = 256;

/**
 * What a published version holds, as its description: the code's SHA-256 (Lambda's CodeSha256)
 * and each layer as `<name>:<version>`, in attach order. Within Lambda's 256 characters: layers
 * that do not fit are left out from the end and counted (`,+2 more`), never cut in the middle.
 */
export function versionDescription(codeSha256: string, layerArns: readonly string[]): string {
  const layers = layerArns.map((arn) => arn.split(':').slice(-2).join(':'));
  const text = (shown: number) => {
    const more = layers.length - shown;
    const items = [...layers.slice(0, shown), ...(more > 0 ? [`+${more} more`] : [])];
    return `code-sha256=${codeSha256} layers=${items.join(',') || 'none'}`;
  };
  let shown = layers.length;
  while (shown > 0 && text(shown).length > DESCRIPTION_LIMIT) shown--;
  return text(shown);
}

/** The version published for each function (by key); none in a dry run. */
export type PublishedVersions = Map<string, number | undefined>;

/**
 * Publishes a version of each function from its `$LATEST`, once its last update is over, and
 * waits until the version is `Active`. When nothing changed since the last version, Lambda
 * publishes none and that version is reported. A dry run reads and describes, and publishes nothing.
 */
export async function publishFunctions(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  keys: readonly string[] = Object.keys(manifest.functions),
): Promise<{ readonly versions: PublishedVersions; readonly result: RunResult }> {
  const versions: PublishedVersions = new Map();
  const latestLayer = latestVersions(context, manifest);
  const words = { done: 'published', unchanged: context.dryRun ? 'not published (dry run)' : 'already published' };
  const result = await eachFunction(context, 'Publishing versions', words, manifest, keys, async (functionName, key) => {
    const read = await waitForUpdate(context, functionName);
    // The layers envs/ sets (external pins included) reach the function here, at the next release:
    // the manifest's whole list, in its order, without layers attached by hand.
    const current = layersOf(read);
    const desired = await desiredLayers(manifest, key, current, latestLayer);
    const { configuration: latest } = await applyLayers(context, functionName, read, desired, pinnedChanges(manifest, key, current));
    const description = versionDescription(latest.CodeSha256 ?? 'unknown', desired);
    const before = await publishedVersions(context, functionName);
    if (context.dryRun) {
      versions.set(key, undefined);
      context.reporter.report(
        { action: 'function publish', status: 'would do', functionName, description, latestVersion: before.at(-1) ?? null },
        `publish a version of ${functionName} (${description}); its latest version now: ${before.at(-1) ?? 'none'}`,
      );
      return 'unchanged';
    }
    let published;
    try {
      published = await withRetries(context, `publish a version of ${functionName}`, () =>
        context.lambda.send(
          new PublishVersionCommand({ FunctionName: functionName, Description: description, CodeSha256: latest.CodeSha256, RevisionId: latest.RevisionId }),
        ),
      );
    } catch (error) {
      if ((error as Error).name !== 'PreconditionFailedException') throw error;
      throw new ReleaseError(`${functionName}: $LATEST changed while its version was being published (${(error as Error).message}); publish again`);
    }
    const version = Number(published.Version);
    await waitForActive(context, functionName, version);
    versions.set(key, version);
    if (before.includes(version)) {
      context.reporter.report(
        { action: 'function publish', status: 'skipped', functionName, version, description: published.Description },
        `${functionName}: unchanged since version ${version}, published before`,
      );
      return 'unchanged';
    }
    context.reporter.report({ action: 'function publish', status: 'done', functionName, version, description }, `${functionName}: published version ${version} (${description})`);
    return 'done';
  });
  return { versions, result };
}

/** Waits until a published version can run: `Active`. `Failed` is an error with Lambda's reason. */
export async function waitForActive(context: ReleaseContext, functionName: string, version: number): Promise<void> {
  await poll(context, {
    read: () =>
      withRetries(context, `read version ${version} of ${functionName}`, () =>
        context.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: String(version) })),
      ),
    settled: ({ State: state, StateReasonCode: code, StateReason: reason }) => {
      if (state === 'Failed') {
        throw new ReleaseError(`${functionName}: version ${version} failed to become active: ${[code, reason].filter(Boolean).join(': ') || 'no reason given'}`);
      }
      return state === 'Active';
    },
    timedOut: `${functionName}: version ${version} was not active within ${UPDATE_POLL.timeoutMs / 1000} s`,
    waiting: (seconds) => `${functionName}: version ${version} still not active after ${seconds} s`,
  });
}
