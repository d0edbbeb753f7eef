import { ARN_REGION_RULE, partitionOfArn, regionOfArn } from '../core/arn';
import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { partitionOf } from '../core/regions';
import { check, checkTags, RULES } from '../core/rules';
import { checkSchema } from '../core/check-schema';
import { failureQueueName } from '../modules/async-invoke';
import { scheduleName } from '../modules/function-schedules';
import { ALARM_RULES, durationAlarmName, errorsAlarmName, throttlesAlarmName } from '../modules/lambda-function';
import { deadLetterQueueName } from '../modules/sqs-queue';
import { checkAsyncInvoke } from './check-async-invoke';
import { EnvironmentConfig, ENVIRONMENT_RULES, environmentSchema, functionNameOf, layerNameOf, stateKey } from './environment-config';
import { checkHttp } from './check-http';
import { checkQueues } from './check-queues';
import { asyncInvokedKeys } from './wire-async';
import { CLEANUP_SCHEDULE_KEY, CLEANUP_SCHEDULE_KEY_RULE, isReservedScheduleKey } from './wire-schedules';

/** One environment's config as checked: what can be built from it, and what is wrong with it. */
export interface CheckedEnvironment {
  /** The config, when its shape is right and the stack can be built from it. @default none: nothing may be built */
  readonly config?: EnvironmentConfig;
  /** Every problem found, each naming the field as written in the config. */
  readonly problems: readonly Problem[];
}

/**
 * Checks an environment's config, which may come from code that was never type-checked: first
 * against the schema (unknown, missing and mistyped fields, enums, the name, the region, ARN
 * formats), then, once its shape is right, the rules between its fields and against AWS
 * limits. Only a config whose shape is right is returned for building; the other problems are
 * reported with those of the constructs.
 */
export function checkEnvironment(input: unknown): CheckedEnvironment {
  const checked = checkSchema(environmentSchema, input, 'environment');
  if (!checked.ok) return { problems: checked.problems };
  return { config: checked.value, problems: checkSettings(checked.value) };
}

/** Problems with an environment's own settings; its layers and functions check their limits themselves. */
function checkSettings(config: EnvironmentConfig): Problem[] {
  const { backend } = config;
  return [
    ...check('accountId', config.accountId, RULES.accountId),
    ...check('namePrefix', config.namePrefix, ENVIRONMENT_RULES.namePrefix),
    ...checkTags('tags', config.tags),
    ...check('backend.bucket', backend.bucket, RULES.s3BucketName),
    ...check('artifactsBucket', config.artifactsBucket, RULES.s3BucketName),
    ...(config.artifactsBucket === backend.bucket
      ? [problem('artifacts-bucket-is-state-bucket', 'artifactsBucket', config.artifactsBucket, 'must not be backend.bucket: the state is kept apart from the packages CI uploads, and the bootstrap stack creates each bucket once')]
      : []),
    ...check('backend.key', stateKey(config), RULES.s3Key, RULES.s3KeyLength),
    ...(backend.dynamodbTable === undefined ? [] : check('backend.dynamodbTable', backend.dynamodbTable, RULES.dynamodbTableName)),
    ...(backend.dynamodbTable === undefined && !backend.useLockfile
      ? [problem('state-not-locked', 'backend', { dynamodbTable: undefined, useLockfile: backend.useLockfile }, 'state must be locked: set dynamodbTable, useLockfile, or both while migrating')]
      : []),
    ...(backend.kmsKeyId === undefined ? [] : check('backend.kmsKeyId', backend.kmsKeyId, RULES.kmsKeyId)),
    ...(backend.roleArn === undefined ? [] : check('backend.roleArn', backend.roleArn, RULES.roleArn)),
    ...(config.alarmTopicArn === undefined ? [] : check('alarmTopicArn', config.alarmTopicArn, ALARM_RULES.alarmTopicArn)),
    ...checkReferences(config),
    ...checkPartitions(config),
    ...checkRegions(config),
    ...checkReservedScheduleKeys(config),
    ...checkNamesUnique(config),
    ...checkAlarms(config),
    ...checkHttp(config),
    ...checkQueues(config),
    ...checkAsyncInvoke(config),
  ];
}

