import * as z from 'zod/mini';
import type { $ZodLooseShape, SomeType } from 'zod/v4/core';
import { ARN_RULES } from '../core/arn';
import { REGION_NAMES } from '../core/regions';
import {
  APPLICATION_LOG_LEVELS,
  ARCHITECTURES,
  describeRule,
  LOG_FORMATS,
  Rule,
  RULES,
  ruleTable,
  SUPPORTED_RUNTIMES,
  SYSTEM_LOG_LEVELS,
  TRACING_MODES,
} from '../core/rules';
import { follows, SchemaRule, withRule } from '../core/check-schema';

// The environment config is this schema: envs/ write its input type, synth checks every
// environment against it before building anything, so the types and the checks cannot drift.
// It decides the shape (fields, types, enums, required fields, the build kinds) and the values
// the stack is built from (the environment's name and region, the keys of its layers and
// functions, ARN formats); AWS limits stay in the rule table (core/rules.ts), checked by the
// constructs and by stacks/check-environment.ts.

export const ENVIRONMENT_RULES = ruleTable(
  {
    namePrefix: {
      kind: 'pattern',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$',
      text: 'must be 1 to 40 letters, digits, hyphens and underscores, starting with a letter or digit',
    },
    key: {
      kind: 'pattern',
      pattern: '^[a-z][a-z0-9-]{0,39}$',
      text: 'must be 1 to 40 lowercase letters, digits and hyphens, starting with a letter',
    },
  },
  'environment-',
);

const ruleOf = (rule: Rule): SchemaRule => ({ code: rule.code, text: describeRule(rule) });
/** An object with exactly these fields: any other is refused, with the nearest known name. */
const fields = <S extends $ZodLooseShape>(shape: S) => z.readonly(z.strictObject(shape));
const list = <T extends SomeType>(item: T) => z.readonly(z.array(item));
const map = <T extends SomeType>(value: T) => z.readonly(z.record(z.string(), value));
/** Layers or functions by key: the key names their constructs and Terraform resources. */
const byKey = <T extends SomeType>(value: T) => z.readonly(z.record(z.string().check(follows(ENVIRONMENT_RULES.key)), value));
const startsWithArn = (value: string) => value.startsWith('arn:');

const runtime = withRule(z.enum(SUPPORTED_RUNTIMES), ruleOf(RULES.runtime));
const architecture = withRule(z.enum(ARCHITECTURES), ruleOf(RULES.architecture));
const region = withRule(z.enum(REGION_NAMES), ruleOf(RULES.region));
const tags = map(z.string());
const policyResource = z.string().check(follows(ARN_RULES.policyResource));

const policyStatement = fields({
  /** Statement id, shown to reviewers. @default no Sid */
  sid: z.optional(z.string()),
  /** `Allow` or `Deny`, capitalised as IAM writes them. @default 'Allow' */
  effect: z.optional(withRule(z.enum(['Allow', 'Deny']), { code: 'policy-effect', text: 'must be "Allow" or "Deny", capitalised as IAM writes them' })),
  /** Exact action names such as `s3:GetObject`. Wildcards are refused. */
  actions: list(z.string()),
  /**
   * Resource ARNs, in the environment's partition. `"*"` only for actions that support no
   * resource-level permissions. @default none: give `notResources`
   */
  resources: z.optional(list(policyResource)),
  /** Every resource except these ARNs; Deny statements only. @default none: give `resources` */
  notResources: z.optional(list(policyResource)),
  /** IAM condition block: `{ StringLike: { 's3:prefix': ['books/*'] } }`. @default none */
  conditions: z.optional(map(map(z.union([z.string(), list(z.string())])))),
});

const layerBuild = withRule(
  z.union([
    fields({
      /** pip requirements to install, relative to the repository root. */
      requirementsFile: z.string(),
      /** The lock file the requirements come from; its bytes key the build. @default the requirements file */
      lockFile: z.optional(z.string()),
    }),
    fields({
      /** A directory of Python packages to copy under `python/`, such as shared application code. */
      sourceDirectory: z.string(),
    }),
  ]),
  { code: 'layer-build', text: 'must be exactly one kind of build: { requirementsFile, lockFile? } or { sourceDirectory }' },
);

