import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { Fn, Op, TerraformIterator, Token } from '../core/framework';
import { policyDocumentExpression } from '../core/policy-document';
import { describeRule, Rule, ruleTable } from '../core/rules';
import { LambdaFunction } from '../modules/lambda-function';
import {
  consumeStatements,
  EVENT_SOURCE_DEFAULTS,
  EVENT_SOURCE_PAIR_RULES,
  EVENT_SOURCE_RULES,
  FIFO_QUEUE_SUFFIX,
  REPORT_BATCH_ITEM_FAILURES,
} from '../modules/queue-event-source';
import { QUEUE_RULES } from '../modules/sqs-queue';
import { ruleCondition } from './variable-validation';
import { ModuleStack } from './module-stack';
import { everyArnInModuleRegion } from './region-validation';

const VARIABLE = 'event_source_mapping';
/** The mappings, as the validations iterate them. */
const MAPPINGS = `values(var.${VARIABLE})`;
/** Each maximum concurrency given (a mapping may have no scaling_config). */
const MAXIMUM_CONCURRENCIES = `[for s in ${MAPPINGS} : s.scaling_config.maximum_concurrency if s.scaling_config != null]`;

/** The rules of the module alone: a mapping's name names its consume policy. */
export const EVENT_SOURCE_MODULE_RULES = ruleTable(
  {
    mappingName: {
      kind: 'pattern',
      pattern: '^[A-Za-z0-9+=,.@_-]{1,120}$',
      text: 'must be 1 to 120 letters, digits and + = , . @ _ - (it names the consume policy, consume-<name>)',
    },
  },
  'event-source-',
);

/** The mapping's type, named as terraform-aws-modules/lambda names its fields; only those SQS uses. */
const MAPPING_TYPE = `map(object({
  event_source_arn                   = string
  batch_size                         = optional(number, ${EVENT_SOURCE_DEFAULTS.batchSize})
  maximum_batching_window_in_seconds = optional(number, ${EVENT_SOURCE_DEFAULTS.maximumBatchingWindowInSeconds})
  scaling_config                     = optional(object({ maximum_concurrency = number }))
  function_response_types            = optional(list(string), ["${REPORT_BATCH_ITEM_FAILURES}"])
  filter_criteria                    = optional(list(object({ pattern = string })), [])
  enabled                            = optional(bool, true)
  queue_kms_key_arn                  = optional(string)
}))`;

/** A rule on a field of every mapping: `[condition, "every <field> <rule>"]`. */
function everyField(field: string, rule: Rule): [string, string] {
  return [`alltrue([for s in ${MAPPINGS} : ${ruleCondition(rule, `s.${field}`)}])`, `every ${field} ${describeRule(rule)}`];
}

/** A rule on each value of a list built from the mappings: `[condition, "every <what> <rule>"]`. */
function everyValue(values: string, what: string, text: string, condition: (value: string) => string): [string, string] {
  return [`alltrue([for x in ${values} : ${condition('x')}])`, `every ${what} ${text}`];
}

/**
 * The `event_source_mapping` variable of a function module: SQS queues the function consumes,
 * by name. Each gets a mapping on the alias and an inline policy `consume-<name>` naming that
 * queue only (and kms:Decrypt on `queue_kms_key_arn` when given); the mapping depends on its
 * policy. The validations are the rules of modules/queue-event-source.ts, in their words.
 */
