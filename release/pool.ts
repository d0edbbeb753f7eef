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

/** What a run over several functions did: function names, in manifest order. */
export interface Progress {
  readonly done: string[];
  readonly unchanged: string[];
}

/** What one function's step did: changed it, or found it as it should be (or, in a dry run, would change it). */
export type StepResult = 'done' | 'unchanged';

/** An error's message as the release command prints it. */
export function reasonOf(error: unknown): string {
  return error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
}

/**
 * Runs `step` for each function, `context.concurrency` at a time (default 10), each step waiting
 * for its own updates. At the first real failure no further function is started; the running
 * ones finish, then the error says which functions were updated, already up to date, failed
 * (with each reason) and not started.
 */
export async function eachFunction(
  context: Pick<ReleaseContext, 'concurrency'>,
  what: string,
  manifest: ReleaseManifest,
  keys: readonly string[],
  step: (functionName: string, key: string, fn: ManifestFunction) => Promise<StepResult>,
): Promise<Progress> {
  const functionNames = keys.map((key) => manifest.functions[key].functionName);
  const failedInTurn: number[] = []; // the first failure stopped the run
  const outcomes = await boundedPool(keys, context.concurrency ?? DEFAULT_CONCURRENCY, (key, index) =>
    step(functionNames[index], key, manifest.functions[key]).catch((error: unknown) => {
      failedInTurn.push(index);
      throw error;
    }),
  );
  const names = (keep: (outcome: Outcome<StepResult>) => boolean) => functionNames.filter((_, index) => keep(outcomes[index]));
  const progress: Progress = {
    done: names((o) => o.status === 'fulfilled' && o.value === 'done'),
    unchanged: names((o) => o.status === 'fulfilled' && o.value === 'unchanged'),
  };
  const failures = failedInTurn.map((index) => {
    const outcome = outcomes[index];
    return { functionName: functionNames[index], reason: outcome.status === 'rejected' ? reasonOf(outcome.reason) : '' };
  });
  if (failures.length === 0) return progress;
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : 'none');
  const [first, ...others] = failures;
  throw new ReleaseError(
    `${what} stopped at ${first.functionName}: ${first.reason}\n` +
      `  updated: ${list(progress.done)}\n` +
      `  already up to date: ${list(progress.unchanged)}\n` +
      `  failed: ${list(failures.map((f) => f.functionName))}\n` +
      others.map((f) => `    ${f.functionName}: ${f.reason}\n`).join('') +
      `  not started: ${list(names((o) => o.status === 'not started'))}`,
  );
}
