import { Token, Tokenization } from './framework';
import { Problem, problem } from './problems';
import { REGION_NAMES } from './regions';

/**
 * Input rules, kept as data rather than code so one definition can both check values at synth
 * time and (for the generated Terraform modules) be rendered as variable validations.
 * Patterns are written in the syntax common to JavaScript and Terraform's RE2.
 */
export type RuleBody =
  | { readonly kind: 'range'; readonly min: number; readonly max?: number; readonly unit?: string }
  | { readonly kind: 'pattern'; readonly pattern: string; readonly text: string }
  | { readonly kind: 'oneOf'; readonly values: readonly (string | number)[]; readonly what: string }
  | { readonly kind: 'maxLength'; readonly max: number }
  | { readonly kind: 'items'; readonly min?: number; readonly max: number; readonly what: string };

/** A rule with its stable problem code (see {@link Problem}). */
export type Rule = RuleBody & { readonly code: string };

/**
 * A table of rules, each given the code of its key in kebab case (`memorySize` → `memory-size`),
 * with `prefix` in front when given: the code stays stable as long as the key does.
 */
export function ruleTable<const T extends Record<string, RuleBody>>(table: T, prefix = ''): WithCodes<T> {
  const entries: [string, unknown][] = Object.entries(table).map(([key, body]) => [
    key,
    { ...body, code: `${prefix}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` },
  ]);
  return Object.fromEntries(entries) as WithCodes<T>;
}

type WithCodes<T> = { readonly [K in keyof T]: T[K] & { readonly code: string } };

/** The rule in words, as it appears in error messages. */
export function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'range':
      return rule.max === undefined
        ? `must be a whole number of at least ${rule.min}${rule.unit ? ` ${rule.unit}` : ''}`
        : `must be a whole number from ${rule.min} to ${rule.max}${rule.unit ? ` ${rule.unit}` : ''}`;
    case 'pattern':
      return rule.text;
    case 'oneOf':
      return `must be one of the supported ${rule.what}: ${rule.values.join(', ')}`;
    case 'maxLength':
      return `must be at most ${rule.max} characters long`;
    case 'items':
      return rule.min === rule.max
        ? `must have exactly ${rule.max} ${rule.what}`
        : `must have ${rule.min ? `${rule.min} to ${rule.max}` : `at most ${rule.max}`} ${rule.what}`;
  }
}

/**
 * Whether a value is only known to Terraform: a reference, or a variable of a generated module.
 * Lists and strings carry tokens inside them; maps and booleans are resolvable objects.
 */
export function isToken(value: unknown): boolean {
  return (
    Token.isUnresolved(value) ||
    Tokenization.isResolvable(value) ||
    // an element of a list only Terraform knows is a list marker, recognised only inside a list
    (typeof value === 'string' && Token.isUnresolved([value]))
  );
}

/** Whether a value satisfies a rule. Values only Terraform knows pass; Terraform checks them itself. */
export function satisfies(rule: Rule, value: unknown): boolean {
  if (isToken(value)) return true;
  switch (rule.kind) {
    case 'range':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= rule.min &&
        (rule.max === undefined || value <= rule.max)
      );
    case 'pattern':
      return typeof value === 'string' && new RegExp(rule.pattern).test(value);
    case 'oneOf':
      return (rule.values as readonly unknown[]).includes(value);
    case 'maxLength':
      return typeof value === 'string' && value.length <= rule.max;
    case 'items':
      return Array.isArray(value) && value.length >= (rule.min ?? 0) && value.length <= rule.max;
  }
}

/** Checks a value against rules; returns a problem for each rule it breaks. */
export function check(field: string, value: unknown, ...rules: Rule[]): Problem[] {
  return rules.filter((rule) => !satisfies(rule, value)).map((rule) => problem(rule.code, field, value, describeRule(rule)));
}

/** Runtimes the constructs can create a placeholder package for and the AWS provider accepts. */
export const SUPPORTED_RUNTIMES = [
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
] as const;
export type Runtime = (typeof SUPPORTED_RUNTIMES)[number];

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const TRACING_MODES = ['PassThrough', 'Active'] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