export function bindEventSources(m: ModuleStack, fn: LambdaFunction): void {
  const concurrency = EVENT_SOURCE_RULES.maximumConcurrency;
  const variable = m.variable(VARIABLE, {
    type: MAPPING_TYPE,
    default: {},
    description:
      'SQS queues the function consumes, by name (only SQS event sources are supported): { jobs = { event_source_arn = "arn:aws:sqs:...:jobs", batch_size = 10, maximum_batching_window_in_seconds = 0, scaling_config = { maximum_concurrency = 5 }, function_response_types = ["ReportBatchItemFailures"], filter_criteria = [{ pattern = jsonencode({ body = { kind = ["order"] } }) }], enabled = true, queue_kms_key_arn = null } }. Each is a mapping on the alias, after an inline policy consume-<name> that lets the role receive, delete and read the attributes of that queue only (and decrypt with queue_kms_key_arn, the key of a KMS-encrypted queue).',
    rules: [[EVENT_SOURCE_MODULE_RULES.mappingName, 'each name']],
    conditions: [
      everyField('event_source_arn', EVENT_SOURCE_RULES.queueArn),
      everyArnInModuleRegion(m, `[for s in ${MAPPINGS} : s.event_source_arn]`, 'event_source_arn'),
      [`length(distinct([for s in ${MAPPINGS} : s.event_source_arn])) == length(var.${VARIABLE})`, EVENT_SOURCE_PAIR_RULES.queueConsumedTwice.text],
      everyField('batch_size', EVENT_SOURCE_RULES.batchSize),
      [
        // A FIFO queue's batch has its own rule, below.
        `alltrue([for s in ${MAPPINGS} : endswith(s.event_source_arn, "${FIFO_QUEUE_SUFFIX}") || s.maximum_batching_window_in_seconds > 0 || s.batch_size <= ${EVENT_SOURCE_DEFAULTS.batchSizeWithoutWindow}])`,
        `every batch_size ${EVENT_SOURCE_PAIR_RULES.batchSizeWithoutWindow.text}`,
      ],
      [
        `alltrue([for s in ${MAPPINGS} : !endswith(s.event_source_arn, "${FIFO_QUEUE_SUFFIX}") || s.batch_size <= ${EVENT_SOURCE_DEFAULTS.fifoBatchSize}])`,
        `every batch_size ${EVENT_SOURCE_PAIR_RULES.fifoBatchSize.text}`,
      ],
      [
        `alltrue([for s in ${MAPPINGS} : !endswith(s.event_source_arn, "${FIFO_QUEUE_SUFFIX}") || s.maximum_batching_window_in_seconds == 0])`,
        `every maximum_batching_window_in_seconds ${EVENT_SOURCE_PAIR_RULES.fifoBatchingWindow.text}`,
      ],
      everyField('maximum_batching_window_in_seconds', EVENT_SOURCE_RULES.maximumBatchingWindowInSeconds),
      everyValue(MAXIMUM_CONCURRENCIES, 'scaling_config.maximum_concurrency', describeRule(concurrency), (x) => ruleCondition(concurrency, x)),
      [
        `var.reserved_concurrent_executions < 0 || alltrue([for x in ${MAXIMUM_CONCURRENCIES} : x <= var.reserved_concurrent_executions])`,
        `every scaling_config.maximum_concurrency ${EVENT_SOURCE_PAIR_RULES.maximumConcurrencyAboveReserved.text}`,
      ],
      everyValue(`flatten([for s in ${MAPPINGS} : s.function_response_types])`, 'function_response_types item', describeRule(EVENT_SOURCE_RULES.functionResponseTypes), (x) =>
        ruleCondition(EVENT_SOURCE_RULES.functionResponseTypes, x),
      ),
      everyField('filter_criteria', EVENT_SOURCE_RULES.filterPatterns),
      everyValue(`flatten([for s in ${MAPPINGS} : s.filter_criteria])`, 'filter_criteria pattern', EVENT_SOURCE_PAIR_RULES.filterPatternJson.text, (x) => `can(keys(jsondecode(${x}.pattern)))`),
      everyValue(`[for s in ${MAPPINGS} : s.queue_kms_key_arn if s.queue_kms_key_arn != null]`, 'queue_kms_key_arn', describeRule(QUEUE_RULES.kmsKeyArn), (x) => ruleCondition(QUEUE_RULES.kmsKeyArn, x)),
      everyArnInModuleRegion(m, `[for s in ${MAPPINGS} : s.queue_kms_key_arn]`, 'queue_kms_key_arn'),
    ],
  });

  const each = TerraformIterator.fromMap(variable.value);
  const queueArn = each.getString('event_source_arn');
  const kmsKeyArn = each.getString('queue_kms_key_arn');
  const policy = new IamRolePolicy(fn, 'event-source-policy', {
    forEach: each,
    name: `consume-${Token.asString(each.key)}`,
    role: fn.role.id,
    // Both documents from the one renderer: with kms:Decrypt on the queue's key, or without.
    policy: Token.asString(
      Fn.conditional(
        Op.eq(kmsKeyArn, Token.nullValue()),
        policyDocumentExpression(consumeStatements(queueArn)),
        policyDocumentExpression(consumeStatements(queueArn, kmsKeyArn)),
      ),
    ),
  });
  const mapping = new LambdaEventSourceMapping(fn, 'event-source-mapping', {
    forEach: each,
    functionName: fn.aliasArn,
    eventSourceArn: queueArn,
    batchSize: each.getNumber('batch_size'),
    maximumBatchingWindowInSeconds: each.getNumber('maximum_batching_window_in_seconds'),
    functionResponseTypes: each.getList('function_response_types'),
    enabled: each.getBoolean('enabled'),
    // Lambda checks the role when it creates the mapping: without the policy, the first poll fails.
    dependsOn: [policy],
  });
  // Written out: blocks present only when their value is given.
  mapping.addOverride('dynamic.scaling_config', {
    for_each: '${each.value.scaling_config == null ? [] : [each.value.scaling_config]}',
    content: { maximum_concurrency: '${scaling_config.value.maximum_concurrency}' },
  });
  mapping.addOverride('dynamic.filter_criteria', {
    for_each: '${length(each.value.filter_criteria) == 0 ? [] : [each.value.filter_criteria]}',
    content: { dynamic: { filter: { for_each: '${filter_criteria.value}', content: { pattern: '${filter.value.pattern}' } } } },
  });
  m.output(
    'lambda_event_source_mapping_uuid',
    TerraformIterator.fromResources(mapping).forExpressionForMap('key', 'val.uuid'),
    'The event source mappings\' ids, by the names of event_source_mapping.',
  );
}
