import { ManifestFunction, ReleaseManifest } from '../contract/release-manifest';
import { DEFAULT_CONCURRENCY, ReleaseContext, ReleaseError } from './context';
import { boundedPool, reasonOf } from './pool';

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

/** `a, b` or `none`. */
export function list(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Runs `step` for the functions, `context.concurrency` at once (default 10). After a failure no
 * further function is started (unless `keepGoing`: moving traffic back tries every function);
 * those already running finish. Then it throws a message that says, function by function, what
 * was done, what failed and why, and what was not started.
 */
export async function inParallel(
  context: Pick<ReleaseContext, 'concurrency'>,
  what: string,
  words: Outcomes,
  manifest: ReleaseManifest,
  keys: readonly string[],
  step: (functionName: string, key: string, fn: ManifestFunction) => Promise<'done' | 'unchanged'>,
  { keepGoing = false }: { readonly keepGoing?: boolean } = {},
): Promise<RunResult> {
  const names = keys.map((key) => manifest.functions[key].functionName);
  const outcomes = await boundedPool(keys, context.concurrency ?? DEFAULT_CONCURRENCY, (key, index) => step(names[index], key, manifest.functions[key]), {
    keepGoing,
  });
  const outcome = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.status === 'rejected' ? { failed: reasonOf(o.reason) } : undefined));
  const failed = outcome.some((o) => typeof o === 'object');
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
