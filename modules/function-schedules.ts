import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Construct } from 'constructs';
import { isJson } from '../core/json-text';
import { optional } from '../core/known-values';
import { policyDocument, PolicyStatement } from '../core/policy-document';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { didYouMean } from '../core/nearest-name';
import { check, FieldPairRule, isToken, RULES, ruleTable, satisfies } from '../core/rules';
import { LambdaFunction, tagsOrNothing } from './lambda-function';
import { QueueTarget } from './queue-target';

/** One schedule of a function. Fields as an environment's `schedules` writes them. */
export interface ScheduleProps {
  /** `rate(1 day)`, `cron(0 3 * * ? *)` or `at(2026-12-01T09:00:00)`. */
  readonly expression: string;
  /** IANA time zone the expression is read in, such as `Europe/Berlin`. @default 'UTC' */
  readonly timezone?: string;
  /** Description of the schedule. @default "Runs <functionName> on <expression>" */
  readonly description?: string;
  /** The event the function receives, as JSON. @default {} */
  readonly input?: string;
  /** Whether the schedule runs (`state` ENABLED or DISABLED). @default true */
  readonly enabled?: boolean;
  /** Retries when the scheduler cannot invoke, 0 to 185. @default 185 */
  readonly maximumRetryAttempts?: number;
  /** Seconds the scheduler keeps trying, 60 to 86400. @default 86400 */
  readonly maximumEventAgeInSeconds?: number;
}

/** The schedule group every schedule is in. */
export const SCHEDULE_GROUP = 'default';
/** The defaults of a schedule's retry policy: EventBridge Scheduler's own. */
export const SCHEDULE_RETRY_DEFAULTS = Object.freeze({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 } as const);
/** The time zone of a schedule that names none. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';
/** The event a schedule sends when it names none. */
export const DEFAULT_SCHEDULE_INPUT = '{}';

/**
 * EventBridge Scheduler's limits on a schedule, as data: synth checks them and the generated
 * `cleanup-lambda` module renders the same rules as validations, with the same words.
 */
export const SCHEDULE_RULES = ruleTable(
  {
    name: {
      kind: 'pattern',
      pattern: '^[0-9A-Za-z_.-]{1,64}$',
      text: 'must give a schedule name (<functionName>-<key>) of 1 to 64 letters, digits, hyphens, underscores and dots',
    },
    // cron: ? in exactly one of day-of-month and day-of-week; at: a real month, day and time of day.
    expression: {
      kind: 'pattern',
      pattern:
        '^(rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)' +
        '|cron\\(\\S+ \\S+ (\\? \\S+ [^\\s?]+|[^\\s?]+ \\S+ \\?) \\S+\\)' +
        '|at\\([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\))$',
      text: 'must be an EventBridge Scheduler expression: rate(1 day), rate(6 hours), cron(<6 fields>) with ? as exactly one of day-of-month and day-of-week, or at(yyyy-mm-ddThh:mm:ss) with month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59',
    },
    timezone: {
      kind: 'pattern',
      pattern: '^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$',
      text: 'must be an IANA time zone name, such as Europe/Berlin or America/New_York, or UTC',
    },
    description: { kind: 'maxLength', max: 512 },
    maximumRetryAttempts: { kind: 'range', min: 0, max: 185, unit: '(retries when the scheduler cannot invoke)' },
    maximumEventAgeInSeconds: { kind: 'range', min: 60, max: 86400, unit: 'seconds' },
  },
  'schedule-',
);

/**
 * On a time zone that has the form of one: it must be in the time zone database. Synth checks it
 * against the database of the Node.js running it; Terraform has none, so the generated modules
 * check the form only.
 */
export const SCHEDULE_TIMEZONE_KNOWN_RULE = Object.freeze({
  code: 'schedule-timezone-unknown',
  text: 'is no time zone of the IANA time zone database, such as Europe/Berlin or America/New_York, or UTC',
});

