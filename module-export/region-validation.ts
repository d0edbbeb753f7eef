import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { ARN_REGION_RULE } from '../core/arn';
import { ModuleStack } from './module-stack';

/** The id of the module's one `aws_region` data source: the region its provider deploys to. */
const REGION_ID = 'region';

/** The Terraform expression of the region a module deploys to, its data source added on first use. */
export function moduleRegion(m: ModuleStack): string {
  const existing = m.node.tryFindChild(REGION_ID);
  const region = existing instanceof DataAwsRegion ? existing : new DataAwsRegion(m, REGION_ID, {});
  return `data.${region.terraformResourceType}.${region.friendlyUniqueId}.name`;
}

/**
 * Whether an ARN expression is in the module's region: `arn:<partition>:<service>:<region>:…`.
 * A value with no region field passes: its format is the format rule's to report.
 */
function inRegion(m: ModuleStack, arn: string): string {
  return `contains(["", ${moduleRegion(m)}], try(split(":", ${arn})[3], ""))`;
}

/**
 * A validation that an ARN (a Terraform expression) is in the module's region, in the words of
 * {@link ARN_REGION_RULE}, as synth checks an environment's: `[condition, rule in words]`.
 */
export function arnInModuleRegion(m: ModuleStack, arn: string): [string, string] {
  return [inRegion(m, arn), ARN_REGION_RULE.text];
}

/** The same, for every ARN of a list expression (nulls skipped): `[condition, "every <what> <rule>"]`. */
export function everyArnInModuleRegion(m: ModuleStack, arns: string, what: string): [string, string] {
  return [`alltrue([for x in ${arns} : x == null || ${inRegion(m, 'x')}])`, `every ${what} ${ARN_REGION_RULE.text}`];
}
