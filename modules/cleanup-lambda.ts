import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { arn } from '../core/arn';
import { policyDocument, PolicyStatement } from '../core/policy-document';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { check, RULES, ruleTable } from '../core/rules';
import { LambdaFunction, LambdaFunctionProps } from './lambda-function';

/** What a cleanup function may clean. */
export interface CleanupScope {
  /** Name of the bucket to clean. */
  readonly bucketName: string;
  /**
   * The only key prefix the function may list and delete under, such as `books/`: not empty,
   * ending with `/`, no leading `/`, no wildcards.
   */
  readonly prefix: string;
  /**
   * Tell the handler to report what it would delete without deleting (`DRY_RUN=true`).
   * Going live is an explicit `dryRun: false`, which shows as `DRY_RUN = "false"` in the synth diff.
   * @default true
   */
  readonly dryRun?: boolean;
  /**
   * EventBridge Scheduler expression, `rate(1 day)` or `cron(0 3 * * ? *)`: the environment
   * stack schedules the function with it, as the schedule `<functionName>-cleanup` on its alias
   * (see `FunctionSchedules`), and gives it an on-failure queue. @default not scheduled
   */
  readonly schedule?: string;
}

/** The fields of a {@link CleanupScope}, as problems name them. */
export const CLEANUP_SCOPE_FIELDS = Object.freeze(['bucketName', 'prefix', 'dryRun', 'schedule'] as const satisfies readonly (keyof CleanupScope)[]);

/**
 * Properties of a {@link CleanupLambda}: a function and what it may clean. Its schedule is a
 * schedule like any function's (`FunctionSchedules`), so it is not one of them.
 */
export interface CleanupLambdaProps extends LambdaFunctionProps, Omit<CleanupScope, 'schedule'> {}

/** Environment variables the construct sets for the handler; callers may not set them. */
export const CLEANUP_ENVIRONMENT_VARIABLES = Object.freeze(['CLEANUP_BUCKET', 'CLEANUP_PREFIX', 'DRY_RUN'] as const);

/**
 * Actions denied to a cleanup function on every resource, so nothing it does is permanent while
 * the bucket keeps versions: it cannot delete a version, suspend versioning or add a lifecycle
 * rule that expires versions.
 */
export const CLEANUP_DENIED_ACTIONS = Object.freeze(['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'] as const);

/**
 * A function that deletes orphaned objects under one prefix of one bucket, and can do nothing
 * else there, whatever its handler does (seed 004: a cleanup handler listed a whole bucket and
 * deleted ~6,900 valid objects under every prefix).
 *
 * Its role may list the bucket only with `s3:prefix` under the prefix, and get and delete only
 * objects under it; explicit Deny statements keep that true even if other statements on the
 * role grant more, and forbid deleting versions or changing versioning and lifecycle anywhere.
 * It starts in dry-run mode. Everything else (layers, placeholder package, the ownership
 * contract, validation) is that of {@link LambdaFunction}.
 */
export class CleanupLambda extends LambdaFunction {
  readonly bucketName: string;
  readonly prefix: string;
  readonly dryRun: boolean;
  /** The inline policy that scopes the role to the prefix. */
  readonly scopePolicy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: CleanupLambdaProps) {
    super(scope, id, props);
    this.bucketName = props.bucketName;
    this.prefix = props.prefix;
    this.dryRun = props.dryRun ?? true;
    const userVariables = Object.keys(props.environmentVariables ?? {});

    this.addEnvironment('CLEANUP_BUCKET', props.bucketName);
    this.addEnvironment('CLEANUP_PREFIX', props.prefix);
    this.addEnvironment('DRY_RUN', String(this.dryRun));

    this.scopePolicy = new IamRolePolicy(this, 'scope-policy', {
      name: 'cleanup-scope',
      role: this.role.id,
      policy: policyDocument(cleanupStatements(props.bucketName, props.prefix, props.partition)),
    });


    addProblemCheck(this, () => [
      ...check('bucketName', props.bucketName, RULES.s3BucketName),
      ...checkPrefix(props.prefix),
      ...userVariables
        .filter((name) => (CLEANUP_ENVIRONMENT_VARIABLES as readonly string[]).includes(name))
        .map((name) =>
          problem('cleanup-environment-variable', 'environmentVariables name', name, 'is set by the cleanup construct from bucketName, prefix and dryRun'),
        ),
    ]);
  }
}