/**
 * A function's `alarms` name existing alarms, each once, and none of those the stack creates for
 * it (`<functionName>-errors`, `-throttles`, `-duration-p99`), which a canary watches anyway.
 */
function checkAlarms(config: EnvironmentConfig): Problem[] {
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) => {
    const functionName = functionNameOf(config, key);
    const own: Record<string, string> = { [throttlesAlarmName(functionName)]: 'throttles', [durationAlarmName(functionName)]: 'duration' };
    return (fn.alarms ?? []).flatMap((name, i) => {
      const field = `functions.${key}.alarms[${i}]`;
      if (name === errorsAlarmName(functionName)) return [problem('alarm-is-errors-alarm', field, name, 'is the errors alarm the stack creates for this function, watched anyway; name only other alarms')];
      if (own[name] !== undefined) return [problem('alarm-is-own-alarm', field, name, `is the ${own[name]} alarm the stack creates for this function, watched anyway; name only other alarms`)];
      if ((fn.alarms ?? []).indexOf(name) < i) return [problem('alarm-named-twice', field, name, 'is named twice; name each alarm once')];
      return [];
    });
  });
}

/** Every layer and function a function names is an ARN or the key of one in this environment. */
function checkReferences(config: EnvironmentConfig): Problem[] {
  const layers = Object.keys(config.layers ?? {});
  const functions = Object.keys(config.functions ?? {});
  const unknown = (field: string, ref: string, keys: string[], collection: string): Problem[] =>
    ref.startsWith('arn:') || keys.includes(ref)
      ? []
      : [
          problem(
            'unknown-reference',
            field,
            ref,
            `must be an ARN or the key of one of this environment's ${collection} (${keys.length ? keys.join(', ') : 'none defined'})${didYouMean(ref, keys)}`,
          ),
        ];
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) => [
    ...(fn.layers ?? []).flatMap((ref, i) => unknown(`functions.${key}.layers[${i}]`, ref, layers, 'layers')),
    ...(fn.invokes ?? []).flatMap((ref, i) => unknown(`functions.${key}.invokes[${i}]`, ref, functions, 'functions')),
  ]);
}

/**
 * Every ARN in the config is in the environment's partition: a GovCloud role cannot be granted
 * `arn:aws:` resources, which match nothing there.
 */
function checkPartitions(config: EnvironmentConfig): Problem[] {
  const partition = partitionOf(config.region);
  const arns: [string, string][] = [
    ['backend.kmsKeyId', config.backend.kmsKeyId ?? ''],
    ['backend.roleArn', config.backend.roleArn ?? ''],
    ['alarmTopicArn', config.alarmTopicArn ?? ''],
  ];
  for (const [key, queue] of Object.entries(config.queues ?? {})) arns.push([`queues.${key}.kmsKeyArn`, queue.kmsKeyArn ?? '']);
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    (fn.layers ?? []).forEach((ref, i) => arns.push([`functions.${key}.layers[${i}]`, ref]));
    (fn.invokes ?? []).forEach((ref, i) => arns.push([`functions.${key}.invokes[${i}]`, ref]));
    if (fn.kmsKeyArn !== undefined) arns.push([`functions.${key}.kmsKeyArn`, fn.kmsKeyArn]);
    if (fn.logsKmsKeyArn !== undefined) arns.push([`functions.${key}.logsKmsKeyArn`, fn.logsKmsKeyArn]);
    (fn.eventSources ?? []).forEach((s, i) => arns.push([`functions.${key}.eventSources[${i}].queue`, s.queue], [`functions.${key}.eventSources[${i}].kmsKeyArn`, s.kmsKeyArn ?? '']));
    arns.push([`functions.${key}.asyncInvoke.onFailure`, fn.asyncInvoke?.onFailure ?? '']);
    (fn.policyStatements ?? []).forEach((statement, s) => {
      const at = `functions.${key}.policyStatements[${s}]`;
      (statement.resources ?? []).forEach((resource, i) => arns.push([`${at}.resources[${i}]`, resource]));
      (statement.notResources ?? []).forEach((resource, i) => arns.push([`${at}.notResources[${i}]`, resource]));
    });
  }
  return arns.flatMap(([field, value]) => {
    const found = partitionOfArn(value);
    return found === undefined || found === partition
      ? []
      : [problem('arn-partition', field, value, `must be in the partition of region ${config.region}: arn:${partition}:…, not arn:${found}:…`)];
  });
}

