import { GetAliasCommand, GetFunctionConfigurationCommand, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { ReleaseContext, ReleaseError, withRetries } from './context';

/** What an alias may point at besides a published version: an adopted function's alias can be on `$LATEST`. */
export const LATEST = '$LATEST';

/** A published version number, or `$LATEST`. */
export type AliasVersion = number | typeof LATEST;

/**
 * What the release command remembers about an alias, kept in the alias's description (CI owns it:
 * it is in the alias's `ignore_changes`). `previous`: the version live before the current one, as
 * promote left it (`$LATEST` when the alias was there); `heldBack`: versions taken off the alias
 * because they failed (a canary stopped by an alarm, a rollback), most recent first: promote
 * leaves a function alone when its new version holds the same code and layers as one of them.
 */
export interface AliasRecord {
  readonly previous?: AliasVersion;
  readonly heldBack: readonly number[];
}

/** No record: a description Terraform or a person wrote. */
export const NO_RECORD: AliasRecord = Object.freeze({ heldBack: [] });

/** How a record starts in the alias's description, for people reading it in the console. */
export const RECORD_PREFIX = "Moved by CI's release command.";

/** At most this many held-back versions are kept (the most recent): the description has 256 characters. */
export const HELD_BACK_KEPT = 10;

/** The record as the alias's description: `Moved by CI's release command. previous=2 held-back=3,1`. */
export function formatRecord(record: AliasRecord): string {
  const fields = [
    ...(record.previous === undefined ? [] : [`previous=${record.previous}`]),
    ...(record.heldBack.length === 0 ? [] : [`held-back=${record.heldBack.slice(0, HELD_BACK_KEPT).join(',')}`]),
  ];
  return [RECORD_PREFIX, ...fields].join(' ');
}

/**
 * Reads a record back from the alias's description. Anything not written by {@link formatRecord}
 * (Terraform's description, a person's, a field it does not know) is no record at all.
 */
export function parseRecord(description: string | undefined): AliasRecord {
  if (description === undefined || !description.startsWith(RECORD_PREFIX)) return NO_RECORD;
  const fields = description.slice(RECORD_PREFIX.length).split(' ').filter((field) => field !== '');
  let previous: AliasVersion | undefined;
  let heldBack: number[] = [];
  for (const field of fields) {
    const match = /^(previous|held-back)=(.+)$/.exec(field);
    if (match?.[1] === 'previous' && previous === undefined && (match[2] === LATEST || /^[1-9][0-9]*$/.test(match[2]))) {
      previous = match[2] === LATEST ? LATEST : Number(match[2]);
    } else if (match?.[1] === 'held-back' && heldBack.length === 0 && /^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(match[2])) {
      heldBack = match[2].split(',').map(Number);
    } else {
      return NO_RECORD;
    }
  }
  return { ...(previous === undefined ? {} : { previous }), heldBack };
}

/** `held-back` with `version` first (once), at most {@link HELD_BACK_KEPT}. */
export const holdBack = (heldBack: readonly number[], version: AliasVersion): number[] =>
  version === LATEST ? [...heldBack] : [version, ...heldBack.filter((held) => held !== version)].slice(0, HELD_BACK_KEPT);

/** Where an alias points: its version, the share of traffic other versions get (a canary), and CI's record. */
export interface AliasState {
  readonly version: AliasVersion;
  /** Version -> share of traffic from 0 to 1; empty when all traffic goes to `version`. */
  readonly weights: Readonly<Record<string, number>>;
  readonly record: AliasRecord;
}

/** Whether a canary is under way on the alias: some traffic goes to another version. */
export const inCanary = (alias: AliasState) => Object.keys(alias.weights).length > 0;

/** The alias as people read it: `version 4` or `version 4 (10% on version 5)`. */
export function describeAlias(alias: Pick<AliasState, 'version' | 'weights'>): string {
  const shares = Object.entries(alias.weights).map(([version, weight]) => `${percent(weight)}% on version ${version}`);
  return `version ${alias.version}${shares.length > 0 ? ` (${shares.join(', ')})` : ''}`;
}

/** A weight from 0 to 1 as a whole percentage, as it was given. */
export const percent = (weight: number) => Math.round(weight * 100);

/** Reads the function's alias; a missing alias is named with who creates it. */
export async function readAlias(context: ReleaseContext, functionName: string, alias: string): Promise<AliasState> {
  let answer;
  try {
    answer = await withRetries(context, `read the alias ${alias} of ${functionName}`, () =>
      context.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new ReleaseError(
      `${functionName} has no alias ${alias}: the stack creates it with the function (npx cdktf deploy ${context.environment}), and CI moves it`,
    );
  }
  const weights = { ...(answer.RoutingConfig?.AdditionalVersionWeights ?? {}) };
  const record = parseRecord(answer.Description);
  if (answer.FunctionVersion === LATEST) return { version: LATEST, weights, record };
  const version = Number(answer.FunctionVersion);
  if (!Number.isInteger(version) || version < 1) {
    throw new ReleaseError(`the alias ${alias} of ${functionName} points at ${answer.FunctionVersion ?? 'nothing'}, not at a published version or $LATEST`);
  }
  return { version, weights, record };
}

/** What a published version runs: its code's SHA-256 and its layer version ARNs; undefined once deleted. */
export async function versionContent(context: ReleaseContext, functionName: string, version: number): Promise<string | undefined> {
  try {
    const configuration = await withRetries(context, `read version ${version} of ${functionName}`, () =>
      context.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: String(version) })),
    );
    return JSON.stringify([configuration.CodeSha256 ?? null, (configuration.Layers ?? []).map((layer) => layer.Arn)]);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The function's published version numbers, lowest first (`$LATEST` is not one). */
export async function publishedVersions(context: ReleaseContext, functionName: string): Promise<number[]> {
  const versions: number[] = [];
  let Marker: string | undefined;
  do {
    const page = await withRetries(context, `list the versions of ${functionName}`, () =>
      context.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker, MaxItems: 50 })),
    );
    for (const { Version } of page.Versions ?? []) {
      if (Version !== undefined && /^[0-9]+$/.test(Version)) versions.push(Number(Version));
    }
    Marker = page.NextMarker;
  } while (Marker);
  return versions.sort((a, b) => a - b);
}

/**
 * Points the alias at `version`, with `weights` (version -> share from 0 to 1) sent to other
 * versions (none clears a canary), and writes `record` into its description: every move does.
 */
export async function moveAlias(
  context: ReleaseContext,
  functionName: string,
  alias: string,
  version: AliasVersion,
  record: AliasRecord,
  weights: Readonly<Record<string, number>> = {},
): Promise<void> {
  await withRetries(context, `move the alias ${alias} of ${functionName}`, () =>
    context.lambda.send(
      new UpdateAliasCommand({
        FunctionName: functionName,
        Name: alias,
        FunctionVersion: String(version),
        Description: formatRecord(record),
        RoutingConfig: { AdditionalVersionWeights: { ...weights } },
      }),
    ),
  );
}
