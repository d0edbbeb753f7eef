import type { BadInput } from './module-bad-inputs';

/**
 * Bad inputs of the `event_source_mapping` variable of the `lambda` module, each breaking one
 * rule, with the message Terraform must print: the rule in the words synth uses
 * (__tests__/queues.test.ts), after `every <field>`.
 */

/** The rule on ARNs of regional resources, in the words synth uses. */
const IN_REGION = "must be in the environment's region: AWS refuses an event source queue, KMS key, failure destination or alarm topic of another region";

const QUEUE = 'arn:aws:sqs:us-west-2:111111111111:bookshelf-jobs';
const FIFO_QUEUE = 'arn:aws:sqs:us-west-2:111111111111:bookshelf-orders.fifo';

/** A mapping as the caller writes it, in HCL. */
type Mapping = Record<string, string>;

/** The mapping with the variable's defaults, as Terraform's jsonencode writes it: keys sorted. */
function encoded(mapping: Mapping): Record<string, unknown> {
  const withDefaults: Record<string, unknown> = {
    event_source_arn: QUEUE,
    batch_size: 10,
    maximum_batching_window_in_seconds: 0,
    scaling_config: null,
    function_response_types: ['ReportBatchItemFailures'],
    filter_criteria: [],
    enabled: true,
    queue_kms_key_arn: null,
  };
  for (const [field, hcl] of Object.entries(mapping)) withDefaults[field] = hclValue(hcl);
  return Object.fromEntries(Object.keys(withDefaults).sort().map((key) => [key, withDefaults[key]]));
}

/** The few HCL literals the cases use, as values: numbers, strings, lists of strings, objects of them. */
function hclValue(hcl: string): unknown {
  // HCL's `{ a = 1 }` and `[{ pattern = "x" }]` as JSON: quote the names, `=` to `:`.
  return JSON.parse(hcl.replace(/([A-Za-z_]+)\s*=/g, '"$1":'));
}

/** A case: the variable with these mappings (by name), and the rule its message ends with. */
function mappingCase(mappings: Record<string, Mapping>, rule: string, extra: Partial<BadInput> = {}): Omit<BadInput, 'module'> {
  const hcl = `{ ${Object.entries(mappings)
    .map(([name, mapping]) => `${JSON.stringify(name)} = { ${Object.entries({ event_source_arn: JSON.stringify(QUEUE), ...mapping }).map(([f, v]) => `${f} = ${v}`).join(', ')} }`)
    .join(', ')} }`;
  const json = JSON.stringify(Object.fromEntries(Object.entries(mappings).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, mapping]) => [name, encoded(mapping)])));
  return { variable: 'event_source_mapping', value: hcl, message: `event_source_mapping = ${json}: ${rule}.`, ...extra };
}

const pattern = (n: number) => `{ pattern = ${JSON.stringify(JSON.stringify({ body: { n: [n] } }))} }`;

export const EVENT_SOURCE_CASES: Omit<BadInput, 'module'>[] = [
  mappingCase({ 'jobs queue': {} }, 'every name must be 1 to 120 letters, digits and + = , . @ _ - (it names the consume policy, consume-<name>)'),
  mappingCase(
    { jobs: { event_source_arn: '"arn:aws:sns:us-west-2:111111111111:bookshelf-jobs"' } },
    'every event_source_arn must be an SQS queue ARN: arn:aws:sqs:<region>:<account>:<name> (only SQS event sources are supported)',
  ),
  mappingCase({ jobs: {}, again: { batch_size: '5' } }, 'a function consumes each queue once: give each queue one event source'),
  mappingCase({ jobs: { batch_size: '0' } }, 'every batch_size must be a whole number from 1 to 10000 (messages per invocation)'),
  mappingCase({ jobs: { batch_size: '10001', maximum_batching_window_in_seconds: '1' } }, 'every batch_size must be a whole number from 1 to 10000 (messages per invocation)'),
  mappingCase({ jobs: { batch_size: '11' } }, 'every batch_size must be at most 10 without a batching window (a window above 0 seconds allows up to 10000)'),
  mappingCase({ jobs: { event_source_arn: JSON.stringify(FIFO_QUEUE), batch_size: '11', maximum_batching_window_in_seconds: '0' } }, 'every batch_size must be at most 10 for a FIFO queue (an ARN ending .fifo)'),
  mappingCase(
    { jobs: { event_source_arn: JSON.stringify(FIFO_QUEUE), maximum_batching_window_in_seconds: '1' } },
    'every maximum_batching_window_in_seconds must be 0 for a FIFO queue (an ARN ending .fifo): Lambda allows no batching window on one',
  ),
  mappingCase({ jobs: { maximum_batching_window_in_seconds: '301' } }, 'every maximum_batching_window_in_seconds must be a whole number from 0 to 300 seconds'),
  mappingCase(
    { jobs: { scaling_config: '{ maximum_concurrency = 1 }' } },
    'every scaling_config.maximum_concurrency must be a whole number from 2 to 1000 (concurrent invocations the queue may start)',
  ),
  mappingCase(
    { jobs: { scaling_config: '{ maximum_concurrency = 6 }' } },
    "every scaling_config.maximum_concurrency must not be more than the function's reserved concurrency, when it has one (a reserved concurrency of 0 or more)",
    { alongside: { reserved_concurrent_executions: '5' }, readsOtherVariables: true },
  ),
  mappingCase(
    { jobs: { function_response_types: '["ReportBatchItemFailure"]' } },
    'every function_response_types item must be one of the supported function response types: ReportBatchItemFailures',
  ),
  mappingCase(
    { jobs: { filter_criteria: `[${[0, 1, 2, 3, 4, 5].map(pattern).join(', ')}]` } },
    'every filter_criteria must have at most 5 filter patterns (the Lambda limit per event source)',
  ),
  mappingCase({ jobs: { filter_criteria: '[{ pattern = "[\\"order\\"]" }]' } }, 'every filter_criteria pattern must be a JSON object, such as {"body":{"type":["order"]}}'),
  mappingCase(
    { jobs: { event_source_arn: '"arn:aws:sqs:us-east-1:111111111111:bookshelf-jobs"' } },
    `every event_source_arn ${IN_REGION}`,
    { readsOtherVariables: true },
  ),
  mappingCase(
    { jobs: { queue_kms_key_arn: '"arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"' } },
    `every queue_kms_key_arn ${IN_REGION}`,
    { readsOtherVariables: true },
  ),
  mappingCase(
    { jobs: { queue_kms_key_arn: '"arn:aws:kms:us-west-2:111111111111:alias/bookshelf"' } },
    'every queue_kms_key_arn must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)',
  ),
];
