import { EVENT_SOURCE_CASES } from './event-source-bad-inputs';

/**
 * Bad inputs for every validation of the generated modules, with the message Terraform must
 * print: the same field, value and rule as the synth-time checks.
 */
export interface BadInput {
  readonly module: 'lambda-layer' | 'lambda' | 'cleanup-lambda';
  readonly variable: string;
  /** HCL literal of the bad value. */
  readonly value: string;
  readonly message: string;
  /**
   * The validation also reads another variable. Terraform evaluates such validations later in a
   * plan, after other variables' errors have stopped it, so these cases need a plan of their own.
   */
  readonly readsOtherVariables?: boolean;
  /** Other inputs the case needs, each valid on its own (the runtime a SnapStart case is refused on). */
  readonly alongside?: Readonly<Record<string, string>>;
}

/** Values every case of a module starts from; each case replaces one of them. */
export const VALID_INPUTS: Record<BadInput['module'], Record<string, string>> = {
  'lambda-layer': { layer_name: '"bookshelf-deps"', s3_bucket: '"bookshelf-artifacts"', s3_key: '"lambda/layer.zip"' },
  lambda: { function_name: '"bookshelf-api"', handler: '"app.main.handler"' },
  'cleanup-lambda': {
    function_name: '"bookshelf-cleanup"',
    handler: '"lambdas.cleanup.handler.handler"',
    bucket_name: '"bookshelf-images"',
    prefix: '"books/"',
  },
};

/** The region the mocked provider deploys to: every ARN of a valid input is in it. */
export const MODULE_TEST_REGION = 'us-west-2';
/** The rule on ARNs of regional resources, in the words synth uses (__tests__/environment-checks.test.ts). */
const IN_REGION = "must be in the environment's region: AWS refuses an event source queue, KMS key, failure destination or alarm topic of another region";

const long = (n: number) => `"${'x'.repeat(n)}"`;
const layerArn = (n: number) => `"arn:aws:lambda:us-west-2:111111111111:layer:extra-${n}:1"`;
const bigEnvironment = `{ BIG = "${'x'.repeat(4094)}" }`;

/** An allowed_triggers map as Terraform's jsonencode writes it: every attribute, sorted, the defaults filled in. */
function trigger(name: string, given: Record<string, string>): string {
  const attributes = ['action', 'principal', 'principal_org_id', 'service', 'source_account', 'source_arn', 'statement_id'];
  const filled = Object.fromEntries(attributes.map((a) => [a, given[a] ?? (a === 'action' ? 'lambda:InvokeFunction' : null)]));
  return JSON.stringify({ [name]: filled });
}

