import { FieldPairRule } from '../core/rules';
import { AsyncInvoke } from '../modules/async-invoke';
import { FunctionSchedules } from '../modules/function-schedules';
import { LambdaFunction } from '../modules/lambda-function';
import { EnvironmentConfig, FunctionConfig } from './environment-config';
import { isScheduled } from './wire-async';

/** The key of a cleanup function's schedule: `<functionName>-cleanup`. */
export const CLEANUP_SCHEDULE_KEY = 'cleanup';

/** On `schedules.cleanup` of a function with `cleanup.schedule`: that key is the cleanup schedule's. */
export const CLEANUP_SCHEDULE_KEY_RULE: FieldPairRule = Object.freeze({
  code: 'schedule-key-reserved',
  text: `is the key of the schedule cleanup.schedule creates (<functionName>-${CLEANUP_SCHEDULE_KEY}) on a cleanup function: give this schedule another key`,
});

/** Whether a function's `schedules` key is the one its `cleanup.schedule` takes. */
export function isReservedScheduleKey(fn: FunctionConfig, key: string): boolean {
  return key === CLEANUP_SCHEDULE_KEY && fn.cleanup?.schedule !== undefined;
}

/**
 * The functions' schedules (`schedules`, and a cleanup function's `cleanup.schedule` as the
 * schedule `cleanup`), on EventBridge Scheduler, each invoking the function's alias. A schedule's
 * dead-letter queue is the function's on-failure queue, when that is a queue (see
 * {@link wireAsyncInvoke}, which gives every scheduled function one).
 */
export function wireSchedules(
  config: EnvironmentConfig,
  functions: Readonly<Record<string, LambdaFunction>>,
  asyncInvokes: Readonly<Record<string, AsyncInvoke>>,
): void {
  for (const [key, fnConfig] of Object.entries(config.functions ?? {})) {
    const fn = functions[key];
    if (!fn || !isScheduled(fnConfig)) continue;
    const schedules = new FunctionSchedules(fn, 'schedules', {
      accountId: config.accountId,
      deadLetterQueue: asyncInvokes[key]?.deadLetterQueue,
      tags: fnConfig.tags,
    });
    for (const [name, schedule] of Object.entries(fnConfig.schedules ?? {})) {
      // Reported by checkEnvironment (CLEANUP_SCHEDULE_KEY_RULE); the cleanup schedule keeps its key.
      if (!isReservedScheduleKey(fnConfig, name)) schedules.add(name, schedule);
    }
    const cleanupSchedule = fnConfig.cleanup?.schedule;
    if (cleanupSchedule !== undefined) {
      // Written `cleanup.schedule`: the expression, and the name derived from the function's.
      schedules.add(CLEANUP_SCHEDULE_KEY, { expression: cleanupSchedule }, () => 'schedule');
    }
  }
}
