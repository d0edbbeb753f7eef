import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformVariable } from '../core/framework';
import { Construct } from 'constructs';
import { ReadableStack, resourcesByAddress } from '../stacks/readable-stack';
import { addProblemCheck, problem } from '../core/problems';
import { Rule } from '../core/rules';
import { ModuleMove, movedBlocks } from './moved-addresses';
import { customValidation, ruleValidation, RuleTarget, VariableValidation } from './variable-validation';

/** The AWS provider versions a generated module accepts: 5.x and 6.x. */
export const MODULE_AWS_PROVIDER_VERSION = '>= 5.0';
/** Validations that refer to another variable (attach_policy_statements) need Terraform 1.9. */
export const MODULE_TERRAFORM_VERSION = '>= 1.9';

export interface ModuleVariableProps {
  /** Terraform type constraint, such as `string` or `list(string)`. */
  readonly type: string;
  readonly description: string;
  /** @default required: no default */
  readonly default?: unknown;
  /** Rules the value must satisfy, each rendered as a validation block. @default none */
  readonly rules?: readonly (Rule | [Rule, RuleTarget])[];
  /** Validations with a hand-written condition: `[condition, rule in words]`. @default none */
  readonly conditions?: readonly [string, string][];
}

/**
 * A stack that synthesizes as a reusable Terraform child module: variables in, outputs out, no
 * provider block and no backend, so callers configure both. Names are stable (`var.memory_size`,
 * `output.function_arn`): callers depend on them.
 */
export class ModuleStack extends ReadableStack {
  private readonly moves: ModuleMove[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Resources resolve their provider through a provider construct; its block is removed from
    // the output (toTerraform), so the caller's provider configuration applies.
    new AwsProvider(this, 'aws', {});
    addProblemCheck(this, () => {
      const resources = resourcesByAddress(this);
      return this.moves
        .filter((move) => !resources.has(move.to))
        .map((move) => problem('moved-to-unknown', `moved from ${move.from}`, move.to, `must be a resource of the ${id} module`));
    });
  }

  /**
   * Adds `moved` blocks from the addresses an earlier module gave this module's resources (see
   * module-export/moved-addresses.ts); each `to` must be a resource of this module.
   */
  movedFrom(moves: readonly ModuleMove[]): void {
    this.moves.push(...moves);
  }

  /** Declares an input variable with its description, type, default and validations. */
  variable(name: string, props: ModuleVariableProps): TerraformVariable {
    const optional = props.default === null;
    const validation: VariableValidation[] = [
      ...(props.rules ?? []).map((entry) =>
        Array.isArray(entry) ? ruleValidation(name, entry[0], entry[1], optional) : ruleValidation(name, entry, 'value', optional),
      ),
      ...(props.conditions ?? []).map(([condition, text]) => customValidation(name, condition, text, optional)),
    ];
    const variable = new TerraformVariable(this, name, {
      type: props.type,
      description: props.description,
      default: props.default ?? undefined,
      // Only a variable whose default is null may be null; for the others null is an error.
      nullable: optional ? undefined : false,
      validation: validation.length > 0 ? validation : undefined,
    });
    // An optional variable without a value: cdktf cannot render `default = null` itself.
    if (props.default === null) variable.addOverride('default', null);
    return variable;
  }

  /** Declares an output; it may share its name with a variable, as in Terraform. */
  output(name: string, value: unknown, description: string): TerraformOutput {
    const output = new TerraformOutput(this, `output-${name}`, { value, description });
    output.overrideLogicalId(name);
    return output;
  }

  toTerraform(): any {
    const config = withoutMetadata(super.toTerraform());
    delete config.provider;
    delete config.terraform.backend;
    config.terraform.required_version = MODULE_TERRAFORM_VERSION;
    config.terraform.required_providers = { aws: { source: 'hashicorp/aws', version: MODULE_AWS_PROVIDER_VERSION } };
    if (this.moves.length > 0) config.moved = [...(config.moved ?? []), ...movedBlocks(this.moves)];
    return config;
  }
}

/** Drops cdktf's `//` metadata blocks: a plain-Terraform caller has no use for them. */
function withoutMetadata(value: any): any {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '//').map(([key, v]) => [key, withoutMetadata(v)]));
}