const layerSchema = fields({
  /** Name of the layer, shared by all its versions. @default `<namePrefix>-<key>` */
  layerName: z.optional(z.string()),
  /** Description of the layer version. @default no description */
  description: z.optional(z.string()),
  /** Runtimes the layer works with; functions on other runtimes cannot attach it. @default ['python3.12'] */
  compatibleRuntimes: z.optional(list(runtime)),
  /** Instruction set architectures the layer works with. @default not declared (any) */
  compatibleArchitectures: z.optional(list(architecture)),
  /** License of the layer's contents: an SPDX identifier, a URL or free text. @default none */
  licenseInfo: z.optional(z.string()),
  /** The zip in S3 to create the first version from. @default a placeholder holding an empty `python/` directory */
  source: z.optional(
    fields({
      /** Bucket name. */
      s3Bucket: z.string(),
      /** Object key. */
      s3Key: z.string(),
      /** Object version, for versioned buckets. @default the latest version */
      s3ObjectVersion: z.optional(z.string()),
    }),
  ),
  /** Keep old versions when Terraform replaces this one, so functions using them keep working. @default true */
  skipDestroy: z.optional(z.boolean()),
  /** What CI builds the layer from (see the release command). @default not built by the release command */
  build: z.optional(layerBuild),
});

const cors = fields({
  /** Origins allowed to call, such as `https://app.example.com`; `*` for any. */
  allowOrigins: list(z.string()),
  /** HTTP methods allowed, such as `GET`; `*` for any. @default any method ('*') */
  allowMethods: z.optional(list(z.string())),
  /** Request headers allowed. @default none */
  allowHeaders: z.optional(list(z.string())),
  /** Response headers the browser may read. @default none */
  exposeHeaders: z.optional(list(z.string())),
  /** Allow cookies and credentials (not with the origin `*`). @default false */
  allowCredentials: z.optional(z.boolean()),
  /** Seconds a browser may cache the preflight answer, 0 to 86400. @default 0 */
  maxAge: z.optional(z.int()),
});

const queueSchema = fields({
  /** Name of the queue; its dead-letter queue is `<queueName>-dlq`. @default `<namePrefix>-<key>` */
  queueName: z.optional(z.string()),
  /**
   * Seconds a received message stays invisible to other consumers: at least 6 × the timeout of
   * every function consuming the queue (AWS's advice for Lambda event sources), at most 43200.
   * @default 6 × the longest timeout of its consumers (30 when nothing consumes it)
   */
  visibilityTimeoutSeconds: z.optional(z.int()),
  /** Seconds a message is kept, 60 to 1209600 (14 days). @default 345600 (4 days) */
  messageRetentionSeconds: z.optional(z.int()),
  /** Receives before a message moves to the dead-letter queue, 1 to 1000. @default 5 */
  maxReceiveCount: z.optional(z.int()),
  /** Seconds the dead-letter queue keeps a message, 60 to 1209600. @default 1209600 (14 days, the most SQS keeps) */
  deadLetterRetentionSeconds: z.optional(z.int()),
  /** KMS key ARN encrypting both queues (SSE-KMS); consumers are granted kms:Decrypt on it. @default SQS-managed encryption (SSE-SQS) */
  kmsKeyArn: z.optional(z.string()),
  /** The age-of-oldest-message alarm goes off when a message has waited this many seconds. @default 900 (15 minutes) */
  oldestMessageAlarmSeconds: z.optional(z.int()),
});