/** The statements of the scope policy. */
export function cleanupStatements(bucketName: string, prefix: string, partition: string = 'aws'): PolicyStatement[] {
  const bucket = arn({ partition, service: 's3', resource: bucketName });
  const objectsUnderPrefix = `${bucket}/${prefix}*`;
  const underPrefix = { 's3:prefix': [`${prefix}*`] };
  return [
    {
      sid: 'ListOnlyUnderPrefix',
      actions: ['s3:ListBucket'],
      resources: [bucket],
      conditions: { StringLike: underPrefix },
    },
    { sid: 'ReadAndDeleteOnlyUnderPrefix', actions: ['s3:GetObject', 's3:DeleteObject'], resources: [objectsUnderPrefix] },
    {
      sid: 'NeverListOutsidePrefix',
      effect: 'Deny',
      actions: ['s3:ListBucket'],
      resources: [bucket],
      // Also true when the request has no prefix at all: a whole-bucket listing is denied.
      conditions: { StringNotLike: underPrefix },
    },
    { sid: 'NeverDeleteOutsidePrefix', effect: 'Deny', actions: ['s3:DeleteObject'], notResources: [objectsUnderPrefix] },
    { sid: 'NothingPermanent', effect: 'Deny', actions: CLEANUP_DENIED_ACTIONS, resources: ['*'] },
  ];
}

/**
 * The rules a cleanup prefix must follow, as data: synth checks them with {@link checkPrefix}
 * (values only Terraform knows pass, as for every rule), and the generated module states the same
 * rules, with the same words, in Terraform's own functions (module-export/cleanup-lambda-module.ts).
 * The patterns are for synth only: `{0,1024}` is beyond RE2's repeat limit. A prefix that is ""
 * or "/" only reports the rules of {@link PREFIX_ALONE}.
 */
export const PREFIX_RULES = ruleTable(
  {
    // at least one character
    empty: { kind: 'pattern', pattern: '^[\\s\\S]', text: 'must not be empty: an empty prefix is the whole bucket' },
    // anything but "/" alone: empty (reported by the rule above), not starting with "/", or longer
    root: {
      kind: 'pattern',
      pattern: '^($|[^/]|[\\s\\S]{2})',
      text: 'must not be "/" alone: name the prefix to clean, such as "books/"',
    },
    leadingSlash: { kind: 'pattern', pattern: '^[^/]', text: 'must not start with "/": S3 keys have no leading slash, so nothing would match' },
    trailingSlash: {
      kind: 'pattern',
      pattern: '/$',
      text: 'must end with "/", or it also matches its neighbours ("books" matches "books-archive/")',
    },
    wildcard: { kind: 'pattern', pattern: '^[^*?]*$', text: 'must not contain wildcards (* or ?): IAM would read them as patterns' },
    length: { kind: 'pattern', pattern: '^[\\s\\S]{0,1024}$', text: 'must be at most 1024 characters long, like any S3 key' },
  },
  'prefix-',
);

/** The rules reported for a prefix that is "" or "/": the others would only repeat them. */
export const PREFIX_ALONE: readonly (keyof typeof PREFIX_RULES)[] = Object.freeze(['empty', 'root'] as const);

/** Problems with a cleanup prefix, each naming the rule it breaks. */
export function checkPrefix(prefix: string): Problem[] {
  const alone = prefix === '' || prefix === '/';
  const rules = Object.entries(PREFIX_RULES).filter(([key]) => (PREFIX_ALONE as readonly string[]).includes(key) === alone);
  return check('prefix', prefix, ...rules.map(([, rule]) => rule));
}