const FUNCTION_CASES: Omit<BadInput, 'module'>[] = [
  { variable: 'function_name', value: '"bookshelf api"', message: 'function_name = "bookshelf api": must be 1 to 64 characters, each a letter, digit, hyphen or underscore.' },
  { variable: 'role_name', value: '"bookshelf api role"', message: 'role_name = "bookshelf api role": must be 1 to 64 characters, each a letter, digit or one of + = , . @ _ -.' },
  { variable: 'handler', value: '"app/main"', message: 'handler = "app/main": must be <module path>.<function name>, such as app.main.handler or src/index.handler.' },
  { variable: 'handler', value: `"a.${'b'.repeat(127)}"`, message: `handler = "a.${'b'.repeat(127)}": must be at most 128 characters long.` },
  { variable: 'runtime', value: '"python2.7"', message: 'runtime = "python2.7": must be one of the supported runtimes: python3.9, python3.10, python3.11, python3.12, python3.13, nodejs18.x, nodejs20.x, nodejs22.x.' },
  { variable: 'description', value: long(257), message: `description = ${long(257)}: must be at most 256 characters long.` },
  { variable: 'memory_size', value: '64', message: 'memory_size = 64: must be a whole number from 128 to 10240 MB.' },
  { variable: 'memory_size', value: '512.5', message: 'memory_size = 512.5: must be a whole number from 128 to 10240 MB.' },
  { variable: 'timeout', value: '901', message: 'timeout = 901: must be a whole number from 1 to 900 seconds.' },
  { variable: 'architectures', value: '["x86_64", "arm64"]', message: 'architectures = ["x86_64","arm64"]: must have exactly 1 architecture.' },
  { variable: 'architectures', value: '["sparc"]', message: 'architectures = ["sparc"]: every item must be one of the supported architectures: x86_64, arm64.' },
  {
    variable: 'layers',
    value: `[${[1, 2, 3, 4, 5, 6].map(layerArn).join(', ')}]`,
    message: `layers = [${[1, 2, 3, 4, 5, 6].map(layerArn).join(',')}]: must have at most 5 layers (the Lambda limit per function).`,
  },
  { variable: 'layers', value: '["bookshelf-deps"]', message: 'layers = ["bookshelf-deps"]: every item must be a layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>.' },
  { variable: 'environment_variables', value: '{ "LOG-LEVEL" = "INFO" }', message: 'environment_variables = {"LOG-LEVEL":"INFO"}: every name must start with a letter and contain only letters, digits and underscores.' },
  {
    variable: 'environment_variables',
    value: '{ AWS_REGION = "us-east-1" }',
    message:
      'environment_variables = {"AWS_REGION":"us-east-1"}: no name may be one Lambda reserves (_HANDLER, _X_AMZN_TRACE_ID, AWS_DEFAULT_REGION, AWS_REGION, AWS_EXECUTION_ENV, AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_INITIALIZATION_TYPE, AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, AWS_ACCESS_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR).',
  },
  {
    variable: 'environment_variables',
    value: bigEnvironment,
    message: `environment_variables = {"BIG":"${'x'.repeat(4094)}"}: names and values together must be at most 4096 bytes (the Lambda limit).`,
  },
  { variable: 'reserved_concurrent_executions', value: '-2', message: 'reserved_concurrent_executions = -2: must be a whole number of at least -1 (-1 means unreserved, 0 stops the function).' },
  { variable: 'tracing_mode', value: '"On"', message: 'tracing_mode = "On": must be one of the supported tracing modes: PassThrough, Active.' },
  {
    variable: 'cloudwatch_logs_retention_in_days',
    value: '31',
    message:
      'cloudwatch_logs_retention_in_days = 31: must be one of the supported CloudWatch Logs retention periods (days): 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.',
  },
  {
    variable: 'policy_statements',
    value: '{ Read = { actions = ["s3:Get*"], resources = ["arn:aws:s3:::bucket/*"] } }',
    message:
      'policy_statements = {"Read":{"actions":["s3:Get*"],"conditions":{},"effect":"Allow","resources":["arn:aws:s3:::bucket/*"]}}: wildcard actions are not allowed; name each action exactly.',
  },
  {
    variable: 'policy_statements',
    value: '{ Read = { actions = ["s3:GetObject"], resources = ["*"] } }',
    message:
      'policy_statements = {"Read":{"actions":["s3:GetObject"],"conditions":{},"effect":"Allow","resources":["*"]}}: "*" is only allowed for actions without resource-level permissions.',
  },
  {
    variable: 'policy_statements',
    value: '{ Read = { effect = "Maybe", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::bucket/*"] } }',
    message:
      'policy_statements = {"Read":{"actions":["s3:GetObject"],"conditions":{},"effect":"Maybe","resources":["arn:aws:s3:::bucket/*"]}}: every effect must be Allow or Deny.',
  },
  {
    variable: 'policy_statements',
    value: '{ "read-config" = { actions = ["ssm:GetParameter"], resources = ["arn:aws:ssm:us-west-2:111111111111:parameter/app"] } }',
    message:
      'policy_statements = {"read-config":{"actions":["ssm:GetParameter"],"conditions":{},"effect":"Allow","resources":["arn:aws:ssm:us-west-2:111111111111:parameter/app"]}}: every name must be letters and digits only (an IAM statement Sid).',
  },
  {
    variable: 'policy_statements',
    value: '{ ReadConfig = { actions = ["ssm:GetParameter"], resources = ["arn:aws:ssm:us-west-2:111111111111:parameter/app"] } }',
    message:
      'policy_statements = {"ReadConfig":{"actions":["ssm:GetParameter"],"conditions":{},"effect":"Allow","resources":["arn:aws:ssm:us-west-2:111111111111:parameter/app"]}}: statements are only attached with attach_policy_statements = true.',
    readsOtherVariables: true,
  },
  { variable: 'alias_name', value: '"42"', message: 'alias_name = "42": must be 1 to 128 letters, digits, hyphens and underscores, not all digits (an all-digit name reads as a version).' },
  { variable: 'alias_name', value: long(129), message: `alias_name = ${long(129)}: must be at most 128 characters long.` },
  { variable: 'alarms', value: '["bookshelf-api-latency", ""]', message: 'alarms = ["bookshelf-api-latency",""]: every item must be a CloudWatch alarm name: 1 to 255 printable characters.' },
  {
    variable: 'provisioned_concurrent_executions',
    value: '0',
    message: 'provisioned_concurrent_executions = 0: must be a whole number of at least 1 (instances kept initialised on the alias).',
  },
  {
    variable: 'provisioned_concurrent_executions',
    value: '3',
    alongside: { reserved_concurrent_executions: '2' },
    message: 'provisioned_concurrent_executions = 3: must not be more than the reserved concurrency of the function, when that is set (0 or more).',
    readsOtherVariables: true,
  },
  {
    variable: 'snap_start',
    value: 'true',
    alongside: { runtime: '"python3.11"' },
    message: 'snap_start = true: SnapStart needs one of the runtimes that support it: python3.12, python3.13 (Python 3.12 and later).',
    readsOtherVariables: true,
  },
  {
    variable: 'snap_start',
    value: 'true',
    alongside: { provisioned_concurrent_executions: '1' },
    message: 'snap_start = true: SnapStart cannot be used together with provisioned concurrency: choose one.',
    readsOtherVariables: true,
  },
  { variable: 'vpc_subnet_ids', value: '[]', alongside: { vpc_security_group_ids: '["sg-0123456789abcdef0"]' }, message: 'vpc_subnet_ids = []: must have 1 to 16 subnet ids.' },
  {
    variable: 'vpc_subnet_ids',
    value: '["subnet-12345"]',
    alongside: { vpc_security_group_ids: '["sg-0123456789abcdef0"]' },
    message: 'vpc_subnet_ids = ["subnet-12345"]: every item must be a subnet id: subnet- and 8 to 17 hexadecimal digits, such as subnet-0123456789abcdef0.',
  },
  {
    variable: 'vpc_subnet_ids',
    value: '["subnet-0123456789abcdef0"]',
    message: 'vpc_subnet_ids = ["subnet-0123456789abcdef0"]: subnets and security groups go together: give both, or neither.',
    readsOtherVariables: true,
  },
  {
    variable: 'vpc_subnet_ids',
    value: 'null',
    alongside: { vpc_security_group_ids: '["sg-0123456789abcdef0"]' },
    message: 'vpc_subnet_ids = null: subnets and security groups go together: give both, or neither.',
    readsOtherVariables: true,
  },
  { variable: 'vpc_security_group_ids', value: '[]', alongside: { vpc_subnet_ids: '["subnet-0123456789abcdef0"]' }, message: 'vpc_security_group_ids = []: must have 1 to 5 security group ids.' },
  {
    variable: 'vpc_security_group_ids',
    value: '["default"]',
    alongside: { vpc_subnet_ids: '["subnet-0123456789abcdef0"]' },
    message: 'vpc_security_group_ids = ["default"]: every item must be a security group id: sg- and 8 to 17 hexadecimal digits, such as sg-0123456789abcdef0.',
  },
  { variable: 'logging_log_format', value: '"json"', message: 'logging_log_format = "json": must be one of the supported log formats: JSON, Text.' },
  {
    variable: 'logging_application_log_level',
    value: '"VERBOSE"',
    message: 'logging_application_log_level = "VERBOSE": must be one of the supported application log levels: TRACE, DEBUG, INFO, WARN, ERROR, FATAL.',
  },
  {
    variable: 'logging_application_log_level',
    value: '"DEBUG"',
    alongside: { logging_log_format: '"Text"' },
    message: 'logging_application_log_level = "DEBUG": log levels only apply to the JSON log format: leave the level out, or use JSON.',
    readsOtherVariables: true,
  },
  { variable: 'logging_system_log_level', value: '"ERROR"', message: 'logging_system_log_level = "ERROR": must be one of the supported system log levels: DEBUG, INFO, WARN.' },
  {
    variable: 'logging_system_log_level',
    value: '"WARN"',
    alongside: { logging_log_format: '"Text"' },
    message: 'logging_system_log_level = "WARN": log levels only apply to the JSON log format: leave the level out, or use JSON.',
    readsOtherVariables: true,
  },
  {
    variable: 'kms_key_arn',
    value: '"arn:aws:kms:us-west-2:111111111111:alias/lambda"',
    message: 'kms_key_arn = "arn:aws:kms:us-west-2:111111111111:alias/lambda": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias).',
  },
  {
    variable: 'cloudwatch_logs_kms_key_id',
    value: '"0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"',
    message: 'cloudwatch_logs_kms_key_id = "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e": must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias).',
  },
  {
    variable: 'kms_key_arn',
    value: '"arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"',
    message: `kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e": ${IN_REGION}.`,
    readsOtherVariables: true,
  },
  {
    variable: 'cloudwatch_logs_kms_key_id',
    value: '"arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"',
    message: `cloudwatch_logs_kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e": ${IN_REGION}.`,
    readsOtherVariables: true,
  },
  { variable: 'ephemeral_storage_size', value: '256', message: 'ephemeral_storage_size = 256: must be a whole number from 512 to 10240 MB.' },
  { variable: 'ephemeral_storage_size', value: '10241', message: 'ephemeral_storage_size = 10241: must be a whole number from 512 to 10240 MB.' },
  {
    variable: 'alarm_topic_arn',
    value: '"arn:aws:sns:us-west-2:111111111111:bookshelf-ops.fifo"',
    message: 'alarm_topic_arn = "arn:aws:sns:us-west-2:111111111111:bookshelf-ops.fifo": must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<account>:<name>.',
  },
  {
    variable: 'alarm_topic_arn',
    value: '"arn:aws:sqs:us-west-2:111111111111:bookshelf-ops"',
    message: 'alarm_topic_arn = "arn:aws:sqs:us-west-2:111111111111:bookshelf-ops": must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<account>:<name>.',
  },
  {
    variable: 'alarm_topic_arn',
    value: '"arn:aws:sns:us-east-1:111111111111:bookshelf-ops"',
    message: `alarm_topic_arn = "arn:aws:sns:us-east-1:111111111111:bookshelf-ops": ${IN_REGION}.`,
    readsOtherVariables: true,
  },
  {
    variable: 'lambda_invoke_arns',
    value: '["arn:aws:lambda:us-west-2:111111111111:scraper"]',
    message: 'lambda_invoke_arns = ["arn:aws:lambda:us-west-2:111111111111:scraper"]: every item must be a function ARN: arn:aws:lambda:<region>:<account>:function:<name>.',
  },
  { variable: 'authorization_type', value: '"OPEN"', message: 'authorization_type = "OPEN": must be one of the supported function URL auth types: AWS_IAM, NONE.' },
  {
    variable: 'authorization_type',
    value: '"NONE"',
    alongside: { create_lambda_function_url: 'true' },
    message:
      'authorization_type = "NONE": authType NONE opens the function to anyone on the internet: set public: true to say so (lambda module: lambda_function_url_public = true).',
    readsOtherVariables: true,
  },
  {
    variable: 'authorization_type',
    value: '"AWS_IAM"',
    alongside: { create_lambda_function_url: 'true', lambda_function_url_public: 'true' },
    message:
      'authorization_type = "AWS_IAM": public: true contradicts authType AWS_IAM, which lets only signed requests in: set authType NONE, or drop public (lambda module: authorization_type, lambda_function_url_public).',
    readsOtherVariables: true,
  },
  {
    variable: 'cors',
    value: '{ allow_origins = ["https://shop.example.com"], max_age = 86401 }',
    message:
      'cors = {"allow_credentials":false,"allow_headers":null,"allow_methods":["*"],"allow_origins":["https://shop.example.com"],"expose_headers":null,"max_age":86401}: max_age must be a whole number from 0 to 86400 seconds.',
  },
  {
    variable: 'cors',
    value: '{ allow_origins = ["*"], allow_credentials = true }',
    message:
      'cors = {"allow_credentials":true,"allow_headers":null,"allow_methods":["*"],"allow_origins":["*"],"expose_headers":null,"max_age":0}: credentials cannot be allowed for the origin "*" (browsers refuse them): name the origins instead.',
  },
  {
    variable: 'allowed_triggers',
    value: '{ "nightly run" = { service = "events" } }',
    message: `allowed_triggers = ${trigger('nightly run', { service: 'events' })}: every name must be 1 to 100 letters, digits, hyphens and underscores (a Lambda permission statement id).`,
  },
  {
    variable: 'allowed_triggers',
    value: '{ Nightly = { service = "events", principal = "events.amazonaws.com" } }',
    message: `allowed_triggers = ${trigger('Nightly', { service: 'events', principal: 'events.amazonaws.com' })}: every trigger must name either its principal or its service, one of the two.`,
  },
  {
    variable: 'allowed_triggers',
    value: '{ Anyone = { principal = "*" } }',
    message: `allowed_triggers = ${trigger('Anyone', { principal: '*' })}: every trigger's principal "*" lets anyone invoke the function: scope it with source_arn, source_account or principal_org_id (a public URL is a function URL with authorization NONE).`,
  },
  {
    variable: 'allowed_triggers',
    value: '{ Nightly = { service = "events", action = "lambda:*" } }',
    message: `allowed_triggers = ${trigger('Nightly', { service: 'events', action: 'lambda:*' })}: every action must be one of the supported trigger actions (function URLs have their own settings): lambda:InvokeFunction.`,
  },
  {
    variable: 'allowed_triggers',
    value: '{ Partner = { principal = "222222222222", source_account = "2222" } }',
    message: `allowed_triggers = ${trigger('Partner', { principal: '222222222222', source_account: '2222' })}: every source_account must be a 12-digit AWS account id.`,
  },
  {
    variable: 'allowed_triggers',
    value: '{ Nightly = { service = "events", statement_id = "nightly run" } }',
    message: `allowed_triggers = ${trigger('Nightly', { service: 'events', statement_id: 'nightly run' })}: every statement_id must be 1 to 100 letters, digits, hyphens and underscores (a Lambda permission statement id).`,
  },
];

