import { ReleaseManifest } from '../contract/release-manifest';
import { AlarmState, describeAlarm, firing, readAlarms } from './alarms';
import { AliasRecord, AliasState, describeAlias, holdBack, inCanary, LATEST, moveAlias, publishedVersions, readAlias, versionContent } from './aliases';
import { ReleaseContext, ReleaseError, UsageError } from './context';
import { formatDuration } from './durations';
import { eachFunction, list, reasonOf, RunResult } from './pool';
import { PublishedVersions } from './publish';

/** How an alias moves to the new version: at once, or in steps with alarms watched in between. */
export type PromoteStrategy =
  | { readonly kind: 'at once' }
  | { readonly kind: 'canary' | 'linear'; readonly percent: number; readonly intervalMs: number };

/** The default promotion: every alias straight to the new version, 100%, with no step and no alarm watched. */
export const AT_ONCE: PromoteStrategy = { kind: 'at once' };

/**
 * The shortest interval a step's alarms can judge: the errors alarm sums 60 s of errors, and
 * Lambda's metrics reach CloudWatch about a minute late. Shorter ones are taken, with a warning.
 */
export const ALARM_LAG_MS = 120_000;

/** The usual interval of a canary or linear step, for messages. */
export const USUAL_INTERVAL = '5m';

/** A warning for a step shorter than {@link ALARM_LAG_MS}, whose alarms may not have seen its errors yet; none otherwise. */
export function shortIntervalWarning(strategy: PromoteStrategy): string | undefined {
  if (strategy.kind === 'at once' || strategy.intervalMs >= ALARM_LAG_MS) return undefined;
  return (
    `--interval ${formatDuration(strategy.intervalMs)} is shorter than ${formatDuration(ALARM_LAG_MS)}: the errors alarm sums 60 s of errors and ` +
    `Lambda's metrics arrive about a minute late, so the alarms may not have seen a step's errors yet when it ends; ${USUAL_INTERVAL} is the usual interval`
  );
}

/** While a step waits, the alarms are read at least this often (or every interval, if shorter). */
export const ALARM_POLL_MS = 15_000;

/**
 * The share of traffic on the new version at each step, the last one 100: a canary's percentage
 * then 100; linear, the percentage added at every step until 100.
 */
export function promotionSteps(strategy: PromoteStrategy): number[] {
  if (strategy.kind === 'at once') return [100];
  if (strategy.kind === 'canary') return [strategy.percent, 100];
  const steps: number[] = [];
  for (let share = strategy.percent; share < 100; share += strategy.percent) steps.push(share);
  return [...steps, 100];
}

/** One function's alias to move. */
interface Move {
  readonly functionName: string;
  readonly alias: string;
  readonly alarms: readonly string[];
  readonly from: AliasState;
  /** Undefined in a dry run that publishes first: the version that run would publish. */
  readonly to: number | undefined;
}

/**
 * Moves each function's alias from its version to its latest published one (or the one in
 * `targets`). All at once by default; a canary or linear promotion moves every function to each
 * step's share, then waits, watching the functions' alarms. An alarm in `ALARM`, or any failure
 * during the steps, moves every function of the run back to its old version with no weights, and
 * the command fails with the alarm's name and reason; an alarm also holds the new versions back.
 *
 * Each alias's record (see {@link AliasRecord}): the last move records the version it replaced as
 * `previous`. A function whose new version holds the same code and layers as a held-back version
 * is not promoted (reported, the others go on). An alias on `$LATEST` moves at once only: a
 * promotion in steps refuses it before anything moves.
 */
