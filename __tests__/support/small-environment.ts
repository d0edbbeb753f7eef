import * as path from 'node:path';
import { Testing } from '../../core/framework';
import { formatProblem } from '../../core/problems';
import { EnvironmentConfig, FunctionConfig } from '../../stacks/environment-config';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { collectProblems } from '../../synth/collect-problems';
import { buildApp } from '../../synth/synthesize';
import { tempDir } from './synth';

/** The account of {@link smallEnvironment}. */
export const SMALL_ACCOUNT = '111111111111';

/** A small environment of its own (not the example fleet) with these functions. */
export function smallEnvironment(functions: Record<string, FunctionConfig>, more: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'scratch',
    accountId: SMALL_ACCOUNT,
    region: 'us-west-2',
    namePrefix: 'team-scratch',
    backend: { bucket: 'team-scratch-state', useLockfile: true },
    artifactsBucket: 'team-scratch-artifacts',
    functions,
    ...more,
  };
}

/** The environment's stack as synthesized, and the problems synth would report, in words (without the `[env] path:` prefix). */
export function synthSmall(config: EnvironmentConfig): { json: any; problems: string[] } {
  const dir = tempDir('small');
  const app = buildApp([config], { outdir: path.join(dir, 'out'), importsDirectory: path.join(dir, 'imports'), env: {} });
  const problems = collectProblems(app).map((p) => formatProblem({ ...p, path: undefined }));
  const stack = app.node.tryFindChild(config.name);
  return { json: stack ? JSON.parse(Testing.synth(stack as EnvironmentStack)) : undefined, problems };
}
