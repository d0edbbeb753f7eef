import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Fn, Op, ref, Token } from '../core/framework';
import { ModuleStack } from './module-stack';
import { arnInModuleRegion } from './region-validation';
import { ALARM_RULES, alarmNotifications, LambdaFunction, throttlesAlarmConfig } from '../modules/lambda-function';

/**
 * The `alarm_topic_arn` variable of a function module, to give the construct as its
 * `alarmTopicArn`: every alarm the construct and the module create notifies it, going into ALARM
 * and back to OK, and none when it is null (see {@link alarmNotifications}).
 */
export function alarmTopicArnVariable(m: ModuleStack): string {
  return m.variable('alarm_topic_arn', {
    type: 'string',
    default: null,
    description:
      'ARN of the SNS topic every alarm of the module notifies, going into ALARM and back to OK (alarm_actions and ok_actions). Default: no notifications.',
    rules: [ALARM_RULES.alarmTopicArn],
    conditions: [arnInModuleRegion(m, 'var.alarm_topic_arn')],
  }).stringValue;
}

/**
 * The alarms of a function module the construct cannot decide on: the throttles alarm, which
 * exists once the reserved concurrency is 1 or more (`count` on `reserved_concurrent_executions`),
 * under the construct's id. The duration alarm's threshold the construct derives itself, as
 * `var.timeout * 800`.
 *
 * @returns the names of the alarms a canary watches before those the caller names: the errors
 * alarm, the throttles alarm when it exists, the duration alarm
 */
export function bindAlarms(m: ModuleStack, fn: LambdaFunction): string[] {
  const reserved = fn.reservedConcurrentExecutions;
  const throttles = new CloudwatchMetricAlarm(fn, 'throttles-alarm', {
    ...throttlesAlarmConfig(fn.functionName, fn.aliasName, reserved),
    ...alarmNotifications(fn.alarmTopicArn),
    tags: fn.errorsAlarm.tagsInput,
    count: Token.asNumber(Fn.conditional(Op.gte(reserved, 1), 1, 0)),
  });
  // A reference of its own: cdktf gives a counted resource's attributes no splat.
  const throttlesNames = Token.asList(ref(`${throttles.terraformResourceType}.${throttles.friendlyUniqueId}[*].alarm_name`, m));
  return Token.asList(Fn.concat([[fn.errorsAlarm.alarmName], throttlesNames, [fn.durationAlarm.alarmName]]));
}