/** Cases of the asynchronous invocation variables (module-export/async-invoke-variables.ts). */
const ASYNC_INVOKE_CASES: Omit<BadInput, 'module'>[] = [
  {
    variable: 'maximum_retry_attempts',
    value: '3',
    message: 'maximum_retry_attempts = 3: must be a whole number from 0 to 2 (retries of a failed asynchronous invocation).',
  },
  { variable: 'maximum_event_age_in_seconds', value: '59', message: 'maximum_event_age_in_seconds = 59: must be a whole number from 60 to 21600 seconds.' },
  { variable: 'maximum_event_age_in_seconds', value: '21601', message: 'maximum_event_age_in_seconds = 21601: must be a whole number from 60 to 21600 seconds.' },
  {
    variable: 'destination_on_failure',
    value: '"arn:aws:sqs:us-west-2:111111111111:failures.fifo"',
    alongside: { create_async_event_config: 'true' },
    message:
      'destination_on_failure = "arn:aws:sqs:us-west-2:111111111111:failures.fifo": must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>) or an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), not FIFO.',
  },
  {
    variable: 'destination_on_failure',
    value: '"arn:aws:sns:eu-central-1:111111111111:failures"',
    alongside: { create_async_event_config: 'true' },
    message: `destination_on_failure = "arn:aws:sns:eu-central-1:111111111111:failures": ${IN_REGION}.`,
    readsOtherVariables: true,
  },
  {
    variable: 'destination_on_failure',
    value: '"arn:aws:sqs:us-west-2:111111111111:failures"',
    message: 'destination_on_failure = "arn:aws:sqs:us-west-2:111111111111:failures": is only used with create_async_event_config = true.',
    readsOtherVariables: true,
  },
];