const httpApiSchema = fields({
  /** Name of the API; its access logs go to `/aws/apigateway/<apiName>`. @default `<namePrefix>-<key>` */
  apiName: z.optional(z.string()),
  /** Description of the API. @default none */
  description: z.optional(z.string()),
  /**
   * Routes, each to a function of this environment (its alias): `'GET /books': 'api'`,
   * `'ANY /{proxy+}': 'api'`, `'$default': 'api'`.
   */
  routes: map(z.string()),
  /** Requests per second the stage allows, on average, above 0; with `throttlingBurstLimit`. @default the account's limit (no stage limit) */
  throttlingRateLimit: z.optional(z.number()),
  /** Requests the stage allows in a burst, at least 1; with `throttlingRateLimit`. @default the account's limit (no stage limit) */
  throttlingBurstLimit: z.optional(z.int()),
  /** Days to keep the stage's access logs. @default 30 */
  accessLogRetentionInDays: z.optional(z.int()),
  /** A JWT authorizer on every route (such as Cognito or Auth0). @default no authorizer: every route is open */
  jwtAuthorizer: z.optional(
    fields({
      /** The token issuer, an https:// URL. */
      issuer: z.string(),
      /** Audiences a token must name one of (the client ids). At least one. */
      audience: list(z.string()),
      /** Where the token is read from. @default '$request.header.Authorization' */
      identitySource: z.optional(z.string()),
    }),
  ),
  /** CORS of the API. @default no CORS headers */
  cors: z.optional(cors),
});

const eventSourceSchema = fields({
  /** The queue to consume: the key of one of this environment's `queues`, or the ARN of a queue managed elsewhere. */
  queue: z.string(),
  /** Messages per invocation: 1 to 10, up to 10000 with a batching window. @default 10 */
  batchSize: z.optional(z.int()),
  /** Seconds to gather a batch, 0 to 300. @default 0 */
  maximumBatchingWindowInSeconds: z.optional(z.int()),
  /** Most concurrent invocations this queue may start, 2 to 1000, not above the function's reserved concurrency. @default Lambda's own scaling */
  maximumConcurrency: z.optional(z.int()),
  /** The handler reports the failed messages of a batch, so only those are retried. @default true */
  reportBatchItemFailures: z.optional(z.boolean()),
  /** Event filter patterns (JSON), at most 5: only matching messages invoke the function, the others are deleted. @default every message */
  filterPatterns: z.optional(list(z.string())),
  /** Whether the mapping polls. @default true */
  enabled: z.optional(z.boolean()),
  /** For a queue ARN encrypted with a KMS key: that key, granted kms:Decrypt. @default the queue is not KMS-encrypted */
  kmsKeyArn: z.optional(z.string()),
});

const scheduleSchema = fields({
  /** `rate(1 day)`, `cron(0 3 * * ? *)` or `at(2026-12-01T09:00:00)`. */
  expression: z.string(),
  /** IANA time zone the expression is read in, such as `Europe/Berlin`. @default 'UTC' */
  timezone: z.optional(z.string()),
  /** Description of the schedule. @default "Runs <functionName> on <expression>" */
  description: z.optional(z.string()),
  /** The event the function receives, as JSON. @default {} */
  input: z.optional(z.string()),
  /** Whether the schedule runs. @default true */
  enabled: z.optional(z.boolean()),
  /** Retries when the scheduler cannot invoke, 0 to 185. @default 185 */
  maximumRetryAttempts: z.optional(z.int()),
  /** Seconds the scheduler keeps trying, 60 to 86400. @default 86400 */
  maximumEventAgeInSeconds: z.optional(z.int()),
});

const asyncInvokeSchema = fields({
  /** Retries of a failed asynchronous invocation, 0 to 2. @default 2 */
  maximumRetryAttempts: z.optional(z.int()),
  /** Seconds an event may wait to be processed, 60 to 21600. @default 21600 (6 hours) */
  maximumEventAgeInSeconds: z.optional(z.int()),
  /**
   * Where failed events go: the key of one of this environment's `queues` (one no function consumes:
   * a worker would read Lambda's failure records as jobs), or an SQS queue or SNS topic ARN (not
   * KMS-encrypted: the role is granted no key for it). The role may send there and nowhere else.
   * @default a queue created for the function, `<functionName>-failures`
   */
  onFailure: z.optional(z.string()),
});

const loggingSchema = fields({
  /** `JSON` (structured) or `Text`. @default 'JSON' */
  format: z.optional(withRule(z.enum(LOG_FORMATS), ruleOf(RULES.logFormat))),
  /** Least level of the handler's own log lines that is kept (JSON only). @default Lambda's: INFO */
  applicationLogLevel: z.optional(withRule(z.enum(APPLICATION_LOG_LEVELS), ruleOf(RULES.applicationLogLevel))),
  /** Least level of Lambda's own log lines (START, END, REPORT) that is kept (JSON only). @default Lambda's: INFO */
  systemLogLevel: z.optional(withRule(z.enum(SYSTEM_LOG_LEVELS), ruleOf(RULES.systemLogLevel))),
});

