import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Thrown when the construct tree breaks one or more rules. It carries every problem in every
 * environment, so one synth run reports them all.
 */
export class ValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Synthesis stopped: ${problems.length} problem${problems.length === 1 ? '' : 's'} found, nothing was written.\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ValidationError';
  }
}

/**
 * Runs the validations of every construct under `root`, across all stacks, and returns each
 * problem prefixed with its environment and construct path:
 * `[staging] staging/api: memorySize = 64: must be a whole number from 128 to 10240 MB`.
 *
 * cdktf's own `App.synth()` validates one stack at a time, just before writing it, so a bad
 * second stack would leave the first one freshly written beside stale output. Validating the
 * whole tree first is what lets synth write everything or nothing.
 */
export function collectProblems(root: IConstruct): string[] {
  return root.node.findAll().flatMap((construct) => {
    const messages = construct.node.validate();
    if (messages.length === 0) return [];
    const stack = construct.node.scopes.find((scope) => TerraformStack.isStack(scope));
    const environment = stack ? stack.node.id : 'all environments';
    const path = construct.node.path || '(app)';
    return messages.map((message) => `[${environment}] ${path}: ${message}`);
  });
}