export const BAD_INPUTS: readonly BadInput[] = [
  ...ASYNC_INVOKE_CASES.map((c) => ({ ...c, module: 'lambda' as const })),
  ...ASYNC_INVOKE_CASES.filter((c) => c.variable === 'maximum_retry_attempts').map((c) => ({ ...c, module: 'cleanup-lambda' as const })),
  ...FUNCTION_CASES.map((c) => ({ ...c, module: 'lambda' as const })),
  ...EVENT_SOURCE_CASES.map((c) => ({ ...c, module: 'lambda' as const })),
  ...FUNCTION_CASES.filter((c) => ['memory_size', 'alias_name', 'vpc_subnet_ids', 'logging_application_log_level', 'alarm_topic_arn'].includes(c.variable)).map((c) => ({
    ...c,
    module: 'cleanup-lambda' as const,
  })),
  { module: 'lambda-layer', variable: 'layer_name', value: '"deps:v2"', message: 'layer_name = "deps:v2": must be 1 to 140 characters, each a letter, digit, hyphen or underscore.' },
  { module: 'lambda-layer', variable: 'description', value: long(257), message: `description = ${long(257)}: must be at most 256 characters long.` },
  { module: 'lambda-layer', variable: 'compatible_runtimes', value: '[]', message: 'compatible_runtimes = []: must have 1 to 15 compatible runtimes (the Lambda limit per layer version).' },
  { module: 'lambda-layer', variable: 'compatible_runtimes', value: '["python2.7"]', message: 'compatible_runtimes = ["python2.7"]: every item must be one of the supported runtimes: python3.9, python3.10, python3.11, python3.12, python3.13, nodejs18.x, nodejs20.x, nodejs22.x.' },
  { module: 'lambda-layer', variable: 'compatible_architectures', value: '["sparc"]', message: 'compatible_architectures = ["sparc"]: every item must be one of the supported architectures: x86_64, arm64.' },
  { module: 'lambda-layer', variable: 'license_info', value: long(513), message: `license_info = ${long(513)}: must be at most 512 characters long.` },
  { module: 'lambda-layer', variable: 's3_bucket', value: '"Bad_Bucket"', message: 's3_bucket = "Bad_Bucket": must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.' },
  { module: 'lambda-layer', variable: 's3_key', value: '"/lambda/layer.zip"', message: 's3_key = "/lambda/layer.zip": must be a non-empty S3 object key that does not start with "/".' },
  { module: 'lambda-layer', variable: 's3_key', value: long(1025), message: `s3_key = ${long(1025)}: must be at most 1024 characters long.` },
  { module: 'cleanup-lambda', variable: 'bucket_name', value: '"Images_Bucket"', message: 'bucket_name = "Images_Bucket": must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.' },
  { module: 'cleanup-lambda', variable: 'prefix', value: '""', message: 'prefix = "": must not be empty: an empty prefix is the whole bucket.' },
  { module: 'cleanup-lambda', variable: 'prefix', value: '"/"', message: 'prefix = "/": must not be "/" alone: name the prefix to clean, such as "books/".' },
  { module: 'cleanup-lambda', variable: 'prefix', value: '"/books/"', message: 'prefix = "/books/": must not start with "/": S3 keys have no leading slash, so nothing would match.' },
  { module: 'cleanup-lambda', variable: 'prefix', value: '"books"', message: 'prefix = "books": must end with "/", or it also matches its neighbours ("books" matches "books-archive/").' },
  { module: 'cleanup-lambda', variable: 'prefix', value: '"books/*/"', message: 'prefix = "books/*/": must not contain wildcards (* or ?): IAM would read them as patterns.' },
  { module: 'cleanup-lambda', variable: 'prefix', value: `"${'p/'.repeat(513)}"`, message: `prefix = "${'p/'.repeat(513)}": must be at most 1024 characters long, like any S3 key.` },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"every day"',
    message: 'schedule = "every day": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"at(2026-12-01 09:00)"',
    message: 'schedule = "at(2026-12-01 09:00)": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"cron(0 3 * * * *)"',
    message: 'schedule = "cron(0 3 * * * *)": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"cron(0 3 ? * ? *)"',
    message: 'schedule = "cron(0 3 ? * ? *)": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"at(2026-13-01T09:00:00)"',
    message: 'schedule = "at(2026-13-01T09:00:00)": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
  {
    module: 'cleanup-lambda',
    variable: 'schedule',
    value: '"at(2026-12-01T24:00:00)"',
    message: 'schedule = "at(2026-12-01T24:00:00)": must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59.',
  },
];

