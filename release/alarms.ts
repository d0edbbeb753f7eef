import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ReleaseContext, withRetries } from './context';

/** An alarm's name, state and the reason CloudWatch gives for it. */
export interface AlarmState {
  readonly name: string;
  readonly state: string;
  readonly reason: string;
}

/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_CALL = 100;

/**
 * The current state of each named alarm, metric and composite alike, in the order given. Names
 * CloudWatch does not know are left out: compare with the names asked for.
 */
export async function readAlarms(context: ReleaseContext, names: readonly string[]): Promise<AlarmState[]> {
  const unique = [...new Set(names)];
  const found = new Map<string, AlarmState>();
  for (let start = 0; start < unique.length; start += NAMES_PER_CALL) {
    const AlarmNames = unique.slice(start, start + NAMES_PER_CALL);
    let NextToken: string | undefined;
    do {
      const page = await withRetries(context, `read the alarms ${AlarmNames.join(', ')}`, () =>
        context.cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: NAMES_PER_CALL, NextToken }),
        ),
      );
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName) found.set(alarm.AlarmName, { name: alarm.AlarmName, state: alarm.StateValue ?? 'unknown', reason: alarm.StateReason ?? '' });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return unique.flatMap((name) => found.get(name) ?? []);
}

/** The alarms of `names` in `ALARM`, in the order given. */
export function firing(alarms: readonly AlarmState[]): AlarmState[] {
  return alarms.filter((alarm) => alarm.state === 'ALARM');
}

/** An alarm in `ALARM` for messages: its name and CloudWatch's reason. */
export function describeAlarm(alarm: AlarmState): string {
  return `alarm ${alarm.name} is in ALARM: ${alarm.reason || 'CloudWatch gives no reason'}`;
}