/**
 * The ARNs of regional resources the environment's resources use are in its region (those in
 * another partition are reported by {@link checkPartitions} only); keys of its own queues are
 * in it anyway.
 */
function checkRegions(config: EnvironmentConfig): Problem[] {
  const partition = partitionOf(config.region);
  return regionalArns(config).flatMap(([field, value]) => {
    const region = regionOfArn(value);
    return region === undefined || region === config.region || partitionOfArn(value) !== partition
      ? []
      : [problem(ARN_REGION_RULE.code, field, value, ARN_REGION_RULE.text)];
  });
}

/** The fields of an environment that may name a regional resource by ARN, each once, with its value. */
function regionalArns(config: EnvironmentConfig): [string, string][] {
  const arns: [string, string | undefined][] = [
    ['alarmTopicArn', config.alarmTopicArn],
    ...Object.entries(config.queues ?? {}).map(([key, queue]): [string, string | undefined] => [`queues.${key}.kmsKeyArn`, queue.kmsKeyArn]),
  ];
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    arns.push([`functions.${key}.kmsKeyArn`, fn.kmsKeyArn], [`functions.${key}.logsKmsKeyArn`, fn.logsKmsKeyArn]);
    (fn.eventSources ?? []).forEach((s, i) => arns.push([`functions.${key}.eventSources[${i}].queue`, s.queue], [`functions.${key}.eventSources[${i}].kmsKeyArn`, s.kmsKeyArn]));
    arns.push([`functions.${key}.asyncInvoke.onFailure`, fn.asyncInvoke?.onFailure]);
  }
  return arns.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** `schedules.cleanup` is not for a cleanup function with `cleanup.schedule`: that schedule has the key. */
function checkReservedScheduleKeys(config: EnvironmentConfig): Problem[] {
  return Object.entries(config.functions ?? {}).flatMap(([key, fn]) =>
    isReservedScheduleKey(fn, CLEANUP_SCHEDULE_KEY) && fn.schedules?.[CLEANUP_SCHEDULE_KEY] !== undefined
      ? [problem(CLEANUP_SCHEDULE_KEY_RULE.code, `functions.${key}.schedules.${CLEANUP_SCHEDULE_KEY}`, fn.schedules[CLEANUP_SCHEDULE_KEY], CLEANUP_SCHEDULE_KEY_RULE.text)]
      : [],
  );
}

/**
 * Names AWS needs unique are unique in the environment, defaults (`<namePrefix>-<key>`, reported
 * at the key) included: a function's name is also its role's and its log group's
 * (`/aws/lambda/<name>`). Schedules (`<functionName>-<key>`, `<functionName>-cleanup`) and
 * queues (`<queueName>`, `<queueName>-dlq`, a function's own `<functionName>-failures`) are
 * named from other names, so two different owners can make one name.
 */
