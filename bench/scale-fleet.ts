import { EnvironmentConfig, FunctionConfig } from '../stacks/environment-config';

/** One environment with `count` functions, each attaching two layers, as platform teams run. */
export function scaledEnvironment(count: number): EnvironmentConfig {
  const functions: Record<string, FunctionConfig> = {};
  for (let i = 0; i < count; i++) {
    functions[`fn-${String(i).padStart(4, '0')}`] = {
      handler: `lambdas.fn${i}.handler.handler`,
      memorySize: 256,
      timeout: 30,
      layers: ['deps', 'shared-code'],
      environmentVariables: { LOG_LEVEL: 'INFO' },
      ...(i % 10 === 1 ? { invokes: [`fn-${String(i - 1).padStart(4, '0')}`] } : {}),
    };
  }
  return {
    name: 'scale',
    accountId: '333333333333',
    region: 'us-west-2',
    namePrefix: 'scale',
    backend: { bucket: 'scale-terraform-state', dynamodbTable: 'scale-terraform-locks' },
    artifactsBucket: 'scale-artifacts',
    layers: {
      deps: { compatibleRuntimes: ['python3.12'], build: { requirementsFile: 'requirements.txt' } },
      'shared-code': { compatibleRuntimes: ['python3.12'], build: { sourceDirectory: 'shared' } },
    },
    functions,
  };
}