const cleanupSchema = fields({
  /** Name of the bucket to clean. */
  bucketName: z.string(),
  /** The only key prefix the function may list and delete under, such as `books/`: not empty, ending with `/`. */
  prefix: z.string(),
  /** Tell the handler to only report what it would delete (`DRY_RUN=true`); going live is an explicit `false`. @default true */
  dryRun: z.optional(z.boolean()),
  /** EventBridge schedule expression, `rate(1 day)` or `cron(0 3 * * ? *)`. @default not scheduled */
  schedule: z.optional(z.string()),
});

const functionSchema = fields({
  /** Name of the function, its role and its log group (`/aws/lambda/<name>`). @default `<namePrefix>-<key>` */
  functionName: z.optional(z.string()),
  /** Entry point, `<module path>.<function>`, such as `app.main.handler`. */
  handler: z.string(),
  /** Runtime. @default 'python3.12' */
  runtime: z.optional(runtime),
  /** Description shown in the console. @default no description */
  description: z.optional(z.string()),
  /** Memory in MB, a whole number from 128 to 10240. @default 128 */
  memorySize: z.optional(z.int()),
  /** Timeout in seconds, a whole number from 1 to 900. @default 3 */
  timeout: z.optional(z.int()),
  /** Instruction set architecture. @default 'x86_64' */
  architecture: z.optional(architecture),
  /** Layers in attach order: keys of this environment's `layers`, or layer version ARNs. At most 5. @default none */
  layers: z.optional(list(z.string().check(follows(RULES.layerVersionArn, startsWithArn)))),
  /** Environment variables; names and values together at most 4 KB. @default none */
  environmentVariables: z.optional(map(z.string())),
  /** Reserved concurrency; -1 leaves it unreserved, 0 stops all invocations. @default -1 */
  reservedConcurrentExecutions: z.optional(z.int()),
  /** X-Ray tracing mode; `Active` also grants the role the X-Ray write actions. @default 'PassThrough' */
  tracingMode: z.optional(withRule(z.enum(TRACING_MODES), ruleOf(RULES.tracingMode))),
  /** Days to keep the function's logs, one of the periods CloudWatch Logs supports. @default 30 */
  cloudwatchLogsRetentionInDays: z.optional(z.int()),
  /** Further permissions for the function's role. @default none */
  policyStatements: z.optional(list(policyStatement)),
  /** Functions this one may invoke: keys of this environment's `functions`, or function ARNs. @default none */
  invokes: z.optional(list(z.string().check(follows(RULES.functionArn, startsWithArn)))),
  /** Tags for the function, its role and its log group, on top of the environment's. @default none */
  tags: z.optional(tags),
  /** A local zip to create the function from; CI owns the code afterwards. @default a placeholder that fails until CI releases code */
  codePackage: z.optional(
    fields({
      /** Path of the zip. */
      filename: z.string(),
      /** Base64-encoded SHA-256 of the zip. */
      sourceCodeHash: z.string(),
    }),
  ),
  /**
   * Name of the function's alias: what every invocation targets, and what CI moves from version
   * to version (`functions promote`, `rollback`). 1 to 128 letters, digits, hyphens and
   * underscores, not all digits. @default 'live'
   */
  alias: z.optional(z.string()),
  /**
   * Names of existing CloudWatch alarms a canary release of this function also watches, besides
   * those the stack creates on the alias (`<functionName>-errors`, `-throttles` with reserved
   * concurrency, `-duration-p99`). @default none: the stack's alarms only
   */
  alarms: z.optional(list(z.string())),
  /**
   * Instances kept initialised on the alias (provisioned concurrency): at least 1, not more than
   * `reservedConcurrentExecutions` when that is set, not with `snapStart`. @default none
   */
  provisionedConcurrentExecutions: z.optional(z.int()),
  /** SnapStart on published versions; Python 3.12 and later only, not with `provisionedConcurrentExecutions`. @default false */
  snapStart: z.optional(z.boolean()),
  /** Queues the function consumes (SQS event source mappings on its alias). @default none */
  eventSources: z.optional(list(eventSourceSchema)),
  /**
   * A function URL on the alias: `AWS_IAM` auth unless `authType: 'NONE'` with `public: true`.
   * A function behind an HTTP API (`httpApis`) has no URL. @default no URL
   */
  functionUrl: z.optional(
    fields({
      /** `AWS_IAM` (callers sign requests) or `NONE` (anyone on the internet). @default 'AWS_IAM' */
      authType: z.optional(withRule(z.enum(['AWS_IAM', 'NONE']), { code: 'function-url-auth-type', text: 'must be "AWS_IAM" or "NONE"' })),
      /** Must be `true` for `authType: 'NONE'`: says the function is open to anyone on purpose. @default false */
      public: z.optional(z.boolean()),
      /** CORS of the URL. @default no CORS headers */
      cors: z.optional(cors),
    }),
  ),
  /** EventBridge Scheduler schedules invoking the alias, by name (`<functionName>-<name>`). @default none */
  schedules: z.optional(byKey(scheduleSchema)),
  /**
   * What happens to failed asynchronous invocations (on the alias). Scheduled functions, and
   * functions another function `invokes`, get it with its defaults when it is not given.
   * @default not configured (Lambda's: 2 retries, 6 hours, then dropped)
   */
  asyncInvoke: z.optional(asyncInvokeSchema),
  /** Runs the function in a VPC: both lists, each not empty. The role gets the network interface permissions. @default no VPC */
  vpc: z.optional(
    fields({
      /** Subnet ids, such as `subnet-0abc…`. */
      subnetIds: list(z.string()),
      /** Security group ids, such as `sg-0abc…`. */
      securityGroupIds: list(z.string()),
    }),
  ),
  /**
   * Structured logs (`logging_config`): the handler reads levels from Lambda, not from a LOG_LEVEL
   * variable. Removing it later leaves the function's logs as they are (the provider keeps what it
   * last set): write `{ format: 'Text' }` to go back. @default Lambda's: Text
   */
  logging: z.optional(loggingSchema),
  /** KMS key ARN encrypting the environment variables at rest. @default Lambda's own key */
  kmsKeyArn: z.optional(z.string()),
  /** KMS key ARN encrypting the log group (its key policy must let CloudWatch Logs use it). @default CloudWatch Logs' own encryption */
  logsKmsKeyArn: z.optional(z.string()),
  /** Size of /tmp in MB, 512 to 10240. @default 512 */
  ephemeralStorageSize: z.optional(z.int()),
  /** Makes this a cleanup function, scoped to one prefix of one bucket (see `CleanupLambda`). @default an ordinary function */
  cleanup: z.optional(cleanupSchema),
});