/** Log formats of Lambda's `logging_config`. */
export const LOG_FORMATS = ['JSON', 'Text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Levels of the handler's own log lines Lambda can filter on (JSON format only). */
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type ApplicationLogLevel = (typeof APPLICATION_LOG_LEVELS)[number];

/** Levels of Lambda's own log lines (JSON format only). */
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
export type SystemLogLevel = (typeof SYSTEM_LOG_LEVELS)[number];

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const LIMITS = {
  maxLayersPerFunction: 5,
  /** Total size of all environment variable keys and values. */
  maxEnvironmentBytes: 4096,
  maxCompatibleRuntimes: 15,
} as const;

export const RULES = ruleTable({
  memorySize: { kind: 'range', min: 128, max: 10240, unit: 'MB' },
  timeout: { kind: 'range', min: 1, max: 900, unit: 'seconds' },
  reservedConcurrentExecutions: {
    kind: 'range',
    min: -1,
    unit: '(-1 means unreserved, 0 stops the function)',
  },
  functionName: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    text: 'must be 1 to 64 characters, each a letter, digit, hyphen or underscore',
  },
  layerName: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9_-]{1,140}$',
    text: 'must be 1 to 140 characters, each a letter, digit, hyphen or underscore',
  },
  handler: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*([./][A-Za-z0-9_][A-Za-z0-9_-]*)*\\.[A-Za-z_$][A-Za-z0-9_$]*$',
    text: 'must be <module path>.<function name>, such as app.main.handler or src/index.handler',
  },
  handlerLength: { kind: 'maxLength', max: 128 },
  pythonHandler: {
    kind: 'pattern',
    pattern: '^[A-Za-z_][A-Za-z0-9_]*([./][A-Za-z_][A-Za-z0-9_]*)*\\.[A-Za-z_][A-Za-z0-9_]*$',
    text: 'must be <module>.<function> made of Python identifiers, such as app.main.handler',
  },
  layerVersionArn: {
    kind: 'pattern',
    pattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]{1,140}:[0-9]+$',
    text: 'must be a layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>',
  },
  functionArn: {
    kind: 'pattern',
    pattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$',
    text: 'must be a function ARN: arn:aws:lambda:<region>:<account>:function:<name>',
  },
  runtime: { kind: 'oneOf', values: SUPPORTED_RUNTIMES, what: 'runtimes' },
  architecture: { kind: 'oneOf', values: ARCHITECTURES, what: 'architectures' },
  tracingMode: { kind: 'oneOf', values: TRACING_MODES, what: 'tracing modes' },
  logFormat: { kind: 'oneOf', values: LOG_FORMATS, what: 'log formats' },
  applicationLogLevel: { kind: 'oneOf', values: APPLICATION_LOG_LEVELS, what: 'application log levels' },
  systemLogLevel: { kind: 'oneOf', values: SYSTEM_LOG_LEVELS, what: 'system log levels' },
  logRetentionDays: { kind: 'oneOf', values: LOG_RETENTION_DAYS, what: 'CloudWatch Logs retention periods (days)' },
  layers: { kind: 'items', max: LIMITS.maxLayersPerFunction, what: 'layers (the Lambda limit per function)' },
  architectures: { kind: 'items', min: 1, max: 1, what: 'architecture' },
  compatibleRuntimes: {
    kind: 'items',
    max: LIMITS.maxCompatibleRuntimes,
    what: 'compatible runtimes (the Lambda limit per layer version)',
  },
  environmentVariableName: {
    kind: 'pattern',
    pattern: '^[A-Za-z][A-Za-z0-9_]*$',
    text: 'must start with a letter and contain only letters, digits and underscores',
  },
  functionDescription: { kind: 'maxLength', max: 256 },
  layerDescription: { kind: 'maxLength', max: 256 },
  licenseInfo: { kind: 'maxLength', max: 512 },
  environmentName: {
    kind: 'pattern',
    pattern: '^[a-z][a-z0-9-]{0,31}$',
    text: 'must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter',
  },
  accountId: { kind: 'pattern', pattern: '^[0-9]{12}$', text: 'must be a 12-digit AWS account id' },
  // The real list (core/regions.ts): a well-formed name such as us-wset-2 is no region.
  region: {
    kind: 'pattern',
    pattern: `^(${REGION_NAMES.join('|')})$`,
    text: 'must be an AWS region name such as us-west-2 or eu-central-1 (commercial, China or GovCloud)',
  },
  s3BucketName: {
    kind: 'pattern',
    pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    text: 'must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
  },
  // Two rules, not `^[^/].{0,1023}$`: Terraform's RE2 allows repeat counts up to 1000 only.
  s3Key: { kind: 'pattern', pattern: '^[^/]', text: 'must be a non-empty S3 object key that does not start with "/"' },
  s3KeyLength: { kind: 'maxLength', max: 1024 },
  dynamodbTableName: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9_.-]{3,255}$',
    text: 'must be a DynamoDB table name: 3 to 255 letters, digits, underscores, dots and hyphens',
  },
  kmsKeyId: {
    kind: 'pattern',
    pattern: '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]+))$',
    text: 'must be a KMS key id, key ARN or alias ARN',
  },
  // A key ARN, not an alias: IAM grants act on keys.
  kmsKeyArn: {
    kind: 'pattern',
    pattern: '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$',
    text: 'must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (not an alias)',
  },
  roleName: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9+=,.@_-]{1,64}$',
    text: 'must be 1 to 64 characters, each a letter, digit or one of + = , . @ _ -',
  },
  roleArn: {
    kind: 'pattern',
    pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$',
    text: 'must be an IAM role ARN: arn:aws:iam::<account>:role/<name>',
  },
  tagKey: {
    kind: 'pattern',
    pattern: '^.{1,128}$',
    text: 'must be 1 to 128 characters',
  },
  tagValue: { kind: 'maxLength', max: 256 },
  // Lambda's own pattern: not all digits (that would read as a version number).
  aliasName: {
    kind: 'pattern',
    pattern: '^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$',
    text: 'must be 1 to 128 letters, digits, hyphens and underscores, not all digits (an all-digit name reads as a version)',
  },
  aliasNameLength: { kind: 'maxLength', max: 128 },
  // Lambda's floor; the ceiling is the account's concurrency quota, which only AWS knows.
  provisionedConcurrentExecutions: { kind: 'range', min: 1, unit: '(instances kept initialised on the alias)' },
  alarmName: {
    kind: 'pattern',
    pattern: '^[^\\x00-\\x1f]{1,255}$',
    text: 'must be a CloudWatch alarm name: 1 to 255 printable characters',
  },
  statementId: { kind: 'pattern', pattern: '^[A-Za-z0-9]+$', text: 'must be letters and digits only (an IAM statement Sid)' },
});

