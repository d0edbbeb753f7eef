import { EnvironmentConfig, FunctionConfig, QueueConfig } from '../stacks/environment-config';

/**
 * One environment with `count` functions, each attaching two layers, as platform teams run.
 * `wired`: each function also consumes its own queue (with its dead-letter queue and their
 * alarms), runs on a schedule (so it gets an on-failure queue), and its alarms notify a topic.
 */
export function scaledEnvironment(count: number, wired = false): EnvironmentConfig {
  const functions: Record<string, FunctionConfig> = {};
  const queues: Record<string, QueueConfig> = {};
  for (let i = 0; i < count; i++) {
    const key = `fn-${String(i).padStart(4, '0')}`;
    if (wired) queues[`${key}-jobs`] = {};
    functions[key] = {
      handler: `lambdas.fn${i}.handler.handler`,
      memorySize: 256,
      timeout: 30,
      layers: ['deps', 'shared-code'],
      environmentVariables: { LOG_LEVEL: 'INFO' },
      ...(i % 10 === 1 ? { invokes: [`fn-${String(i - 1).padStart(4, '0')}`] } : {}),
      ...(wired
        ? {
            reservedConcurrentExecutions: 5,
            eventSources: [{ queue: `${key}-jobs`, maximumConcurrency: 5 }],
            schedules: { nightly: { expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Berlin' } },
          }
        : {}),
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
    ...(wired ? { queues, alarmTopicArn: 'arn:aws:sns:us-west-2:333333333333:scale-ops' } : {}),
  };
}
