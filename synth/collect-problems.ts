import { TerraformStack } from '../core/framework';
import { IConstruct } from 'constructs';
import { fieldAsWritten, Problem, problem, problemsOf } from '../core/problems';

/**
 * Runs the checks of every construct under `root`, across all stacks, and returns each problem
 * with its environment, its construct path and the field as the configuration writes it
 * (rendered as `[staging] staging/api: functions.api.memorySize = 64: must be a whole number from
 * 128 to 10240 MB`).
 *
 * cdktf's own `App.synth()` validates one stack at a time, just before writing it, so a bad
 * second stack would leave the first one freshly written beside stale output. Checking the
 * whole tree first is what lets synth write everything or nothing. Validations added the cdktf
 * way (`node.addValidation`) are collected too.
 */
export function collectProblems(root: IConstruct): Problem[] {
  return root.node.findAll().flatMap((construct) => {
    const found = [
      ...problemsOf(construct),
      ...construct.node.validate().map((message) => problem('construct-validation', 'construct', construct.node.path, message)),
    ];
    if (found.length === 0) return [];
    const stack = construct.node.scopes.find((scope) => TerraformStack.isStack(scope));
    const where = { environment: stack?.node.id, path: construct.node.path || '(app)' };
    // A problem that already names its environment (a config checked before it was built) keeps it.
    return found.map((p) => ({ ...where, ...p, field: fieldAsWritten(construct, p.field) }));
  });
}
