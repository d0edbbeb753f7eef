import { TerraformElement, TerraformResource, TerraformStack } from '../core/framework';
import { Construct, Node } from 'constructs';
import { addProblemCheck, Problem, problem } from '../core/problems';

/**
 * Readable Terraform names: the construct path below the stack, joined with `_`
 * (`staging/api/function` → `api_function`). cdktf's default appends a hash to every name,
 * which makes synth diffs and `terraform state` addresses hard to read. Paths are unique, so
 * names only collide if two ids differ by punctuation alone; {@link checkLogicalIds} reports that.
 */
export function readableLogicalId(stack: TerraformStack, node: Node): string {
  const below = node.scopes.slice(node.scopes.indexOf(stack) + 1).map((scope) => scope.node.id);
  return below.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Problems when two elements of the same kind (two functions, two variables) would get the same
 * Terraform name; elements of different kinds may share one, as in Terraform.
 */
export function checkLogicalIds(stack: TerraformStack): Problem[] {
  const owners = new Map<string, string>();
  const problems: Problem[] = [];
  for (const construct of stack.node.findAll()) {
    if (!TerraformElement.isTerraformElement(construct)) continue;
    const id = construct.friendlyUniqueId;
    const key = `${construct.constructor.name}:${id}`;
    const other = owners.get(key);
    if (other !== undefined) {
      problems.push(problem('terraform-name-taken', 'construct id', construct.node.path, `gives the same Terraform name "${id}" as ${other}; rename one`));
    } else {
      owners.set(key, construct.node.path);
    }
  }
  return problems;
}

/** A resource's Terraform address as synthesized: `aws_lambda_function.api_function`. */
export function resourceAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** Every resource of a stack, by its address. */
export function resourcesByAddress(stack: TerraformStack): Map<string, TerraformResource> {
  const resources = stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
  return new Map(resources.map((resource) => [resourceAddress(resource), resource]));
}

/** A stack whose Terraform names are readable construct paths; see {@link readableLogicalId}. */
export class ReadableStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    addProblemCheck(this, () => checkLogicalIds(this));
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    return readableLogicalId(this, TerraformElement.isTerraformElement(element) ? element.node : element);
  }
}
