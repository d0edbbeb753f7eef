import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { Construct } from 'constructs';
import { Fn, Op, Token } from '../core/framework';
import { policyDocumentExpression } from '../core/policy-document';
import { ASYNC_INVOKE_DEFAULTS, ASYNC_INVOKE_RULES, asyncEventsLostAlarmConfig } from '../modules/async-invoke';
import { LambdaFunction } from '../modules/lambda-function';
import { ModuleStack } from './module-stack';
import { arnInModuleRegion } from './region-validation';

/** The rule between `destination_on_failure` and `create_async_event_config`, in words. */
export const DESTINATION_WITHOUT_CONFIG_RULE = 'is only used with create_async_event_config = true';

/**
 * The asynchronous invocation variables of a function module, named as terraform-aws-modules/lambda
 * names them (`create_async_event_config`, `maximum_retry_attempts`, `maximum_event_age_in_seconds`,
 * `destination_on_failure`), with the same rules as synth, and what they bind: the event invoke
 * config on the alias, the role's send policy on the destination only (`sqs:SendMessage` or
 * `sns:Publish`, from the ARN's service), and the lost-events alarm. The module creates no
 * queue: the caller names the destination. Resources are under the ids the environment stack
 * gives them (`AsyncInvoke`).
 */
export function bindAsyncInvoke(m: ModuleStack, fn: LambdaFunction): void {
  const create = m.variable('create_async_event_config', {
    type: 'bool',
    default: false,
    description: 'Configure asynchronous invocation on the alias: retries, maximum event age, on-failure destination, and the <function_name>-async-events-lost alarm (a failed event the destination did not take).',
  });
  const retries = m.variable('maximum_retry_attempts', {
    type: 'number',
    default: ASYNC_INVOKE_DEFAULTS.maximumRetryAttempts,
    description: 'Retries of a failed asynchronous invocation (with create_async_event_config).',
    rules: [ASYNC_INVOKE_RULES.maximumRetryAttempts],
  });
  const age = m.variable('maximum_event_age_in_seconds', {
    type: 'number',
    default: ASYNC_INVOKE_DEFAULTS.maximumEventAgeInSeconds,
    description: 'Seconds an asynchronous event may wait to be processed (with create_async_event_config).',
    rules: [ASYNC_INVOKE_RULES.maximumEventAgeInSeconds],
  });
  const destination = m.variable('destination_on_failure', {
    type: 'string',
    default: null,
    description:
      'ARN of the SQS queue or SNS topic failed asynchronous invocations go to (with create_async_event_config). The role may send to it and to nothing else. Default: none, failed events are dropped.',
    rules: [ASYNC_INVOKE_RULES.destination],
    conditions: [['var.create_async_event_config', DESTINATION_WITHOUT_CONFIG_RULE], arnInModuleRegion(m, 'var.destination_on_failure')],
  });

  const scope = new Construct(fn, 'async-invoke');
  const isSns = Op.eq(Fn.element(Fn.split(':', destination.stringValue), 2), 'sns');
  const sendPolicy = new IamRolePolicy(scope, 'send-policy', {
    name: 'async-failures',
    role: fn.role.id,
    policy: policyDocumentExpression([
      {
        sid: Token.asString(Fn.conditional(isSns, 'PublishFailedEvents', 'SendFailedEvents')),
        actions: [Token.asString(Fn.conditional(isSns, 'sns:Publish', 'sqs:SendMessage'))],
        resources: [destination.stringValue],
      },
    ]),
  });
  // Written out: a null variable in cdktf's conditional would not render.
  sendPolicy.addOverride('count', '${var.destination_on_failure == null ? 0 : 1}');
  const config = new LambdaFunctionEventInvokeConfig(scope, 'config', {
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    maximumRetryAttempts: retries.numberValue,
    maximumEventAgeInSeconds: age.numberValue,
    count: Token.asNumber(Fn.conditional(create.booleanValue, 1, 0)),
    // Lambda checks that the role may send to the destination when the config is set.
    dependsOn: [sendPolicy],
  });
  config.addOverride('dynamic.destination_config', {
    for_each: '${var.destination_on_failure == null ? [] : [var.destination_on_failure]}',
    content: { on_failure: { destination: '${destination_config.value}' } },
  });
  new CloudwatchMetricAlarm(scope, 'events-lost-alarm', {
    ...asyncEventsLostAlarmConfig(fn),
    count: Token.asNumber(Fn.conditional(create.booleanValue, 1, 0)),
  });
}
