import { EnvironmentConfig } from '../lib/environment';

/** What may differ between environments of the example fleet. */
export interface FleetSizing {
  /** Memory of the API function (MB). */
  readonly apiMemorySize: number;
  /** Concurrency reserved for the worker, so a backlog cannot starve the API. */
  readonly workerReservedConcurrency: number;
  /** Days to keep function logs. */
  readonly logRetentionDays: number;
  /** Log level the handlers read from `LOG_LEVEL`. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARNING';
}

/**
 * The example fleet's layers and functions, the same in every environment: Python dependencies
 * in one layer, shared application code in a second (seed 003), and two small functions that
 * attach both, dependencies first, so shared code can import them.
 */
export function bookshelfFleet(sizing: FleetSizing): Pick<EnvironmentConfig, 'layers' | 'functions'> {
  return {
    layers: {
      deps: {
        description: 'Python dependencies shared by every function (built from the lock file)',
        compatibleRuntimes: ['python3.12'],
        compatibleArchitectures: ['x86_64'],
      },
      'shared-code': {
        description: 'Application code shared by every function (python/shared/)',
        compatibleRuntimes: ['python3.12'],
        compatibleArchitectures: ['x86_64'],
      },
    },
    functions: {
      api: {
        description: 'HTTP API',
        handler: 'app.main.handler',
        memorySize: sizing.apiMemorySize,
        timeout: 30,
        layers: ['deps', 'shared-code'],
        invokes: ['worker'],
        cloudwatchLogsRetentionInDays: sizing.logRetentionDays,
        environmentVariables: { LOG_LEVEL: sizing.logLevel },
        tracingMode: 'Active',
      },
      worker: {
        description: 'Background analysis jobs started by the API',
        handler: 'lambdas.worker.handler.handler',
        memorySize: 1024,
        timeout: 300,
        reservedConcurrentExecutions: sizing.workerReservedConcurrency,
        layers: ['deps', 'shared-code'],
        cloudwatchLogsRetentionInDays: sizing.logRetentionDays,
        environmentVariables: { LOG_LEVEL: sizing.logLevel },
      },
    },
  };
}
