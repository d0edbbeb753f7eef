import { ManifestFunction, ReleaseManifest } from '../contract/release-manifest';
import { DEFAULT_CONCURRENCY, ReleaseContext, ReleaseError } from './context';

/** What became of one item of a bounded run. */
export type Outcome<R> =
  | { readonly status: 'fulfilled'; readonly value: R }
  | { readonly status: 'rejected'; readonly reason: unknown }
  | { readonly status: 'not started' };

/**
 * Runs `work` on every item with at most `concurrency` running at once, in the items' order.
 * After the first failure no further item is started (unless `keepGoing`: moving traffic back
 * tries every item); those running are let finish (each one may be halfway through an update
 * that must be waited for). Never rejects: the outcome of each
 * item, in the items' order.
 */
export async function boundedPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  { keepGoing = false }: { readonly keepGoing?: boolean } = {},
): Promise<Outcome<R>[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number from 1, not ${concurrency}`);
  const outcomes: Outcome<R>[] = items.map(() => ({ status: 'not started' }));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while ((keepGoing || !failed) && next < items.length) {
      const index = next++;
      try {
        outcomes[index] = { status: 'fulfilled', value: await work(items[index], index) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return outcomes;
}

/** What one function's step did: changed it, or found it as it should be (or, in a dry run, would change it). */
export type StepResult = 'done' | 'unchanged';

/** The words for what a step did to a function, or found already done, in a summary. */
export interface Outcomes {
  readonly done: string;
  readonly unchanged: string;
}

/** The words of the runs that update functions. */
export const UPDATES: Outcomes = { done: 'updated', unchanged: 'already up to date' };

/** The functions a run did something to, and those it found already done: names, in the order given. */
export interface RunResult {
  readonly done: string[];
  readonly unchanged: string[];
}

/** An error's message as the release command prints it. */
export function reasonOf(error: unknown): string {
  return error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
}

/** `a, b` or `none`. */
export function list(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Runs `step` for each function, `context.concurrency` at a time (default 10), each step waiting
 * for its own updates. After a failure no further function is started (unless `keepGoing`:
 * moving traffic back tries every function); those running finish. Then it throws a message
 * that says, function by function, what was done, what failed and why, and what was not started.
 */
export async function eachFunction(
  context: Pick<ReleaseContext, 'concurrency'>,
  what: string,
  words: Outcomes,
  manifest: ReleaseManifest,
  keys: readonly string[],
  step: (functionName: string, key: string, fn: ManifestFunction) => Promise<StepResult>,
  { keepGoing = false }: { readonly keepGoing?: boolean } = {},
): Promise<RunResult> {
  const names = keys.map((key) => manifest.functions[key].functionName);
  const outcomes = await boundedPool(keys, context.concurrency ?? DEFAULT_CONCURRENCY, (key, index) => step(names[index], key, manifest.functions[key]), {
    keepGoing,
  });
  const having = (wanted: (outcome: Outcome<StepResult>) => boolean) => names.filter((_, index) => wanted(outcomes[index]));
  const result = {
    done: having((o) => o.status === 'fulfilled' && o.value === 'done'),
    unchanged: having((o) => o.status === 'fulfilled' && o.value === 'unchanged'),
  };
  const failures = names.flatMap((name, index) => {
    const outcome = outcomes[index];
    return outcome.status === 'rejected' ? [`  failed: ${name}: ${reasonOf(outcome.reason).replace(/\n/g, '\n    ')}`] : [];
  });
  if (failures.length === 0) return result;
  throw new ReleaseError(
    `${what} failed for ${failures.length} of ${keys.length} function${keys.length === 1 ? '' : 's'}:\n` +
      `${failures.join('\n')}\n` +
      `  ${words.done}: ${list(result.done)}\n` +
      `  ${words.unchanged}: ${list(result.unchanged)}\n` +
      `  not started: ${list(having((o) => o.status === 'not started'))}`,
  );
}
