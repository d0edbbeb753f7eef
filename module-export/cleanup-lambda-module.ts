import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Fn, TerraformIterator, Token } from '../core/framework';
import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { RULES } from '../core/rules';
import { policyDocument } from '../core/policy-document';
import { CleanupLambda, cleanupStatements, PREFIX_ALONE, PREFIX_RULES, SCHEDULE_PERMISSION, scheduleDescription } from '../modules/cleanup-lambda';
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
    description: 'EventBridge schedule expression, rate(1 day) or cron(0 3 * * ? *). Default: not scheduled.',
    rules: [RULES.scheduleExpression],
  });
  functionModule(m, (props) => {
    const cleanup = new CleanupLambda(m, 'lambda', { ...props, bucketName: bucketName.stringValue, prefix: prefix.stringValue });
    const partition = new DataAwsPartition(m, 'current').partition;
    cleanup.scopePolicy.policy = policyDocument(cleanupStatements(bucketName.stringValue, prefix.stringValue, partition));
    cleanup.addEnvironment('DRY_RUN', Token.asString(dryRun.booleanValue));
    scheduleOnEach(cleanup, schedule.stringValue, props.tags);
    return cleanup;
  });
  m.movedFrom(CLEANUP_LAMBDA_MOVES);
  return m;
}

/**
 * The schedule of a cleanup module, a variable that may be null: the rule, its target and its
 * invoke permission exist once per non-null schedule, that is zero or one time, under the
 * construct's ids.
 */
function scheduleOnEach(fn: CleanupLambda, schedule: string, tags: Readonly<Record<string, string>> | undefined): void {
  const perSchedule = TerraformIterator.fromList(Fn.compact([schedule]));
  const rule = new CloudwatchEventRule(fn, 'schedule', {
    forEach: perSchedule,
    name: fn.functionName,
    description: scheduleDescription(fn.functionName, Token.asString(perSchedule.value)),
    scheduleExpression: Token.asString(perSchedule.value),
    tags: tagsOrNothing(tags),
  });
  const perRule = TerraformIterator.fromResources(rule);
  new CloudwatchEventTarget(fn, 'schedule-target', { forEach: perRule, rule: perRule.getString('name'), arn: fn.aliasArn });
  new LambdaPermission(fn, 'schedule-permission', {
    ...SCHEDULE_PERMISSION,
    forEach: perRule,
    functionName: fn.resource.functionName,
    qualifier: fn.alias.name,
    sourceArn: perRule.getString('arn'),
  });
}
