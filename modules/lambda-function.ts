import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction as LambdaFunctionResource } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config';
import { Fn, Lazy, Op, Token, Tokenization } from '../core/framework';
import { Construct } from 'constructs';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { checkStatements, policyDocument, PolicyStatement, serviceTrustPolicy } from '../core/policy-document';
import { Partition } from '../core/regions';
import { PlaceholderPackage } from './placeholder-package';
import {
  Architecture,
  check,
  checkTags,
  FUNCTION_PAIR_RULES,
  LIMITS,
  RESERVED_ENVIRONMENT_VARIABLES,
  RULES,
  ruleTable,
  Runtime,
  SNAP_START_RUNTIMES,
  TracingMode,
} from '../core/rules';
import { LambdaLayer } from './lambda-layer';
import { checkFunctionSettings, DEFAULT_LOG_FORMAT, LoggingSettings, VPC_ACCESS_STATEMENTS, VpcSettings } from './function-settings';

/** A layer to attach: a layer construct, or the ARN of a layer version managed elsewhere. */
export type LayerReference = LambdaLayer | string;

/** A function to invoke: a function construct, or the ARN of a function managed elsewhere. */
export type FunctionReference = LambdaFunction | string;

/** Properties of a {@link LambdaFunction}. Names follow terraform-aws-modules/lambda where it has one. */
export interface LambdaFunctionProps {
  /** Name of the function, also used for its role and log group: 1 to 64 letters, digits, hyphens, underscores. */
  readonly functionName: string;
  /** Entry point, `<module path>.<function>`, e.g. `app.main.handler`. */
  readonly handler: string;
  /** Runtime. @default 'python3.12' */
  readonly runtime?: Runtime;
  /** Description shown in the console. @default no description */
  readonly description?: string;
  /** Memory in MB, 128 to 10240. @default 128 */
  readonly memorySize?: number;
  /** Timeout in seconds, 1 to 900. @default 3 */
  readonly timeout?: number;
  /** Instruction set architecture. @default 'x86_64' */
  readonly architecture?: Architecture;
  /**
   * Layers in the order Lambda applies them (a later layer's files win). At most 5. Terraform
   * sets them when it creates the function; CI moves them to new versions afterwards.
   * @default no layers
   */
  readonly layers?: readonly LayerReference[];
  /** Environment variables; names and values together at most 4 KB. @default none */
  readonly environmentVariables?: Readonly<Record<string, string>>;
  /** Reserved concurrency; -1 leaves it unreserved, 0 stops all invocations. @default -1 */
  readonly reservedConcurrentExecutions?: number;
  /** X-Ray tracing mode; `Active` also grants the role the X-Ray write actions. @default 'PassThrough' */
  readonly tracingMode?: TracingMode;
  /** Days to keep the function's logs, one of the periods CloudWatch Logs supports. @default 30 */
  readonly cloudwatchLogsRetentionInDays?: number;
  /** Further permissions for the function's role. @default none */
  readonly policyStatements?: readonly PolicyStatement[];
  /** Functions this function may invoke (`lambda:InvokeFunction` on each, and on its versions and aliases). @default none */
  readonly lambdaInvokeArns?: readonly FunctionReference[];
  /** Tags for the function, its role and its log group, on top of the provider's default tags. @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The package to create the function from. CI owns the code afterwards: a different package
   * here later changes nothing (see {@link FUNCTION_CI_OWNED_ATTRIBUTES}).
   * @default a placeholder whose handler fails with "no code has been released to it yet"
   */
  readonly codePackage?: CodePackage;
  /**
   * Name of the alias everything that invokes the function targets, and that CI moves from
   * version to version (see {@link ALIAS_CI_OWNED_ATTRIBUTES}).
   * @default 'live'
   */
  readonly aliasName?: string;
  /**
   * Names of existing CloudWatch alarms that also watch this function's releases: a canary
   * stops and rolls back when one of them, or the errors alarm the construct creates, is in ALARM.
   * @default none: the errors alarm only
   */
  readonly alarms?: readonly string[];
  /**
   * Instances kept initialised on the alias (an `aws_lambda_provisioned_concurrency_config`):
   * at least 1, not more than the reserved concurrency when that is set, not with SnapStart.
   * @default none
   */
  readonly provisionedConcurrentExecutions?: number;
  /**
   * SnapStart on published versions (`apply_on = "PublishedVersions"`): Python 3.12 and later
   * only, not with provisioned concurrency.
   * @default false
   */
  readonly snapStart?: boolean;
  /**
   * SNS topic ARN the function's alarms notify, going into ALARM and back to OK (see
   * {@link alarmNotifications}).
   * @default no notifications
   */
  readonly alarmTopicArn?: string;
  /**
   * Runs the function in a VPC (`vpc_config`): 1 to 16 subnets and 1 to 5 security groups. The
   * role gets the network interface permissions (an inline policy `vpc`, see
   * {@link VPC_ACCESS_STATEMENTS}), and the function is created after it: Lambda refuses to create
   * a VPC function whose role cannot manage network interfaces.
   * @default no VPC
   */
  readonly vpc?: VpcSettings;
  /**
   * Structured logs (`logging_config`, into the function's own log group): `{}` is JSON with
   * Lambda's levels (INFO); levels only with JSON.
   * @default no `logging_config`: Lambda's Text format
   */
  readonly logging?: LoggingSettings;
  /** KMS key ARN encrypting the environment variables at rest (`kms_key_arn`). @default Lambda's own key */
  readonly kmsKeyArn?: string;
  /**
   * KMS key ARN encrypting the function's log group (`kms_key_id`); its key policy must let
   * CloudWatch Logs use it. @default CloudWatch Logs' own encryption
   */
  readonly logsKmsKeyArn?: string;
  /** Size of /tmp in MB, 512 to 10240 (`ephemeral_storage`). @default not set: Lambda's 512 */
  readonly ephemeralStorageSize?: number;
  /**
   * Partition of the ARNs the construct writes itself (`aws`, `aws-cn` in China, `aws-us-gov`
   * in GovCloud): that of the region it is deployed to.
   * @default 'aws'
   */
  readonly partition?: Partition;
}

