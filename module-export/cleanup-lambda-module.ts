import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { RULES } from '../core/rules';
import { CleanupLambda, PREFIX_RULES } from '../modules/cleanup-lambda';
import { functionExtras, functionVariables } from './function-interface';

/** The `cleanup-lambda` module: a function that may clean one prefix of one bucket and nothing else. */
export function cleanupLambdaModule(scope: Construct): ModuleStack {
  const m = new ModuleStack(scope, 'cleanup-lambda');
  const cleanup = new CleanupLambda(m, 'lambda', {
    ...functionVariables(m),
    bucketName: m.variable('bucket_name', { type: 'string', description: 'Name of the bucket to clean.', rules: [RULES.s3BucketName] })
      .stringValue,
    prefix: m.variable('prefix', {
      type: 'string',
      description: 'The only key prefix the function may list and delete under, such as "books/".',
      // "" and "/" only report their own rule, as at synth time.
      conditions: PREFIX_RULES.map((rule, i) => [
        i < 2 ? rule.hcl.replace(/PREFIX/g, 'var.prefix') : `var.prefix == "" || var.prefix == "/" || ${rule.hcl.replace(/PREFIX/g, 'var.prefix')}`,
        rule.text,
      ]),
    }).stringValue,
    dryRun: m.variable('dry_run', {
      type: 'bool',
      default: true,
      description: 'Tell the handler to report what it would delete without deleting (DRY_RUN). Going live is an explicit false.',
    }).booleanValue as unknown as boolean,
    schedule: m.variable('schedule', {
      type: 'string',
      default: null,
      description: 'EventBridge schedule expression, rate(1 day) or cron(0 3 * * ? *). Default: not scheduled.',
      rules: [RULES.scheduleExpression],
    }).stringValue,
  });
  functionExtras(m, cleanup);
  return m;
}