function checkNamesUnique(config: EnvironmentConfig): Problem[] {
  const problems: Problem[] = [];
  // IAM role names (a function's role has its name) are unique whatever their case; layer names are not.
  // `derived`: what of the field's owner has the name (its dead-letter queue), when not the owner itself.
  const claim = (taken: Map<string, string>, code: string, what: string, name: string, field: string, anyCase = false, derived?: string) => {
    const key = anyCase ? name.toLowerCase() : name;
    const owner = taken.get(key);
    if (owner === undefined) taken.set(key, derived === undefined ? field : `the ${derived} of ${field}`);
    else problems.push(problem(code, field, name, `${derived === undefined ? '' : `(the name of its ${derived}) `}is already the name of ${owner}; each ${what} needs its own name`));
  };
  const layerNames = new Map<string, string>();
  for (const [key, layer] of Object.entries(config.layers ?? {})) {
    const field = layer.layerName === undefined ? `layers.${key}` : `layers.${key}.layerName`;
    claim(layerNames, 'layer-name-taken', 'layer', layerNameOf(config, key), field);
  }
  const functionNames = new Map<string, string>();
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    const field = fn.functionName === undefined ? `functions.${key}` : `functions.${key}.functionName`;
    claim(functionNames, 'function-name-taken', 'function (with its role and log group)', functionNameOf(config, key), field, true);
  }
  const scheduleNames = new Map<string, string>();
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    const functionName = fn.functionName ?? `${config.namePrefix}-${key}`;
    for (const scheduleKey of Object.keys(fn.schedules ?? {})) {
      if (isReservedScheduleKey(fn, scheduleKey)) continue; // reported by checkReservedScheduleKeys
      claim(scheduleNames, 'schedule-name-taken', 'schedule', scheduleName(functionName, scheduleKey), `functions.${key}.schedules.${scheduleKey}`);
    }
    if (fn.cleanup?.schedule !== undefined) {
      claim(scheduleNames, 'schedule-name-taken', 'schedule', scheduleName(functionName, CLEANUP_SCHEDULE_KEY), `functions.${key}.cleanup.schedule`);
    }
  }
  const queueNames = new Map<string, string>();
  for (const [key, queue] of Object.entries(config.queues ?? {})) {
    const field = queue.queueName === undefined ? `queues.${key}` : `queues.${key}.queueName`;
    const queueName = queue.queueName ?? `${config.namePrefix}-${key}`;
    claim(queueNames, 'queue-name-taken', 'queue', queueName, field);
    claim(queueNames, 'queue-name-taken', 'queue', deadLetterQueueName(queueName), field, false, 'dead-letter queue');
  }
  const invokedAsynchronously = asyncInvokedKeys(config);
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    if (!invokedAsynchronously.has(key) || fn.asyncInvoke?.onFailure !== undefined) continue;
    const field = fn.functionName === undefined ? `functions.${key}` : `functions.${key}.functionName`;
    claim(queueNames, 'queue-name-taken', 'queue', failureQueueName(fn.functionName ?? `${config.namePrefix}-${key}`), field, false, 'failure queue');
  }
  return problems;
}

/**
 * Problems that only show between environments: each needs its own name, account and state,
 * or `allowed_account_ids` and separate state can no longer keep one from touching the other.
 */
export function checkEnvironmentsApart(configs: readonly EnvironmentConfig[]): Problem[] {
  const problems: Problem[] = [];
  const seen = { name: new Map<string, string>(), account: new Map<string, string>(), state: new Map<string, string>() };
  const claim = (kind: keyof typeof seen, field: string, value: string, name: string, rule: string) => {
    const owner = seen[kind].get(value);
    if (owner === undefined) seen[kind].set(value, name);
    else problems.push(problem(`environment-${kind}-taken`, `${name}: ${field}`, value, `${rule}; environment "${owner}" uses it already`));
  };
  for (const config of configs) {
    claim('name', 'name', config.name, config.name, 'each environment needs its own name');
    claim(
      'account',
      'accountId',
      config.accountId,
      config.name,
      'each environment needs its own AWS account, so allowed_account_ids keeps one environment from being applied to another',
    );
    claim(
      'state',
      'backend bucket/key',
      `s3://${config.backend.bucket}/${stateKey(config)}`,
      config.name,
      'each environment needs its own state object (and so its own lock entry)',
    );
  }
  return problems;
}