const backendSchema = fields({
  /** S3 bucket holding the state. */
  bucket: z.string(),
  /** Object key of the state; must differ between environments. @default `<namePrefix>/terraform.tfstate` */
  key: z.optional(z.string()),
  /** Region of the bucket and lock table. @default the environment's region */
  region: z.optional(region),
  /**
   * DynamoDB table for state locking (hash key `LockID`, a string). Terraform 1.11 deprecates it
   * in favour of `useLockfile`; to migrate, set both, apply once, then remove this.
   * @default no DynamoDB locking: `useLockfile` must be on
   */
  dynamodbTable: z.optional(z.string()),
  /** S3-native state locking (a `.tflock` object beside the state); needs Terraform 1.10 or later. @default false */
  useLockfile: z.optional(z.boolean()),
  /** KMS key (ID, ARN or alias ARN) encrypting the state object. @default the bucket's default encryption */
  kmsKeyId: z.optional(z.string()),
  /** Role Terraform assumes to reach the state. @default the caller's credentials */
  roleArn: z.optional(z.string()),
});

/** Everything that differs between environments. One per file in `envs/`. */
export const environmentSchema = fields({
  /** Environment name: the stack name (`cdktf deploy <name>`). Lowercase letters, digits, hyphens. */
  name: z.string().check(follows(RULES.environmentName)),
  /** The only AWS account this environment may be applied to (the provider's `allowed_account_ids`). */
  accountId: z.string(),
  /** AWS region of the environment's resources; its partition (`aws`, `aws-cn`, `aws-us-gov`) is that of every ARN. */
  region,
  /** Prefix of every resource name, such as `bookshelf-staging`. */
  namePrefix: z.string(),
  /** Tags on every resource (the provider's `default_tags`), besides `Environment`. @default none */
  tags: z.optional(tags),
  /** Remote state. */
  backend: backendSchema,
  /** Bucket CI uploads layer and function packages to (see the release manifest); `bootstrap-<name>` creates it. */
  artifactsBucket: z.string(),
  /** The artifacts bucket exists already, managed elsewhere: `bootstrap-<name>` does not create it. @default false */
  artifactsBucketExists: z.optional(z.boolean()),
  /** Layers by key. @default none */
  layers: z.optional(byKey(layerSchema)),
  /** Functions by key. @default none */
  functions: z.optional(byKey(functionSchema)),
  /** SQS queues by key, each with a dead-letter queue; functions consume them with `eventSources`. @default none */
  queues: z.optional(byKey(queueSchema)),
  /** API Gateway HTTP APIs by key, each with routes to functions. @default none */
  httpApis: z.optional(byKey(httpApiSchema)),
  /** SNS topic ARN (a standard topic, in the environment's partition) every alarm of the environment notifies, going into ALARM and back to OK. @default no notifications */
  alarmTopicArn: z.optional(z.string()),
});