/** Whether a time zone is in the time zone database (as the Node.js running synth knows it). */
function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** A schedule's `input` is the event the function receives: JSON. */
export const SCHEDULE_INPUT_RULE: FieldPairRule = Object.freeze({
  code: 'schedule-input',
  text: 'must be JSON, such as {"mode": "full"}: it is the event the function receives',
});

/** The role the scheduler assumes: its name, from the function's, within IAM's rule. */
export function schedulerRoleName(functionName: string): string {
  return `${functionName}-scheduler`;
}

/** A schedule's name: `<functionName>-<key>`. */
export function scheduleName(functionName: string, key: string): string {
  return `${functionName}-${key}`;
}

/** The description of a schedule that gives none. */
export function scheduleDescription(functionName: string, expression: string): string {
  return `Runs ${functionName} on ${expression}`;
}

/**
 * The trust policy of a scheduler role: EventBridge Scheduler may assume it, for schedules of
 * this account only (`aws:SourceAccount`), so no other account's schedule can use it.
 */
export function schedulerTrustPolicy(accountId: string): string {
  return policyDocument([
    {
      principal: { Service: 'scheduler.amazonaws.com' },
      actions: ['sts:AssumeRole'],
      conditions: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ]);
}

/**
 * What a scheduler role may do: invoke the function's alias, nothing else of Lambda; send to
 * the dead-letter queue, when there is one (with its KMS key, when it has one).
 */
export function schedulerStatements(aliasArn: string, deadLetterQueue?: QueueTarget): PolicyStatement[] {
  return [
    { sid: 'InvokeAlias', actions: ['lambda:InvokeFunction'], resources: [aliasArn] },
    ...(deadLetterQueue === undefined ? [] : [{ sid: 'SendToDeadLetterQueue', actions: ['sqs:SendMessage'], resources: [deadLetterQueue.arn] }]),
    ...(deadLetterQueue?.kmsKeyArn === undefined
      ? []
      : [{ sid: 'EncryptForDeadLetterQueue', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [deadLetterQueue.kmsKeyArn] }]),
  ];
}

/** Properties of a function's {@link FunctionSchedules}. */
export interface FunctionSchedulesProps {
  /** The account the schedules are in: the only one whose scheduler may assume the role. */
  readonly accountId: string;
  /**
   * Where the scheduler puts an event it could not deliver (after its retries): an SQS queue,
   * usually the function's on-failure queue (see `AsyncInvoke`). @default none: the event is dropped
   */
  readonly deadLetterQueue?: QueueTarget;
  /** Tags of the scheduler role. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A function's EventBridge Scheduler schedules (group `default`), each named
 * `<functionName>-<key>` and invoking the function's ALIAS, never `$LATEST`, with the scheduler's
 * retry policy and, when given, a dead-letter queue. One scheduler role per function, named
 * `<functionName>-scheduler`: trusted by scheduler.amazonaws.com for this account only, allowed
 * to invoke the alias and to send to the dead-letter queue, nothing else.
 *
 * Make it a child of the function (`new FunctionSchedules(fn, 'schedules', …)`) and add the
 * schedules with {@link add}.
 */
export class FunctionSchedules extends Construct {
  /** The role the scheduler assumes to invoke the alias. */
  readonly role: IamRole;
  /** Its one inline policy. */
  readonly policy: IamRolePolicy;
  /** The schedules by key. */
  readonly schedules: Record<string, SchedulerSchedule> = {};
  private readonly fn: LambdaFunction;
  private readonly deadLetterQueue?: QueueTarget;

  constructor(fn: LambdaFunction, id: string, props: FunctionSchedulesProps) {
    super(fn, id);
    this.fn = fn;
    this.deadLetterQueue = props.deadLetterQueue;
    const roleName = schedulerRoleName(fn.functionName);
    this.role = new IamRole(this, 'scheduler-role', {
      name: roleName,
      description: `Role EventBridge Scheduler assumes to invoke ${fn.functionName}:${fn.aliasName}`,
      assumeRolePolicy: schedulerTrustPolicy(props.accountId),
      tags: tagsOrNothing(props.tags),
    });
    this.policy = new IamRolePolicy(this, 'scheduler-policy', {
      name: 'invoke-alias',
      role: this.role.id,
      policy: policyDocument(schedulerStatements(fn.aliasArn, props.deadLetterQueue)),
    });
    addProblemCheck(this, () => check('schedules', roleName, { ...RULES.roleName, code: 'scheduler-role-name', text: `must give a scheduler role name (<functionName>-scheduler) that ${RULES.roleName.text}` }));
  }

  /**
   * Adds a schedule, `<functionName>-<key>`. `fieldAs` says how its problems name its fields
   * (`expression` → `schedules.nightly.expression`, the default, or `schedule` for a cleanup
   * function's); `name` is the field the derived name is reported at.
   */
  add(key: string, schedule: ScheduleProps, fieldAs: (field: keyof ScheduleProps | 'name') => string = (field) => (field === 'name' ? `schedules.${key}` : `schedules.${key}.${field}`)): SchedulerSchedule {
    const fn = this.fn;
    const name = scheduleName(fn.functionName, key);
    const resource = new SchedulerSchedule(this, key, {
      name,
      groupName: SCHEDULE_GROUP,
      description: schedule.description ?? scheduleDescription(fn.functionName, schedule.expression),
      scheduleExpression: schedule.expression,
      scheduleExpressionTimezone: schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
      state: schedule.enabled === false ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        // The schedule invokes the alias, the version CI promoted, never $LATEST.
        arn: fn.aliasArn,
        roleArn: this.role.arn,
        input: schedule.input ?? DEFAULT_SCHEDULE_INPUT,
        retryPolicy: {
          maximumRetryAttempts: schedule.maximumRetryAttempts ?? SCHEDULE_RETRY_DEFAULTS.maximumRetryAttempts,
          maximumEventAgeInSeconds: schedule.maximumEventAgeInSeconds ?? SCHEDULE_RETRY_DEFAULTS.maximumEventAgeInSeconds,
        },
        deadLetterConfig: this.deadLetterQueue === undefined ? undefined : { arn: this.deadLetterQueue.arn },
      },
      // The role may invoke the alias before the first run.
      dependsOn: [this.policy],
    });
    this.schedules[key] = resource;
    addProblemCheck(resource, () => checkSchedule(name, schedule, fieldAs));
    return resource;
  }
}

/** Problems with one schedule, its derived name included, each field named by `fieldAs`. */
export function checkSchedule(name: string, schedule: ScheduleProps, fieldAs: (field: keyof ScheduleProps | 'name') => string): Problem[] {
  return [
    ...check(fieldAs('name'), name, SCHEDULE_RULES.name),
    ...check(fieldAs('expression'), schedule.expression, SCHEDULE_RULES.expression),
    ...optional(fieldAs('timezone'), schedule.timezone, SCHEDULE_RULES.timezone),
    ...(schedule.timezone === undefined || isToken(schedule.timezone) || !satisfies(SCHEDULE_RULES.timezone, schedule.timezone) || isKnownTimezone(schedule.timezone)
      ? []
      : [
          problem(
            SCHEDULE_TIMEZONE_KNOWN_RULE.code,
            fieldAs('timezone'),
            schedule.timezone,
            `${SCHEDULE_TIMEZONE_KNOWN_RULE.text}${didYouMean(schedule.timezone, Intl.supportedValuesOf('timeZone'))}`,
          ),
        ]),
    ...optional(fieldAs('description'), schedule.description, SCHEDULE_RULES.description),
    ...optional(fieldAs('maximumRetryAttempts'), schedule.maximumRetryAttempts, SCHEDULE_RULES.maximumRetryAttempts),
    ...optional(fieldAs('maximumEventAgeInSeconds'), schedule.maximumEventAgeInSeconds, SCHEDULE_RULES.maximumEventAgeInSeconds),
    ...(schedule.input === undefined || isJson(schedule.input) ? [] : [problem(SCHEDULE_INPUT_RULE.code, fieldAs('input'), schedule.input, SCHEDULE_INPUT_RULE.text)]),
  ];
}