export async function promoteFunctions(
  context: ReleaseContext,
  manifest: ReleaseManifest,
  keys: readonly string[],
  strategy: PromoteStrategy,
  targets?: PublishedVersions,
): Promise<RunResult> {
  const moves: Move[] = [];
  const onLatest: string[] = [];
  const words = { done: 'to move', unchanged: 'already live or held back' };
  const result = await eachFunction(context, 'Reading the aliases (nothing was moved)', words, manifest, keys, async (functionName, key, fn) => {
    const from = await readAlias(context, functionName, fn.alias);
    if (from.version === LATEST && strategy.kind !== 'at once') {
      onLatest.push(functionName);
      return 'unchanged';
    }
    let to: number | undefined;
    if (targets?.has(key)) {
      to = targets.get(key);
    } else {
      to = (await publishedVersions(context, functionName)).at(-1);
      if (to === undefined) throw new ReleaseError(`${functionName} has no published version: run release functions publish first`);
    }
    if (to === from.version && !inCanary(from)) {
      context.reporter.report({ action: 'alias move', status: 'skipped', functionName, alias: fn.alias, version: to }, `${functionName}: already live, ${fn.alias} is on version ${to}`);
      return 'unchanged';
    }
    const matched = to === undefined ? undefined : await heldBackMatch(context, functionName, from, to);
    if (to !== undefined && matched !== undefined) {
      const what = matched === to ? `version ${to} is held back` : `version ${to} holds the same code and layers as version ${matched}, held back`;
      const reason =
        `${what} (taken off ${fn.alias} after it failed): not promoted; ` +
        `release a fix, or put it back on purpose with release rollback --function ${key} --to-version ${to}`;
      context.reporter.report({ action: 'alias move', status: 'skipped', functionName, alias: fn.alias, version: to, heldBack: matched, reason }, `${functionName}: held back: ${reason}`);
      return 'unchanged';
    }
    moves.push({ functionName, alias: fn.alias, alarms: fn.alarms, from, to });
    return 'done';
  });
  if (onLatest.length > 0) {
    throw new UsageError([
      `functions promote --${strategy.kind}: nothing was moved: ${onLatest.join(', ')}: its alias points at $LATEST: promote once all at once first ` +
        '(without --canary or --linear), then in steps',
    ]);
  }
  // in manifest order, whatever order the reads finished in
  moves.sort((a, b) => result.done.indexOf(a.functionName) - result.done.indexOf(b.functionName));
  if (moves.length === 0) return { done: [], unchanged: result.unchanged };

  const steps = promotionSteps(strategy);
  const alarms = steps.length > 1 ? [...new Set(moves.flatMap((move) => move.alarms))] : [];
  if (alarms.length > 0) await checkAlarmsBeforeMoving(context, moves, alarms);
  if (context.dryRun) {
    for (const move of moves) describeMove(context, move, strategy);
    return { done: [], unchanged: result.unchanged };
  }
  if (strategy.kind === 'at once') {
    await moveAll(context, manifest, moves, 100, 1, 1);
    return { done: moves.map((move) => move.functionName), unchanged: result.unchanged };
  }
  try {
    for (const [index, share] of steps.entries()) {
      await moveAll(context, manifest, moves, share, index + 1, steps.length);
      if (share < 100) await watch(context, strategy.intervalMs, share, alarms);
    }
  } catch (error) {
    throw new ReleaseError(`${reasonOf(error)}\n${await moveBack(context, manifest, moves, error instanceof AlarmStopped)}`);
  }
  return { done: moves.map((move) => move.functionName), unchanged: result.unchanged };
}

/**
 * The held-back version (see {@link AliasRecord}) whose code and layers version `to` holds, if any:
 * a version Terraform or a publish made from the same `$LATEST` is the same failure under a new number.
 */
async function heldBackMatch(context: ReleaseContext, functionName: string, from: AliasState, to: number): Promise<number | undefined> {
  const { heldBack } = from.record;
  if (heldBack.length === 0) return undefined;
  if (heldBack.includes(to)) return to;
  const content = await versionContent(context, functionName, to);
  for (const held of heldBack) {
    if (content !== undefined && (await versionContent(context, functionName, held)) === content) return held;
  }
  return undefined;
}

/** The record of a promotion's last move: the version it replaced is the previous one; held-back versions stay. */
function promotedRecord(from: AliasState, to: number): AliasRecord {
  return { previous: from.version === to ? from.record.previous : from.version, heldBack: from.record.heldBack };
}

/** Every alarm must exist and be quiet before anything moves: a canary cannot watch what is not there. */
async function checkAlarmsBeforeMoving(context: ReleaseContext, moves: readonly Move[], alarms: readonly string[]): Promise<void> {
  const states = await readAlarms(context, alarms);
  const known = new Set(states.map((alarm) => alarm.name));
  const missing = moves.flatMap((move) => move.alarms.filter((name) => !known.has(name)).map((name) => `${name} (of ${move.functionName})`));
  if (missing.length > 0) {
    throw new ReleaseError(
      `no such CloudWatch alarm in ${context.environment}: ${missing.join(', ')}; nothing was moved ` +
        '(the stack creates each function\'s errors alarm: deploy it first; alarms named in envs/ must exist)',
    );
  }
  const [alarm] = firing(states);
  if (alarm) {
    throw new ReleaseError(
      `nothing was moved: ${describeAlarm(alarm)}\n  a promotion in steps starts only when every alarm it watches is quiet; ` +
        'if the version live now is the one failing, promote without --canary or --linear to move at once',
    );
  }
}

function describeMove(context: ReleaseContext, move: Move, strategy: PromoteStrategy): void {
  const to = move.to === undefined ? 'the version just published' : `version ${move.to}`;
  const how =
    strategy.kind === 'at once'
      ? 'at once'
      : promotionSteps(strategy)
          .map((share) => (share < 100 ? `${share}% for ${formatDuration(strategy.intervalMs)}` : 'then 100%'))
          .join(', ');
  context.reporter.report(
    { action: 'alias move', status: 'would do', functionName: move.functionName, alias: move.alias, from: move.from.version, to: move.to ?? null, steps: promotionSteps(strategy) },
    `move the alias ${move.alias} of ${move.functionName} from ${describeAlias(move.from)} to ${to}: ${how}`,
  );
}

