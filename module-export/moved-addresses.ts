/**
 * Where the modules teams run today kept the resources a generated module now owns: one table
 * per module, rendered as its `moved` blocks (see {@link ModuleStack.movedFrom}), so that changing
 * a module call's `source` to `generated/modules/<module>` moves the function, its role, its log
 * group and the layer version in the state instead of destroying and recreating them.
 *
 * Terraform lets several `from` addresses name the same `to` (a state holds one of them), but not
 * a whole resource and one of its instances (`this` and `this[0]`): that pair is written as a
 * chain, `this` → `this[0]` → the module's own address.
 *
 * What no module can move is left to the caller's root (README, "Switching an existing HCL
 * root"): a resource whose instance keys are the caller's (`allowed_triggers`), and resources the
 * generated module writes differently, which the switch replaces with its own (the earlier
 * modules' policies and attachments, and a cleanup function's schedule, which has another name).
 */

/**
 * The modules a generated module takes over from:
 * - `hand-written`: the `lambda-layer`, `lambda` and `cleanup-lambda` modules of teams that split
 *   their functions into a shared layer and code packages by hand: `aws_lambda_layer_version.this`
 *   and `aws_lambda_function.this`, with the role, log group and policies around the function,
 *   each resource created once (no `count`);
 * - `terraform-aws-modules`: terraform-aws-modules/lambda v7 and v8 (its main.tf and iam.tf), one
 *   module for a function or, with `create_layer`, a layer; every resource counted, so its
 *   address ends in `[0]`.
 */
export type FormerModule = 'hand-written' | 'terraform-aws-modules';

/** One `moved` block: a resource's address in an earlier module and in the generated one. */
export interface ModuleMove {
  /** The generated module's address, `<type>.<name>`: a resource the module declares. */
  readonly to: string;
  /** The earlier module's address, with the instance key it had (`[0]` for a counted resource). */
  readonly from: string;
  readonly source: FormerModule;
}

const LAYER_VERSION = 'aws_lambda_layer_version.layer_version';
const FUNCTION = 'aws_lambda_function.lambda_function';
const ROLE = 'aws_iam_role.lambda_role';
const LOG_GROUP = 'aws_cloudwatch_log_group.lambda_log_group';

/** A function's resources in terraform-aws-modules/lambda, the same for both function modules. */
const TERRAFORM_AWS_MODULES_FUNCTION: readonly ModuleMove[] = [
  { to: FUNCTION, from: 'aws_lambda_function.this[0]', source: 'terraform-aws-modules' },
  { to: ROLE, from: 'aws_iam_role.lambda[0]', source: 'terraform-aws-modules' },
  { to: LOG_GROUP, from: 'aws_cloudwatch_log_group.lambda[0]', source: 'terraform-aws-modules' },
];

/** `generated/modules/lambda-layer`. */
export const LAMBDA_LAYER_MOVES: readonly ModuleMove[] = [
  { to: LAYER_VERSION, from: 'aws_lambda_layer_version.this', source: 'hand-written' },
  { to: LAYER_VERSION, from: 'aws_lambda_layer_version.this[0]', source: 'terraform-aws-modules' },
];

/** `generated/modules/lambda`. */
export const LAMBDA_MOVES: readonly ModuleMove[] = [
  { to: FUNCTION, from: 'aws_lambda_function.this', source: 'hand-written' },
  // Named <function_name>-exec-role there: the caller keeps that name with role_name.
  { to: ROLE, from: 'aws_iam_role.lambda_exec', source: 'hand-written' },
  { to: LOG_GROUP, from: 'aws_cloudwatch_log_group.lambda', source: 'hand-written' },
  ...TERRAFORM_AWS_MODULES_FUNCTION,
];

/** `generated/modules/cleanup-lambda`. */
export const CLEANUP_LAMBDA_MOVES: readonly ModuleMove[] = [
  { to: FUNCTION, from: 'aws_lambda_function.this', source: 'hand-written' },
  // Named <function_name>-role there: the caller keeps that name with role_name.
  { to: ROLE, from: 'aws_iam_role.this', source: 'hand-written' },
  { to: LOG_GROUP, from: 'aws_cloudwatch_log_group.this', source: 'hand-written' },
  ...TERRAFORM_AWS_MODULES_FUNCTION,
];

/**
 * The `moved` blocks of a table, in its order: `{ from, to }` for each move, except that a whole
 * resource whose `[0]` instance moves to the same address moves to that instance first.
 */
export function movedBlocks(moves: readonly ModuleMove[]): { from: string; to: string }[] {
  return moves.map(({ from, to }) => {
    const instance = `${from}[0]`;
    return { from, to: moves.some((other) => other.from === instance && other.to === to) ? instance : to };
  });
}
