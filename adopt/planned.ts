import { LOCAL_AWS_ENDPOINT_VARIABLE } from '../core/local-endpoint';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack } from '../core/framework';
import { formatProblem } from '../core/problems';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { EnvironmentConfig } from '../stacks/environment-config';
import { collectProblems } from '../synth/collect-problems';
import { buildApp } from '../synth/synthesize';
import { withoutTokenStackTraces } from '../synth/without-token-stack-traces';
import { AdoptError } from './aws';

/** A resource the environment's stacks would create, as synthesized. */
export interface PlannedResource {
  /** `staging` or `bootstrap-staging`. */
  readonly stack: string;
  /** Terraform resource type: `aws_lambda_function`. */
  readonly type: string;
  /** `aws_lambda_function.api_function` */
  readonly address: string;
  /** Its arguments in the synthesized Terraform JSON; references stay `${type.name.attribute}`. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What synth would make of one environment. */
export interface PlannedEnvironment {
  readonly config: EnvironmentConfig;
  /** The environment's stack, then its bootstrap stack. */
  readonly stacks: readonly string[];
  /** Every resource of both stacks, by stack, then address. */
  readonly resources: readonly PlannedResource[];
}

/**
 * Builds the environment's stacks in this process, as synth does, and lists the resources they
 * hold, from the synthesized Terraform JSON: whatever the stacks come to hold is covered. The
 * import file is not applied (adopt reads it itself, and drops entries the stacks no longer
 * have). Nothing is written; the app's scratch directory is removed. Problems in the
 * configuration stop adopt, as they stop synth.
 */
export function planEnvironment(config: EnvironmentConfig, localEndpoint?: string): PlannedEnvironment {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'adopt-'));
  try {
    return withoutTokenStackTraces(() => {
      // As synth builds them for where they go: against an emulator, the bootstrap stack has no
      // TLS-only bucket policies. The scratch directory holds no import file.
      const env = localEndpoint === undefined ? {} : { [LOCAL_AWS_ENDPOINT_VARIABLE]: localEndpoint };
      const app = buildApp([config], { outdir: scratch, env, importsDirectory: scratch });
      const problems = collectProblems(app);
      if (problems.length > 0) {
        throw new AdoptError(
          `${config.name} cannot be synthesized (${problems.length} problem${problems.length === 1 ? '' : 's'}); fix them first, nothing was read or written:\n` +
            problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
        );
      }
      const stacks = [config.name, bootstrapStackName(config.name)];
      const resources = stacks.flatMap((id) => {
        const stack = app.node.tryFindChild(id);
        if (!stack || !TerraformStack.isStack(stack)) return [];
        const json = stack.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
        return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
          Object.entries(byName).map(([name, block]) => {
            const { '//': _metadata, ...resourceConfig } = block;
            return { stack: id, type, address: `${type}.${name}`, config: resourceConfig };
          }),
        );
      });
      const order = (r: PlannedResource) => `${stacks.indexOf(r.stack)} ${r.address}`;
      return { config, stacks, resources: resources.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)) };
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
