import { GetAliasCommand, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { ReleaseContext, ReleaseError, withRetries } from './context';

/** Where an alias points: its version, and the share of traffic other versions get (a canary). */
export interface AliasState {
  readonly version: number;
  /** Version -> share of traffic from 0 to 1; empty when all traffic goes to `version`. */
  readonly weights: Readonly<Record<string, number>>;
}

/** Whether a canary is under way on the alias: some traffic goes to another version. */
export const inCanary = (alias: AliasState) => Object.keys(alias.weights).length > 0;

/** The alias as people read it: `version 4` or `version 4 (10% on version 5)`. */
export function describeAlias(alias: AliasState): string {
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
  const version = Number(answer.FunctionVersion);
  if (!Number.isInteger(version) || version < 1) {
    throw new ReleaseError(`the alias ${alias} of ${functionName} points at ${answer.FunctionVersion ?? 'nothing'}, not at a published version`);
  }
  return { version, weights: { ...(answer.RoutingConfig?.AdditionalVersionWeights ?? {}) } };
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
 * versions; no weights clears a canary.
 */
export async function moveAlias(
  context: ReleaseContext,
  functionName: string,
  alias: string,
  version: number,
  weights: Readonly<Record<string, number>> = {},
): Promise<void> {
  await withRetries(context, `move the alias ${alias} of ${functionName}`, () =>
    context.lambda.send(
      new UpdateAliasCommand({
        FunctionName: functionName,
        Name: alias,
        FunctionVersion: String(version),
        RoutingConfig: { AdditionalVersionWeights: { ...weights } },
      }),
    ),
  );
}
