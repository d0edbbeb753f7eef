import { PARTITIONS } from './regions';
import { FieldPairRule, ruleTable } from './rules';

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  /**
   * `aws`, `aws-cn` or `aws-us-gov` (see core/regions.ts); in a generated module, a reference to
   * the caller's `aws_partition` data source.
   */
  readonly partition: string;
  /** Service namespace: `s3`, `lambda`, `iam`. */
  readonly service: string;
  /** @default empty, as for global resources such as S3 buckets and IAM roles */
  readonly region?: string;
  /** @default empty, as for S3 buckets */
  readonly account?: string;
  /** The resource part: `my-bucket/books/*`, `layer:deps`. */
  readonly resource: string;
}

/** The one way this project writes an ARN, in the partition of the environment it is for. */
export function arn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region ?? ''}:${parts.account ?? ''}:${parts.resource}`;
}

/** The partition segment of an ARN (`aws-us-gov`), or undefined for anything that is not an ARN. */
export function partitionOfArn(value: string): string | undefined {
  return /^arn:([^:]*):/.exec(value)?.[1];
}

/** The region of an ARN (`arn:aws:sqs:eu-west-1:…` → `eu-west-1`); undefined for a global resource's or no ARN. */
export function regionOfArn(value: string): string | undefined {
  return /^arn:[^:]*:[^:]*:([^:]+):/.exec(value)?.[1];
}

/**
 * On an ARN of a regional resource an environment's resources use: it must be in their region.
 * An event source mapping is created in its queue's region, a KMS key encrypts in its own region
 * only, and CloudWatch refuses alarm actions to an SNS topic in another region.
 */
export const ARN_REGION_RULE: FieldPairRule = Object.freeze({
  code: 'arn-region',
  text: "must be in the environment's region: AWS refuses an event source queue, KMS key, failure destination or alarm topic of another region",
});

export const ARN_RULES = ruleTable({
  /** A resource of an IAM policy statement, as written in an environment's config. */
  policyResource: {
    kind: 'pattern',
    pattern: `^([*]|arn:(${PARTITIONS.join('|')}):[a-z0-9-]+:[a-z0-9*?-]*:([0-9*?]*|aws):.+)$`,
    text: 'must be "*" or an ARN: arn:<partition>:<service>:<region>:<account>:<resource>, with partition aws, aws-cn or aws-us-gov',
  },
});
