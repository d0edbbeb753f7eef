import { ManifestFunction, ReleaseManifest } from '../contract/release-manifest';
import { ReleaseError } from './context';

/** How many functions a run works on at once. */
export const PARALLEL_FUNCTIONS = 10;

/** The words for what a step did to a function, or found already done, in a summary. */
export interface Outcomes {
  readonly done: string;
  readonly unchanged: string;
}

/** The functions a run did something to, and those it found already done, in the order given. */
export interface RunResult {
  readonly done: string[];
  readonly unchanged: string[];
}

/** Why a step failed, in words. */
export function reasonOf(error: unknown): string {
  return error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
}

/** `a, b` or `none`. */
export function list(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Runs `step` for the functions, up to {@link PARALLEL_FUNCTIONS} at once. After a failure no
 * further function is started (unless `keepGoing`: moving traffic back tries every function);
 * those already running finish. Then it throws a message that says, function by function, what
 * was done, what failed and why, and what was not started.
 */
export async function inParallel(
  what: string,
  words: Outcomes,
  manifest: ReleaseManifest,
  keys: readonly string[],
  step: (functionName: string, key: string, fn: ManifestFunction) => Promise<'done' | 'unchanged'>,
  { limit = PARALLEL_FUNCTIONS, keepGoing = false }: { readonly limit?: number; readonly keepGoing?: boolean } = {},
): Promise<RunResult> {
  const names = keys.map((key) => manifest.functions[key].functionName);
  const outcome: ('done' | 'unchanged' | { failed: string } | undefined)[] = keys.map(() => undefined);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while ((keepGoing || !failed) && next < keys.length) {
      const index = next++;
      try {
        outcome[index] = await step(names[index], keys[index], manifest.functions[keys[index]]);
      } catch (error) {
        outcome[index] = { failed: reasonOf(error) };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, keys.length) }, worker));
  const having = (wanted: (o: (typeof outcome)[number]) => boolean) => names.filter((_, index) => wanted(outcome[index]));
  const result = { done: having((o) => o === 'done'), unchanged: having((o) => o === 'unchanged') };
  if (!failed) return result;
  const failures = names.flatMap((name, index) => {
    const o = outcome[index];
    return typeof o === 'object' ? [`  failed: ${name}: ${o.failed.replace(/\n/g, '\n    ')}`] : [];
  });
  throw new ReleaseError(
    `${what} failed for ${failures.length} of ${keys.length} function${keys.length === 1 ? '' : 's'}:\n` +
      `${failures.join('\n')}\n` +
      `  ${words.done}: ${list(result.done)}\n` +
      `  ${words.unchanged}: ${list(result.unchanged)}\n` +
      `  not started: ${list(having((o) => o === undefined))}`,
  );
}