/** The runtimes of {@link SUPPORTED_RUNTIMES} that SnapStart supports: Python 3.12 and later. */
export const SNAP_START_RUNTIMES = Object.freeze(['python3.12', 'python3.13'] as const satisfies readonly Runtime[]);

/** A rule between two settings of a function, in words; the field it is reported on is the first of the two. */
export interface FieldPairRule {
  readonly code: string;
  readonly text: string;
}

/**
 * Rules between a function's settings. Synth checks them (modules/lambda-function.ts) and the
 * generated modules state them as validations in Terraform's own functions, with these words.
 */
export const FUNCTION_PAIR_RULES = Object.freeze({
  /** On the SnapStart switch: the runtime must be one SnapStart supports. */
  snapStartRuntime: {
    code: 'snap-start-runtime',
    text: `SnapStart needs one of the runtimes that support it: ${SNAP_START_RUNTIMES.join(', ')} (Python 3.12 and later)`,
  },
  /** On the SnapStart switch: Lambda refuses it on a function with provisioned concurrency. */
  snapStartWithProvisionedConcurrency: {
    code: 'snap-start-with-provisioned-concurrency',
    text: 'SnapStart cannot be used together with provisioned concurrency: choose one',
  },
  /** On provisioned concurrency: it is taken from the reserved concurrency, when that is set. */
  provisionedAboveReserved: {
    code: 'provisioned-above-reserved',
    text: 'must not be more than the reserved concurrency of the function, when that is set (0 or more)',
  },
} as const satisfies Record<string, FieldPairRule>);

/**
 * Environment variable names Lambda reserves for itself; setting one fails at deploy time.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export const RESERVED_ENVIRONMENT_VARIABLES = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

/** Problems with a set of tags. */
export function checkTags(field: string, tags: Readonly<Record<string, string>> | undefined): Problem[] {
  return Object.entries(tags ?? {}).flatMap(([key, value]) => [
    ...check(`${field} key`, key, RULES.tagKey),
    ...check(`${field}[${JSON.stringify(key)}]`, value, RULES.tagValue),
  ]);
}