/** HCL for the inputs of one case: the valid ones, with the case's variable replaced. */
export function caseInputs(input: BadInput): Record<string, string> {
  const inputs = { ...VALID_INPUTS[input.module], ...input.alongside, [input.variable]: input.value };
  // Statements are only attached on request; every statement case but that one asks for it.
  if (input.variable === 'policy_statements' && !input.readsOtherVariables) {
    inputs.attach_policy_statements = 'true';
  }
  return inputs;
}

/** The module call that holds a case: `case_<its index in BAD_INPUTS>`. */
export function caseName(input: BadInput): string {
  return `case_${BAD_INPUTS.indexOf(input)}`;
}

/**
 * Every case as `terraform test` files for a directory's `tests/`: root modules that call a
 * generated module once per case, each call with one bad input, and a suite that plans each root
 * with the mocked provider. One plan reports every case's message at the case's own module call.
 * Cases whose validation reads another variable get a root of their own: Terraform evaluates
 * those later in a plan, after the other variables' errors have stopped it.
 *
 * @param generatedFromCases the generated modules' directory, relative to `tests/<root>/`
 * @returns file contents by path relative to `tests/`
 */
export function badInputSuites(generatedFromCases: string): Record<string, string> {
  const groups = [BAD_INPUTS.filter((c) => !c.readsOtherVariables), BAD_INPUTS.filter((c) => c.readsOtherVariables)];
  const files: Record<string, string> = {};
  groups.forEach((cases, i) => {
    files[`bad-inputs-${i}/main.tf`] = cases
      .map((input) => {
        const inputs = Object.entries(caseInputs(input)).map(([name, value]) => `  ${name} = ${value}`);
        return [`module "${caseName(input)}" {`, `  source = "${generatedFromCases}/${input.module}"`, ...inputs, '}'].join('\n');
      })
      .join('\n\n');
    files[`bad-inputs-${i}.tftest.hcl`] = `# The region ARNs must be in: that of every valid input.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "${MODULE_TEST_REGION}" }
  }
}

run "every_case" {
  command = plan
  # The mocked provider, not the configuration of the root under test (which wants credentials).
  providers = {
    aws = aws
  }
  module {
    source = "./tests/bad-inputs-${i}"
  }
}
`;
  });
  return files;
}