/** Everything that differs between environments. One per file in `envs/`; see {@link environmentSchema}. */
export type EnvironmentConfig = z.input<typeof environmentSchema>;
/** A function in an environment. */
export type FunctionConfig = z.input<typeof functionSchema>;
/** A layer in an environment. */
export type LayerConfig = z.input<typeof layerSchema>;
/** Where an environment keeps its Terraform state, and how it is locked. */
export type BackendConfig = z.input<typeof backendSchema>;
/** What a cleanup function may clean. */
export type CleanupConfig = z.input<typeof cleanupSchema>;
/** A statement of a function's `policyStatements`. */
export type PolicyStatementConfig = z.input<typeof policyStatement>;
/** A queue of an environment, with its dead-letter queue. */
export type QueueConfig = z.input<typeof queueSchema>;
/** An HTTP API of an environment. */
export type HttpApiConfig = z.input<typeof httpApiSchema>;
/** A queue a function consumes. */
export type EventSourceConfig = z.input<typeof eventSourceSchema>;
/** A schedule of a function. */
export type ScheduleConfig = z.input<typeof scheduleSchema>;
/** What happens to a function's failed asynchronous invocations. */
export type AsyncInvokeConfig = z.input<typeof asyncInvokeSchema>;
/** CORS of an HTTP API or function URL. */
export type CorsConfig = z.input<typeof cors>;
/** A function's structured logs. */
export type LoggingConfig = z.input<typeof loggingSchema>;

/** The state key an environment uses. */
export function stateKey(config: EnvironmentConfig): string {
  return config.backend.key ?? `${config.namePrefix}/terraform.tfstate`;
}

/**
 * The name of something the config declares by key (a function, layer, queue or HTTP API) when
 * it names it no other way: `<namePrefix>-<key>`.
 */
export function defaultName(config: Pick<EnvironmentConfig, 'namePrefix'>, key: string): string {
  return `${config.namePrefix}-${key}`;
}

/** The name of the environment's function of this key: its `functionName`, else `<namePrefix>-<key>`. */
export function functionNameOf(config: EnvironmentConfig, key: string): string {
  return config.functions?.[key]?.functionName ?? defaultName(config, key);
}

/** The name of the environment's layer of this key: its `layerName`, else `<namePrefix>-<key>`. */
export function layerNameOf(config: EnvironmentConfig, key: string): string {
  return config.layers?.[key]?.layerName ?? defaultName(config, key);
}

/** The name of the environment's queue of this key: its `queueName`, else `<namePrefix>-<key>`. */
export function queueNameOf(config: EnvironmentConfig, key: string): string {
  return config.queues?.[key]?.queueName ?? defaultName(config, key);
}
