import { AsyncInvoke } from '../modules/async-invoke';
import { FunctionSchedules } from '../modules/function-schedules';
import { LambdaFunction } from '../modules/lambda-function';
import { EnvironmentConfig } from './environment-config';
import { isScheduled } from './wire-async';

/** The key of a cleanup function's schedule: `<functionName>-cleanup`. */
export const CLEANUP_SCHEDULE_KEY = 'cleanup';

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
    for (const [name, schedule] of Object.entries(fnConfig.schedules ?? {})) schedules.add(name, schedule);
    const cleanupSchedule = fnConfig.cleanup?.schedule;
    if (cleanupSchedule !== undefined) {
      // Written `cleanup.schedule`: the expression, and the name derived from the function's.
      schedules.add(CLEANUP_SCHEDULE_KEY, { expression: cleanupSchedule }, () => 'schedule');
    }
  }
}