/** Moves every function to one step's share of the new version; 100 makes it the alias's version, with no weights. */
async function moveAll(context: ReleaseContext, manifest: ReleaseManifest, moves: readonly Move[], share: number, step: number, steps: number): Promise<void> {
  const keys = keysOf(manifest, moves);
  const words = { done: `moved to ${share}%`, unchanged: 'unchanged' };
  const what = steps > 1 ? `Moving the aliases to ${share}% (step ${step} of ${steps})` : 'Moving the aliases';
  await eachFunction(context, what, words, manifest, keys, async (functionName) => {
    const move = moves.find((m) => m.functionName === functionName)!;
    const to = move.to!;
    const stepText = steps > 1 ? ` (step ${step} of ${steps})` : '';
    if (share === 100) {
      await moveAlias(context, functionName, move.alias, to, promotedRecord(move.from, to));
      context.reporter.report(
        { action: 'alias move', status: 'done', functionName, alias: move.alias, from: move.from.version, to, percent: 100, step, steps },
        `${functionName}: ${move.alias} now on version ${to}, 100% (was ${describeAlias(move.from)})${stepText}`,
      );
    } else {
      await moveAlias(context, functionName, move.alias, move.from.version, move.from.record, { [String(to)]: share / 100 });
      context.reporter.report(
        { action: 'alias move', status: 'done', functionName, alias: move.alias, from: move.from.version, to, percent: share, step, steps },
        `${functionName}: ${move.alias} at ${share}% on version ${to}, ${100 - share}% on version ${move.from.version}${stepText}`,
      );
    }
    return 'done';
  });
}

/** Waits `intervalMs`, reading the alarms every {@link ALARM_POLL_MS} (or the interval, if shorter); throws on one in `ALARM`. */
async function watch(context: ReleaseContext, intervalMs: number, share: number, alarms: readonly string[]): Promise<void> {
  const poll = Math.min(ALARM_POLL_MS, intervalMs);
  context.reporter.report(
    { action: 'alarm watch', status: 'done', percent: share, intervalMs, pollMs: poll, alarms },
    `waiting ${formatDuration(intervalMs)} at ${share}%, reading ${alarms.length === 1 ? 'the alarm' : `${alarms.length} alarms`} ${alarms.join(', ')} every ${formatDuration(poll)}`,
  );
  for (let waited = 0; waited < intervalMs; ) {
    const pause = Math.min(poll, intervalMs - waited);
    await context.sleep(pause);
    waited += pause;
    const states = await readAlarms(context, alarms);
    const gone = alarms.filter((name) => !states.some((alarm) => alarm.name === name));
    if (gone.length > 0) throw new ReleaseError(`promotion stopped at ${share}%: the alarm ${gone.join(', ')} no longer exists, so it cannot be watched`);
    const [alarm]: AlarmState[] = firing(states);
    if (alarm) {
      context.reporter.report(
        { action: 'alarm', status: 'done', percent: share, alarm: alarm.name, state: alarm.state, reason: alarm.reason },
        `${describeAlarm(alarm)} (after ${formatDuration(waited)} at ${share}%)`,
      );
      throw new AlarmStopped(`promotion stopped at ${share}%: ${describeAlarm(alarm)}`);
    }
  }
  context.reporter.report({ action: 'alarm watch', status: 'done', percent: share, alarms, state: 'OK' }, `no alarm after ${formatDuration(intervalMs)} at ${share}%`);
}

/** A promotion in steps stopped by an alarm: the new versions failed, and are held back. */
class AlarmStopped extends ReleaseError {}

/**
 * Every function of the run back on its old version, with no weights; what did and did not go
 * back, in words. When an alarm stopped the run (`heldBack`), each new version is recorded as held back.
 */
async function moveBack(context: ReleaseContext, manifest: ReleaseManifest, moves: readonly Move[], heldBack: boolean): Promise<string> {
  const words = { done: 'moved back to their old versions', unchanged: 'unchanged' };
  try {
    await eachFunction(context, 'Moving the aliases back', words, manifest, keysOf(manifest, moves), async (functionName) => {
      const move = moves.find((m) => m.functionName === functionName)!;
      const record: AliasRecord = heldBack ? { ...move.from.record, heldBack: holdBack(move.from.record.heldBack, move.to!) } : move.from.record;
      await moveAlias(context, functionName, move.alias, move.from.version, record);
      context.reporter.report(
        { action: 'alias move back', status: 'done', functionName, alias: move.alias, to: move.from.version, heldBack: heldBack ? move.to! : null },
        `${functionName}: ${move.alias} back on version ${move.from.version}, 100%${heldBack ? `; version ${move.to} held back` : ''}`,
      );
      return 'done';
    }, { keepGoing: true });
  } catch (error) {
    return `${reasonOf(error)}\n  run release rollback --function <key> --previous for each function not moved back`;
  }
  return `  moved back to their old versions, with no weights: ${list(moves.map((move) => `${move.functionName} (version ${move.from.version})`))}`;
}

function keysOf(manifest: ReleaseManifest, moves: readonly Move[]): string[] {
  const names = new Set(moves.map((move) => move.functionName));
  return Object.keys(manifest.functions).filter((key) => names.has(manifest.functions[key].functionName));
}