/** A local zip and its base64-encoded SHA-256, as `filename` and `source_code_hash` take them. */
export interface CodePackage {
  readonly filename: string;
  readonly sourceCodeHash: string;
}

/** The statement that lets a function invoke others: `resources` are their ARNs, each also followed by `:*` (versions and aliases). */
export function invokeStatement(resources: readonly string[]): PolicyStatement {
  return { sid: 'InvokeNamedFunctions', actions: ['lambda:InvokeFunction'], resources };
}

/** The statements of the tracing policy. X-Ray write actions support no resource-level permissions: "*" is the only way to grant them. */
export const TRACING_STATEMENTS: readonly PolicyStatement[] = Object.freeze([
  { sid: 'WriteTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
]);

/** The rule on the size of all environment variables, in words. */
export const ENVIRONMENT_SIZE_RULE = `names and values together must be at most ${LIMITS.maxEnvironmentBytes} bytes (the Lambda limit)`;

/**
 * Attributes that describe *which code and layer versions* the function runs. CI changes them
 * with `update-function-code` and `update-function-configuration`; Terraform must not revert them.
 */
export const FUNCTION_CI_OWNED_ATTRIBUTES = Object.freeze([
  'filename',
  's3_bucket',
  's3_key',
  's3_object_version',
  'source_code_hash',
  'layers',
] as const);

/**
 * Attributes Terraform sets only when it creates the function. `publish = true` publishes
 * version 1 of the placeholder, for the alias to start on; later versions are CI's. An adopted
 * function has `publish = false` in its state: without this, the first plan after adoption
 * would show a diff, and the apply would publish whatever `$LATEST` holds.
 */
export const FUNCTION_SET_ON_CREATE_ATTRIBUTES = Object.freeze(['publish'] as const);

/**
 * Attributes of the alias that say *which versions* receive traffic, and CI's record of them.
 * CI moves them (publish, promote, canary, rollback); Terraform sets them only when it creates
 * the alias, on version 1. Without `routing_config` here, an apply during a canary would cancel
 * it. `description` is the release command's record (the version live before, the versions held
 * back after they failed): an apply that reset it would let the next promote put a version that
 * was rolled back live again.
 */
export const ALIAS_CI_OWNED_ATTRIBUTES = Object.freeze(['function_version', 'routing_config', 'description'] as const);

/** The default name of a function's alias. */
export const DEFAULT_ALIAS_NAME = 'live';

/**
 * The actions of an alarm that notifies `topicArn` going into ALARM and back to OK, to spread
 * into a `CloudwatchMetricAlarm`'s config; none without a topic. Every alarm of a stack uses it.
 * A topic only Terraform knows (a generated module's `alarm_topic_arn`, which may be null)
 * becomes a list of none or one: `compact([var.alarm_topic_arn])`.
 */
export function alarmNotifications(topicArn: string | undefined): { alarmActions?: string[]; okActions?: string[] } {
  if (topicArn === undefined) return {};
  const actions = Token.isUnresolved(topicArn) ? Token.asList(Fn.compact([topicArn])) : [topicArn];
  return { alarmActions: actions, okActions: actions };
}

/** Rules of the alarms' settings, checked at synth and rendered as the generated modules' validations. */
export const ALARM_RULES = ruleTable({
  // CloudWatch notifies standard topics only: a FIFO topic's name ends in `.fifo`, refused here.
  alarmTopicArn: {
    kind: 'pattern',
    pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$',
    text: 'must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<account>:<name>',
  },
});

/**
 * What an alarm on one of Lambda's counts of a function's alias (errors, throttles, dropped
 * events) has in common: any in a minute is an alarm; missing data (no invocations) is not.
 */
export const ANY_IN_A_MINUTE = Object.freeze({
  namespace: 'AWS/Lambda',
  statistic: 'Sum',
  period: 60,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
} as const);

/** The name of a function's errors alarm. */
export function errorsAlarmName(functionName: string): string {
  return `${functionName}-errors`;
}

/**
 * What the errors alarm watches, besides the function and alias it names: any error of the
 * alias in a minute. Missing data (no invocations) is not an error.
 */
export const ERRORS_ALARM = Object.freeze({ ...ANY_IN_A_MINUTE, metricName: 'Errors' } as const);

/** The name of a function's throttles alarm. */
export function throttlesAlarmName(functionName: string): string {
  return `${functionName}-throttles`;
}

/**
 * What the throttles alarm watches: any invocation of the alias refused in a minute because the
 * function's reserved concurrency was all in use. It exists only for a function with reserved
 * concurrency of 1 or more: an unreserved function is throttled only by the account's quota,
 * and a function reserved at 0 is stopped on purpose, so each of its invocations would be an alarm.
 */
export const THROTTLES_ALARM = Object.freeze({ ...ANY_IN_A_MINUTE, metricName: 'Throttles' } as const);

/** The name of a function's duration alarm. */
export function durationAlarmName(functionName: string): string {
  return `${functionName}-duration-p99`;
}

/**
 * What the duration alarm watches: the 99th percentile of the alias's invocation times, by the
 * minute, above {@link DURATION_ALARM_SHARE_OF_TIMEOUT} of the function's timeout in 3 of the
 * last 5 minutes: the slowest invocations are close to timing out. Minutes, not 5-minute
 * periods, so a canary's usual 5-minute step can see it; 3 of 5, so one slow minute (a cold
 * start, a deploy) is not an alarm. Missing data (no invocations) is not slow.
 */
export const DURATION_ALARM = Object.freeze({
  namespace: 'AWS/Lambda',
  metricName: 'Duration',
  extendedStatistic: 'p99',
  period: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
} as const);

/** The share of the timeout above which the duration alarm goes off. */
export const DURATION_ALARM_SHARE_OF_TIMEOUT = 0.8;

/** The default timeout of a function, in seconds. */
export const DEFAULT_TIMEOUT = 3;

/**
 * The duration alarm's threshold, in milliseconds (the unit of the Duration metric): 80% of the
 * timeout, in seconds. A timeout only Terraform knows gives its expression (`var.timeout * 800`).
 */
export function durationThresholdMs(timeoutSeconds: number): number {
  const factor = 1000 * DURATION_ALARM_SHARE_OF_TIMEOUT;
  return Token.isUnresolved(timeoutSeconds) ? Token.asNumber(Op.mul(timeoutSeconds, factor)) : timeoutSeconds * factor;
}

/** The alarm settings a function's throttles alarm has, besides its actions and tags; the generated modules build it from these too. */
export function throttlesAlarmConfig(functionName: string, aliasName: string, reservedConcurrentExecutions: number) {
  return {
    ...THROTTLES_ALARM,
    alarmName: throttlesAlarmName(functionName),
    alarmDescription:
      `Invocations of ${functionName}:${aliasName} refused because its reserved concurrency (${numberText(reservedConcurrentExecutions)}) was all in use. ` +
      'Raise its reserved concurrency if the load is expected, otherwise find what invokes it more often; a canary release rolls back while it is in ALARM',
    dimensions: aliasDimensions(functionName, aliasName),
  };
}

/** The dimensions of a function's metrics on its alias: `FunctionName` and `Resource` = `<function>:<alias>`. */
export function aliasDimensions(functionName: string, aliasName: string): { FunctionName: string; Resource: string } {
  return { FunctionName: functionName, Resource: `${functionName}:${aliasName}` };
}

/** A number in a text, whether known or only known to Terraform. */
function numberText(value: number): string {
  return Token.isUnresolved(value) ? Tokenization.stringifyNumber(value) : String(value);
}

/**
 * A Lambda function with its own execution role and log group, and an alias.
 *
 * Terraform owns its shape: runtime, handler, memory, timeout, permissions, environment.
 * CI owns its code and layer versions and the alias's versions: the function starts from a
 * placeholder package and the layers given here, published once as version 1 for the alias;
 * later releases and alias moves are never reverted by `terraform apply`. Everything that
 * invokes a function of this project targets its alias, so a shape change Terraform makes lands
 * on `$LATEST` and reaches traffic at the next publish and promote. Alarms watch the alias: its
 * errors ({@link ERRORS_ALARM}), its throttles when concurrency is reserved
 * ({@link THROTTLES_ALARM}) and its p99 duration against the timeout ({@link DURATION_ALARM}),
 * all watched by its canaries ({@link alarmNames}) and notifying `alarmTopicArn`.
 *
 * It takes known values. The generated `lambda` module (module-export/) gives it the Terraform
 * variables it only passes on, and binds or builds what depends on the others itself.
 */
export class LambdaFunction extends Construct {
  /** The underlying function resource. */
  readonly resource: LambdaFunctionResource;
  /** The execution role; trusted by lambda.amazonaws.com only. */
  readonly role: IamRole;
  /** `/aws/lambda/<functionName>`, created before the function so no log line is lost. */
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;
  readonly runtime: Runtime;
  readonly architecture: Architecture;
  /** ARN of the function. */
  readonly arn: string;
  /** ARN API Gateway uses to invoke the function. */
  readonly invokeArn: string;
  /** The alias CI moves; everything that invokes the function targets it. */
  readonly alias: LambdaAlias;
  /** Name of the alias. */
  readonly aliasName: string;
  /** ARN of the alias: what invoke policies and triggers name. */
  readonly aliasArn: string;
  /** ARN API Gateway uses to invoke the alias. */
  readonly aliasInvokeArn: string;
  /** The alarm on the alias's errors, named `<functionName>-errors`. */
  readonly errorsAlarm: CloudwatchMetricAlarm;
  /** The alarm on the alias's slowest invocations, named `<functionName>-duration-p99` (see {@link DURATION_ALARM}). */
  readonly durationAlarm: CloudwatchMetricAlarm;
  /** The alarm on the alias's throttled invocations, named `<functionName>-throttles`: with reserved concurrency of 1 or more only (see {@link THROTTLES_ALARM}). */
  readonly throttlesAlarm?: CloudwatchMetricAlarm;
  /** Timeout in seconds. */
  readonly timeout: number;
  /** Reserved concurrency; -1 (the default) leaves it unreserved. */
  readonly reservedConcurrentExecutions: number;
  /** The provisioned concurrency of the alias, when `provisionedConcurrentExecutions` is given. */
  readonly provisionedConcurrency?: LambdaProvisionedConcurrencyConfig;
  /** The role's network interface permissions (inline policy `vpc`), when the function runs in a VPC. */
  readonly vpcPolicy?: IamRolePolicy;

  private readonly layerReferences: LayerReference[] = [];
  private readonly environment: Record<string, string> = {};
  private readonly statements: PolicyStatement[] = [];
  private readonly invokeTargets: FunctionReference[] = [];
  private readonly props: LambdaFunctionProps;
  private readonly watchedAlarms: string[] = [];
  private extraPolicy?: IamRolePolicy;
  private invokePolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    this.props = props;
    this.functionName = props.functionName;
    this.runtime = props.runtime ?? 'python3.12';
    this.architecture = props.architecture ?? 'x86_64';
    this.timeout = props.timeout ?? DEFAULT_TIMEOUT;
    this.reservedConcurrentExecutions = props.reservedConcurrentExecutions ?? -1;
    const tags = tagsOrNothing(props.tags);

    this.role = new IamRole(this, 'role', {
      name: props.functionName,
      description: `Execution role of the ${props.functionName} Lambda function`,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
      tags,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.cloudwatchLogsRetentionInDays ?? 30,
      kmsKeyId: props.logsKmsKeyArn,
      tags,
    });

    const logsPolicy = new IamRolePolicy(this, 'logs-policy', {
      name: 'logs',
      role: this.role.id,
      policy: policyDocument([
        {
          sid: 'WriteOwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
      ]),
    });

    if (props.tracingMode === 'Active') {
      new IamRolePolicy(this, 'tracing-policy', { name: 'tracing', role: this.role.id, policy: policyDocument(TRACING_STATEMENTS) });
    }

    if (props.vpc !== undefined) {
      this.vpcPolicy = new IamRolePolicy(this, 'vpc-policy', { name: 'vpc', role: this.role.id, policy: policyDocument(VPC_ACCESS_STATEMENTS) });
    }

    const codePackage = props.codePackage ?? PlaceholderPackage.forFunction(this, 'placeholder', this.runtime, props.handler);
    this.resource = new LambdaFunctionResource(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      handler: props.handler,
      runtime: this.runtime,
      architectures: [this.architecture],
      memorySize: props.memorySize ?? 128,
      timeout: this.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracingConfig: props.tracingMode ? { mode: props.tracingMode } : undefined,
      snapStart: props.snapStart ? { applyOn: 'PublishedVersions' } : undefined,
      vpcConfig: props.vpc && { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] },
      loggingConfig: props.logging && {
        logFormat: props.logging.format ?? DEFAULT_LOG_FORMAT,
        applicationLogLevel: props.logging.applicationLogLevel,
        systemLogLevel: props.logging.systemLogLevel,
        logGroup: this.logGroup.name,
      },
      kmsKeyArn: props.kmsKeyArn,
      ephemeralStorage: props.ephemeralStorageSize === undefined ? undefined : { size: props.ephemeralStorageSize },
      publish: true,
      filename: codePackage.filename,
      sourceCodeHash: codePackage.sourceCodeHash,
      layers: Lazy.listValue({ produce: () => this.layerReferences.map(layerArn) }, { omitEmpty: true }),
      tags,
      // The log group must exist before the first invocation, or Lambda creates one that
      // Terraform does not manage (no retention); the role must be able to write to it, and,
      // for a VPC function, to manage its network interfaces, which Lambda checks on create.
      dependsOn: [this.logGroup, logsPolicy, ...(this.vpcPolicy ? [this.vpcPolicy] : [])],
      lifecycle: { ignoreChanges: [...FUNCTION_CI_OWNED_ATTRIBUTES, ...FUNCTION_SET_ON_CREATE_ATTRIBUTES] },
    });
    this.arn = this.resource.arn;
    this.invokeArn = this.resource.invokeArn;

    this.aliasName = props.aliasName ?? DEFAULT_ALIAS_NAME;
    this.alias = new LambdaAlias(this, 'alias', {
      name: this.aliasName,
      description: `What invokes ${props.functionName} targets; CI moves it from version to version`,
      functionName: this.resource.functionName,
      functionVersion: this.resource.version,
      lifecycle: { ignoreChanges: [...ALIAS_CI_OWNED_ATTRIBUTES] },
    });
    this.aliasArn = this.alias.arn;
    this.aliasInvokeArn = this.alias.invokeArn;

    if (props.provisionedConcurrentExecutions !== undefined) {
      this.provisionedConcurrency = new LambdaProvisionedConcurrencyConfig(this, 'provisioned-concurrency', {
        functionName: this.resource.functionName,
        qualifier: this.alias.name,
        provisionedConcurrentExecutions: props.provisionedConcurrentExecutions,
      });
    }

    this.errorsAlarm = new CloudwatchMetricAlarm(this, 'errors-alarm', {
      ...ERRORS_ALARM,
      alarmName: errorsAlarmName(props.functionName),
      alarmDescription:
        `Invocations of ${props.functionName}:${this.aliasName} that failed (an exception, a timeout, out of memory) in the last minute. ` +
        `Read its log group /aws/lambda/${props.functionName}; a canary release rolls back while it is in ALARM`,
      dimensions: aliasDimensions(props.functionName, this.aliasName),
      ...alarmNotifications(props.alarmTopicArn),
      tags,
    });

    // Reserved at 0, the function is stopped on purpose; only Terraform knows a variable's value
    // (the generated modules count the alarm on it themselves).
    const reserved = props.reservedConcurrentExecutions;
    if (reserved !== undefined && !Token.isUnresolved(reserved) && reserved >= 1) {
      this.throttlesAlarm = new CloudwatchMetricAlarm(this, 'throttles-alarm', {
        ...throttlesAlarmConfig(props.functionName, this.aliasName, reserved),
        ...alarmNotifications(props.alarmTopicArn),
        tags,
      });
      this.watchAlarm(throttlesAlarmName(props.functionName));
    }

    const threshold = durationThresholdMs(this.timeout);
    this.durationAlarm = new CloudwatchMetricAlarm(this, 'duration-alarm', {
      ...DURATION_ALARM,
      alarmName: durationAlarmName(props.functionName),
      alarmDescription:
        `The slowest 1% of ${props.functionName}:${this.aliasName}'s invocations took over ${numberText(threshold)} ms, ` +
        `${DURATION_ALARM_SHARE_OF_TIMEOUT * 100}% of its ${numberText(this.timeout)} s timeout, ` +
        `in ${DURATION_ALARM.datapointsToAlarm} of the last ${DURATION_ALARM.evaluationPeriods} minutes: they are close to timing out. ` +
        'Look for a slow dependency or a larger input, or raise the timeout (the threshold follows it); a canary release rolls back while it is in ALARM',
      dimensions: aliasDimensions(props.functionName, this.aliasName),
      threshold,
      ...alarmNotifications(props.alarmTopicArn),
      tags,
    });
    this.watchAlarm(durationAlarmName(props.functionName));

    this.addLayers(...(props.layers ?? []));
    for (const [name, value] of Object.entries(props.environmentVariables ?? {})) this.addEnvironment(name, value);
    (props.policyStatements ?? []).forEach((statement) => this.addToRolePolicy(statement));
    (props.lambdaInvokeArns ?? []).forEach((target) => this.allowInvoke(target));

    addProblemCheck(this, () => this.checkProps());
  }

  /** Appends layers, after those already attached. */
  addLayers(...layers: LayerReference[]): void {
    this.layerReferences.push(...layers);
  }

  /** Sets an environment variable. */
  addEnvironment(name: string, value: string): void {
    this.environment[name] = value;
    this.resource.putEnvironment({ variables: { ...this.environment } });
  }

  /** Environment variables set so far, from `environmentVariables` and {@link addEnvironment}. */
  get environmentVariables(): Readonly<Record<string, string>> {
    return { ...this.environment };
  }

  /** Adds a statement to the role's `extra` inline policy. */
  addToRolePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
    this.extraPolicy ??= new IamRolePolicy(this, 'extra-policy', { name: 'extra', role: this.role.id, policy: '' });
    this.extraPolicy.policy = policyDocument(this.statements);
  }

  /** Lets `grantee` invoke this function's alias. */
  grantInvoke(grantee: LambdaFunction): void {
    grantee.allowInvoke(this);
  }

  /**
   * Lets this function invoke `target`: a function of this project through its alias only (the
   * version CI promoted); a function ARN managed elsewhere, and its versions and aliases.
   */
  allowInvoke(target: FunctionReference): void {
    this.invokeTargets.push(target);
    this.invokePolicy ??= new IamRolePolicy(this, 'invoke-policy', { name: 'invoke', role: this.role.id, policy: '' });
    this.invokePolicy.policy = policyDocument([invokeStatement(this.invokeTargets.flatMap(invokeResources))]);
  }

  /** SNS topic ARN the function's alarms notify, when one is given. */
  get alarmTopicArn(): string | undefined {
    return this.props.alarmTopicArn;
  }

  /** Adds an alarm, created alongside the function, to those a canary release of it watches. */
  watchAlarm(alarmName: string): void {
    this.watchedAlarms.push(alarmName);
  }

  /**
   * The alarms a canary release of this function watches: its errors alarm, those added with
   * {@link watchAlarm}, then those named in `alarms`.
   */
  get alarmNames(): readonly string[] {
    return [errorsAlarmName(this.functionName), ...this.watchedAlarms, ...(this.props.alarms ?? [])];
  }

  /** Layers in attachment order. */
  get layers(): readonly LayerReference[] {
    return [...this.layerReferences];
  }

  private checkProps(): Problem[] {
    const p = this.props;
    const python = this.runtime.startsWith('python');
    return [
      ...check('functionName', p.functionName, RULES.functionName),
      ...check('handler', p.handler, RULES.handlerLength, python ? RULES.pythonHandler : RULES.handler),
      ...check('runtime', this.runtime, RULES.runtime),
      ...(p.description === undefined ? [] : check('description', p.description, RULES.functionDescription)),
      ...(p.memorySize === undefined ? [] : check('memorySize', p.memorySize, RULES.memorySize)),
      ...(p.timeout === undefined ? [] : check('timeout', p.timeout, RULES.timeout)),
      ...(p.reservedConcurrentExecutions === undefined
        ? []
        : check('reservedConcurrentExecutions', p.reservedConcurrentExecutions, RULES.reservedConcurrentExecutions)),
      ...check('architecture', this.architecture, RULES.architecture),
      ...(p.tracingMode === undefined ? [] : check('tracingMode', p.tracingMode, RULES.tracingMode)),
      ...(p.cloudwatchLogsRetentionInDays === undefined
        ? []
        : check('cloudwatchLogsRetentionInDays', p.cloudwatchLogsRetentionInDays, RULES.logRetentionDays)),
      ...this.validateLayers(),
      ...this.validateEnvironment(),
      ...checkStatements('policyStatements', this.statements),
      ...this.invokeTargets.flatMap((target, i) =>
        typeof target === 'string' ? check(`lambdaInvokeArns[${i}]`, target, RULES.functionArn) : [],
      ),
      ...checkTags('tags', p.tags),
      ...this.validateVersions(),
      ...checkFunctionSettings(p),
    ];
  }

  /** The alias, its alarms, provisioned concurrency and SnapStart. */
  private validateVersions(): Problem[] {
    const p = this.props;
    const provisioned = p.provisionedConcurrentExecutions;
    const reserved = p.reservedConcurrentExecutions;
    const known = (value: number | undefined): value is number => typeof value === 'number' && !Token.isUnresolved(value);
    const problems = [
      ...check('aliasName', this.aliasName, RULES.aliasNameLength, RULES.aliasName),
      ...(p.alarms ?? []).flatMap((name, i) => check(`alarms[${i}]`, name, RULES.alarmName)),
      ...(provisioned === undefined ? [] : check('provisionedConcurrentExecutions', provisioned, RULES.provisionedConcurrentExecutions)),
    ];
    if (known(provisioned) && known(reserved) && reserved >= 0 && provisioned > reserved) {
      const rule = FUNCTION_PAIR_RULES.provisionedAboveReserved;
      problems.push(problem(rule.code, 'provisionedConcurrentExecutions', provisioned, rule.text));
    }
    if (p.snapStart === true) {
      if (!(SNAP_START_RUNTIMES as readonly string[]).includes(this.runtime)) {
        const rule = FUNCTION_PAIR_RULES.snapStartRuntime;
        problems.push(problem(rule.code, 'snapStart', p.snapStart, rule.text));
      }
      if (provisioned !== undefined) {
        const rule = FUNCTION_PAIR_RULES.snapStartWithProvisionedConcurrency;
        problems.push(problem(rule.code, 'snapStart', p.snapStart, rule.text));
      }
    }
    return problems;
  }

  private validateLayers(): Problem[] {
    const layers = this.layerReferences;
    const problems = check('layers', layers.map(describeLayer), RULES.layers);
    const seen = new Set<string>();
    layers.forEach((layer, i) => {
      const field = `layers[${i}]`;
      const key = typeof layer === 'string' ? layer : layer.node.path;
      if (seen.has(key)) problems.push(problem('layer-attached-twice', field, describeLayer(layer), 'is attached twice; attach each layer once'));
      seen.add(key);
      if (typeof layer === 'string') {
        problems.push(...check(field, layer, RULES.layerVersionArn));
        return;
      }
      if (!layer.compatibleRuntimes.includes(this.runtime)) {
        problems.push(
          problem(
            'layer-runtime-mismatch',
            field,
            layer.layerName,
            `layer is compatible with ${layer.compatibleRuntimes.join(', ')}, not with the function's runtime ${this.runtime}`,
          ),
        );
      }
      const architectures = layer.compatibleArchitectures;
      if (architectures && architectures.length > 0 && !architectures.includes(this.architecture)) {
        problems.push(
          problem(
            'layer-architecture-mismatch',
            field,
            layer.layerName,
            `layer is built for ${architectures.join(', ')}, not for the function's architecture ${this.architecture}`,
          ),
        );
      }
    });
    return problems;
  }

  private validateEnvironment(): Problem[] {
    const problems: Problem[] = [];
    let bytes = 0;
    for (const [name, value] of Object.entries(this.environment)) {
      problems.push(...check('environmentVariables name', name, RULES.environmentVariableName));
      if ((RESERVED_ENVIRONMENT_VARIABLES as readonly string[]).includes(name)) {
        problems.push(problem('reserved-environment-variable', 'environmentVariables name', name, 'is reserved by Lambda and cannot be set'));
      }
      if (typeof value !== 'string') {
        problems.push(problem('environment-variable-type', `environmentVariables[${JSON.stringify(name)}]`, value, 'must be a string'));
      }
      bytes += Buffer.byteLength(name) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(String(value)));
    }
    if (bytes > LIMITS.maxEnvironmentBytes) {
      problems.push(problem('environment-size', 'environmentVariables', `${bytes} bytes`, ENVIRONMENT_SIZE_RULE));
    }
    return problems;
  }
}

/** Tags to set, or undefined when there are none (an empty map would only add noise to the diff). */
export function tagsOrNothing(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return tags && Object.keys(tags).length > 0 ? { ...tags } : undefined;
}

function layerArn(layer: LayerReference): string {
  return typeof layer === 'string' ? layer : layer.versionArn;
}

/** What an invoke policy names for a target: a construct's alias; an ARN, with its versions and aliases. */
function invokeResources(target: FunctionReference): string[] {
  return typeof target === 'string' ? [target, `${target}:*`] : [target.aliasArn];
}

function describeLayer(layer: LayerReference): string {
  return typeof layer === 'string' ? layer : layer.layerName;
}
