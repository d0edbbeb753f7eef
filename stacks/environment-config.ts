import type { CleanupScope } from '../modules/cleanup-lambda';
import type { LambdaFunctionProps } from '../modules/lambda-function';
import type { LambdaLayerProps } from '../modules/lambda-layer';
import type { LayerBuild } from '../contract/release-manifest';
import { Problem, problem } from '../core/problems';
import { check, checkTags, RULES, ruleTable } from '../core/rules';

/** Where an environment keeps its Terraform state, and how it is locked. */
export interface BackendConfig {
  /** S3 bucket holding the state. */
  readonly bucket: string;
  /** Object key of the state; must differ between environments. @default `<namePrefix>/terraform.tfstate` */
  readonly key?: string;
  /** Region of the bucket and lock table. @default the environment's region */
  readonly region?: string;
  /**
   * DynamoDB table for state locking (hash key `LockID`, a string). Terraform 1.11 deprecates it
   * in favour of `useLockfile`; to migrate, set both, apply once, then remove this.
   * @default no DynamoDB locking: `useLockfile` must be on
   */
  readonly dynamodbTable?: string;
  /** S3-native state locking (a `.tflock` object beside the state); needs Terraform 1.10 or later. @default false */
  readonly useLockfile?: boolean;
  /** KMS key (ID, ARN or alias ARN) encrypting the state object. @default the bucket's default encryption */
  readonly kmsKeyId?: string;
  /** Role Terraform assumes to reach the state. @default the caller's credentials */
  readonly roleArn?: string;
}

/** A layer in an environment; see {@link LambdaLayerProps}. */
export interface LayerConfig extends Omit<LambdaLayerProps, 'layerName'> {
  /** @default `<namePrefix>-<key>` */
  readonly layerName?: string;
  /** What CI builds the layer from (see the release command). @default not built by the release command */
  readonly build?: LayerBuild;
}

/** A function in an environment; see {@link LambdaFunctionProps}. */
export interface FunctionConfig extends Omit<LambdaFunctionProps, 'functionName' | 'layers' | 'lambdaInvokeArns'> {
  /** @default `<namePrefix>-<key>` */
  readonly functionName?: string;
  /** Layers in attach order: keys of this environment's `layers`, or layer version ARNs. @default none */
  readonly layers?: readonly string[];
  /** Functions this one may invoke: keys of this environment's `functions`, or function ARNs. @default none */
  readonly invokes?: readonly string[];
  /** Makes this a cleanup function, scoped to one prefix of one bucket (see `CleanupLambda`). @default an ordinary function */
  readonly cleanup?: CleanupScope;
}

/** Everything that differs between environments. One per file in `envs/`. */
export interface EnvironmentConfig {
  /** Environment name: the stack name (`cdktf deploy <name>`). Lowercase letters, digits, hyphens. */
  readonly name: string;
  /** The only AWS account this environment may be applied to (the provider's `allowed_account_ids`). */
  readonly accountId: string;
  /** AWS region of the environment's resources. */
  readonly region: string;
  /** Prefix of every resource name, such as `bookshelf-staging`. */
  readonly namePrefix: string;
  /** Tags on every resource (the provider's `default_tags`), besides `Environment`. @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /** Remote state. */
  readonly backend: BackendConfig;
  /** Bucket CI uploads layer and function packages to (see the release manifest). */
  readonly artifactsBucket: string;
  /** Layers by key. @default none */
  readonly layers?: Readonly<Record<string, LayerConfig>>;
  /** Functions by key. @default none */
  readonly functions?: Readonly<Record<string, FunctionConfig>>;
}

export const ENVIRONMENT_RULES = ruleTable(
  {
  name: {
    kind: 'pattern',
    pattern: '^[a-z][a-z0-9-]{0,31}$',
    text: 'must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter',
  },
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

/** The state key an environment uses. */
export function stateKey(config: EnvironmentConfig): string {
  return config.backend.key ?? `${config.namePrefix}/terraform.tfstate`;
}

/** Problems with one environment's own settings (its layers and functions check themselves). */
export function checkEnvironment(config: EnvironmentConfig): Problem[] {
  const backend = config.backend ?? ({} as BackendConfig);
  return [
    ...check('name', config.name, ENVIRONMENT_RULES.name),
    ...check('accountId', config.accountId, RULES.accountId),
    ...check('region', config.region, RULES.region),
    ...check('namePrefix', config.namePrefix, ENVIRONMENT_RULES.namePrefix),
    ...checkTags('tags', config.tags),
    ...check('backend.bucket', backend.bucket, RULES.s3BucketName),
    ...check('artifactsBucket', config.artifactsBucket, RULES.s3BucketName),
    ...check('backend.key', stateKey(config), RULES.s3Key, RULES.s3KeyLength),
    ...(backend.region === undefined ? [] : check('backend.region', backend.region, RULES.region)),
    ...(backend.dynamodbTable === undefined ? [] : check('backend.dynamodbTable', backend.dynamodbTable, RULES.dynamodbTableName)),
    ...(backend.dynamodbTable === undefined && !backend.useLockfile
      ? [problem('state-not-locked', 'backend', { dynamodbTable: undefined, useLockfile: backend.useLockfile }, 'state must be locked: set dynamodbTable, useLockfile, or both while migrating')]
      : []),
    ...(backend.kmsKeyId === undefined ? [] : check('backend.kmsKeyId', backend.kmsKeyId, RULES.kmsKeyId)),
    ...(backend.roleArn === undefined ? [] : check('backend.roleArn', backend.roleArn, RULES.roleArn)),
    ...Object.keys(config.layers ?? {}).flatMap((key) => check('layers key', key, ENVIRONMENT_RULES.key)),
    ...Object.keys(config.functions ?? {}).flatMap((key) => check('functions key', key, ENVIRONMENT_RULES.key)),
  ];
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
      `s3://${config.backend?.bucket}/${stateKey(config)}`,
      config.name,
      'each environment needs its own state object (and so its own lock entry)',
    );
  }
  return problems;
}
