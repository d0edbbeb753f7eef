import { Token } from '../core/framework';
import { Problem, problem } from '../core/problems';
import { NETWORK_INTERFACE_ACTIONS, PolicyStatement } from '../core/policy-document';
import { ApplicationLogLevel, check, FieldPairRule, LogFormat, ruleTable, RULES, SystemLogLevel } from '../core/rules';

/** The VPC a function runs in: both lists, each not empty. */
export interface VpcSettings {
  /** Subnet ids, such as `subnet-0abc…`: 1 to 16. */
  readonly subnetIds: readonly string[];
  /** Security group ids, such as `sg-0abc…`: 1 to 5. */
  readonly securityGroupIds: readonly string[];
}

/** A function's structured logs (`logging_config`). */
export interface LoggingSettings {
  /** `JSON` (structured) or `Text`. @default 'JSON' */
  readonly format?: LogFormat;
  /** Least level of the handler's own log lines that is kept (JSON only). @default Lambda's: INFO */
  readonly applicationLogLevel?: ApplicationLogLevel;
  /** Least level of Lambda's own log lines (START, END, REPORT) that is kept (JSON only). @default Lambda's: INFO */
  readonly systemLogLevel?: SystemLogLevel;
}

/** The log format of a function's `logging` when it names none: structured. */
export const DEFAULT_LOG_FORMAT: LogFormat = 'JSON';

/**
 * Lambda's limits on a function's VPC, KMS keys and ephemeral storage
 * (https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html).
 */
export const FUNCTION_SETTINGS_RULES = ruleTable({
  subnetIds: { kind: 'items', min: 1, max: 16, what: 'subnet ids' },
  subnetId: {
    kind: 'pattern',
    pattern: '^subnet-[0-9a-f]{8,17}$',
    text: 'must be a subnet id: subnet- and 8 to 17 hexadecimal digits, such as subnet-0123456789abcdef0',
  },
  securityGroupIds: { kind: 'items', min: 1, max: 5, what: 'security group ids' },
  securityGroupId: {
    kind: 'pattern',
    pattern: '^sg-[0-9a-f]{8,17}$',
    text: 'must be a security group id: sg- and 8 to 17 hexadecimal digits, such as sg-0123456789abcdef0',
  },
  kmsKeyArn: RULES.kmsKeyArn,
  ephemeralStorageSize: { kind: 'range', min: 512, max: 10240, unit: 'MB' },
});

/**
 * Rules between a function's settings, in words. Synth checks them (modules/lambda-function.ts)
 * and the generated modules state them as validations, with these words.
 */
export const FUNCTION_SETTINGS_PAIR_RULES = Object.freeze({
  /** On a log level: Lambda refuses levels with the Text format. */
  logLevelWithoutJson: {
    code: 'log-level-without-json',
    text: 'log levels only apply to the JSON log format: leave the level out, or use JSON',
  },
  /** On the subnets or the security groups of a generated module: one without the other is no VPC. */
  vpcBothOrNeither: {
    code: 'vpc-both-or-neither',
    text: 'subnets and security groups go together: give both, or neither',
  },
} as const satisfies Record<string, FieldPairRule>);

/**
 * What Lambda needs to attach a function to a VPC: the network interface actions of the AWS
 * managed policy AWSLambdaVPCAccessExecutionRole (its logs actions are the function's own logs
 * policy already). None of them supports resource-level permissions: "*" is the only way.
 */
export const VPC_ACCESS_STATEMENTS: readonly PolicyStatement[] = Object.freeze([
  {
    sid: 'ManageNetworkInterfaces',
    actions: NETWORK_INTERFACE_ACTIONS,
    resources: ['*'],
  },
]);

/** The settings as a function's props name them. */
export interface FunctionSettings {
  readonly vpc?: VpcSettings;
  readonly logging?: LoggingSettings;
  readonly kmsKeyArn?: string;
  readonly logsKmsKeyArn?: string;
  readonly ephemeralStorageSize?: number;
}

/** Problems with a function's VPC, logs, KMS keys and ephemeral storage, each field as the props name it. */
export function checkFunctionSettings(settings: FunctionSettings): Problem[] {
  const R = FUNCTION_SETTINGS_RULES;
  const { vpc, logging } = settings;
  const problems: Problem[] = [];
  if (vpc !== undefined) {
    problems.push(...check('vpc.subnetIds', vpc.subnetIds, R.subnetIds));
    (Token.isUnresolved(vpc.subnetIds) ? [] : vpc.subnetIds).forEach((id, i) => problems.push(...check(`vpc.subnetIds[${i}]`, id, R.subnetId)));
    problems.push(...check('vpc.securityGroupIds', vpc.securityGroupIds, R.securityGroupIds));
    (Token.isUnresolved(vpc.securityGroupIds) ? [] : vpc.securityGroupIds).forEach((id, i) =>
      problems.push(...check(`vpc.securityGroupIds[${i}]`, id, R.securityGroupId)),
    );
  }
  if (logging !== undefined) {
    const format = logging.format ?? DEFAULT_LOG_FORMAT;
    if (logging.format !== undefined) problems.push(...check('logging.format', logging.format, RULES.logFormat));
    for (const level of ['applicationLogLevel', 'systemLogLevel'] as const) {
      const value = logging[level];
      if (value === undefined) continue;
      problems.push(...check(`logging.${level}`, value, level === 'applicationLogLevel' ? RULES.applicationLogLevel : RULES.systemLogLevel));
      if (format === 'Text') {
        const rule = FUNCTION_SETTINGS_PAIR_RULES.logLevelWithoutJson;
        problems.push(problem(rule.code, `logging.${level}`, value, rule.text));
      }
    }
  }
  if (settings.kmsKeyArn !== undefined) problems.push(...check('kmsKeyArn', settings.kmsKeyArn, R.kmsKeyArn));
  if (settings.logsKmsKeyArn !== undefined) problems.push(...check('logsKmsKeyArn', settings.logsKmsKeyArn, R.kmsKeyArn));
  if (settings.ephemeralStorageSize !== undefined) problems.push(...check('ephemeralStorageSize', settings.ephemeralStorageSize, R.ephemeralStorageSize));
  return problems;
}
