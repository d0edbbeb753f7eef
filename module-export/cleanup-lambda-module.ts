import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Fn, Op, TerraformIterator, TerraformVariable, Token } from '../core/framework';
import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { RULES } from '../core/rules';
import { policyDocument, policyDocumentExpression, statementObjects } from '../core/policy-document';
import { CleanupLambda, cleanupStatements, PREFIX_ALONE, PREFIX_RULES } from '../modules/cleanup-lambda';
import {
  DEFAULT_SCHEDULE_INPUT,
  DEFAULT_SCHEDULE_TIMEZONE,
  SCHEDULE_GROUP,
  SCHEDULE_RETRY_DEFAULTS,
  SCHEDULE_RULES,
  scheduleDescription,
  scheduleName,
  schedulerRoleName,
  schedulerStatements,
  schedulerTrustPolicy,
} from '../modules/function-schedules';
import { CLEANUP_SCHEDULE_KEY } from '../stacks/wire-schedules';
import { tagsOrNothing } from '../modules/lambda-function';
import { functionModule } from './function-module';
import { CLEANUP_LAMBDA_MOVES } from './moved-addresses';

/** The prefix rules in Terraform, `PREFIX` standing for the variable; the words are the rules' own. */
const PREFIX_CONDITIONS: { readonly [K in keyof typeof PREFIX_RULES]: string } = {
  empty: 'PREFIX != ""',
  root: 'PREFIX != "/"',
  leadingSlash: '!startswith(PREFIX, "/")',
  trailingSlash: 'endswith(PREFIX, "/")',
  wildcard: '!can(regex("[*?]", PREFIX))',
  length: 'length(PREFIX) <= 1024',
};

/**
 * The `cleanup-lambda` module: a function that may clean one prefix of one bucket and nothing else.
 * Besides what {@link functionModule} binds, `dry_run` replaces the construct's DRY_RUN, and the
 * schedule, a variable that may be null, is built here (see {@link scheduleOnEach}). The scope
 * policy's ARNs are in the partition of the caller's provider (`data.aws_partition`).
 */
export function cleanupLambdaModule(scope: Construct): ModuleStack {
  const m = new ModuleStack(scope, 'cleanup-lambda');
  const bucketName = m.variable('bucket_name', { type: 'string', description: 'Name of the bucket to clean.', rules: [RULES.s3BucketName] });
  const prefix = m.variable('prefix', {
    type: 'string',
    description: 'The only key prefix the function may list and delete under, such as "books/".',
    // "" and "/" only report their own rules, as at synth time.
    conditions: Object.entries(PREFIX_RULES).map(([key, rule]) => {
      const condition = PREFIX_CONDITIONS[key as keyof typeof PREFIX_RULES].replace(/PREFIX/g, 'var.prefix');
      const alone = (PREFIX_ALONE as readonly string[]).includes(key);
      return [alone ? condition : `var.prefix == "" || var.prefix == "/" || ${condition}`, rule.text];
    }),
  });
  const dryRun = m.variable('dry_run', {
    type: 'bool',
    default: true,
    description: 'Tell the handler to report what it would delete without deleting (DRY_RUN). Going live is an explicit false.',
  });
  const schedule = m.variable('schedule', {
    type: 'string',
    default: null,
    description:
      'EventBridge Scheduler expression, rate(1 day), cron(0 3 * * ? *) or at(2026-12-01T09:00:00): the schedule <function_name>-cleanup (UTC) invokes the alias. Default: not scheduled.',
    rules: [SCHEDULE_RULES.expression],
  });
  const cleanup = functionModule(m, (props) => {
    const fn = new CleanupLambda(m, 'lambda', { ...props, bucketName: bucketName.stringValue, prefix: prefix.stringValue });
    const partition = new DataAwsPartition(m, 'current').partition;
    fn.scopePolicy.policy = policyDocument(cleanupStatements(bucketName.stringValue, prefix.stringValue, partition));
    fn.addEnvironment('DRY_RUN', Token.asString(dryRun.booleanValue));
    return fn;
  });
  scheduleOnEach(m, cleanup, schedule.stringValue);
  m.movedFrom(CLEANUP_LAMBDA_MOVES);
  return m;
}

/**
 * The schedule of a cleanup module, a variable that may be null: the scheduler role, its policy
 * and the schedule `<function_name>-cleanup` (EventBridge Scheduler, on the alias) exist once per
 * non-null schedule, that is zero or one time, keyed by the expression, under the ids the
 * environment stack gives them (`FunctionSchedules`). The role trusts the scheduler of the
 * caller's account only.
 */
function scheduleOnEach(m: ModuleStack, fn: CleanupLambda, schedule: string): void {
  // Variables functionModule declared: the tags, and the on-failure destination (async-invoke-variables.ts).
  const variable = (name: string) => m.node.findChild(name) as TerraformVariable;
  const tags = Token.asStringMap(variable('tags').value);
  const perSchedule = TerraformIterator.fromList(Fn.compact([schedule]));
  const accountId = new DataAwsCallerIdentity(m, 'caller').accountId;
  const schedules = new Construct(fn, 'schedules');
  const destination = variable('destination_on_failure').stringValue;
  const sqsDestination = Fn.try([Op.eq(Fn.element(Fn.split(':', destination), 2), 'sqs'), false]);
  const [invoke, sendToDeadLetterQueue] = statementObjects(schedulerStatements(fn.aliasArn, { arn: destination }));
  const role = new IamRole(schedules, 'scheduler-role', {
    forEach: perSchedule,
    name: schedulerRoleName(fn.functionName),
    description: `Role EventBridge Scheduler assumes to invoke ${fn.functionName}:${fn.aliasName}`,
    assumeRolePolicy: schedulerTrustPolicy(accountId),
    tags: tagsOrNothing(tags),
  });
  const perRole = TerraformIterator.fromResources(role);
  const policy = new IamRolePolicy(schedules, 'scheduler-policy', {
    forEach: perRole,
    name: 'invoke-alias',
    role: perRole.getString('id'),
    // With an SQS destination_on_failure, the schedule's dead-letter queue, as in the stacks.
    policy: policyDocumentExpression(Token.asAny(Fn.concat([[invoke], Fn.conditional(sqsDestination, [sendToDeadLetterQueue], [])]))),
  });
  const resource = new SchedulerSchedule(schedules, CLEANUP_SCHEDULE_KEY, {
    forEach: perRole,
    name: scheduleName(fn.functionName, CLEANUP_SCHEDULE_KEY),
    groupName: SCHEDULE_GROUP,
    description: scheduleDescription(fn.functionName, perRole.key),
    scheduleExpression: perRole.key,
    scheduleExpressionTimezone: DEFAULT_SCHEDULE_TIMEZONE,
    state: 'ENABLED',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: fn.aliasArn,
      roleArn: perRole.getString('arn'),
      input: DEFAULT_SCHEDULE_INPUT,
      retryPolicy: { ...SCHEDULE_RETRY_DEFAULTS },
    },
    dependsOn: [policy],
  });
  resource.addOverride('target.dynamic.dead_letter_config', {
    for_each: Fn.conditional(sqsDestination, [destination], []),
    content: { arn: '${dead_letter_config.value}' },
  });
}
