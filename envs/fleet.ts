import { EnvironmentConfig } from '../stacks/environment-config';

/** What differs between environments of the example fleet. */
export interface FleetSettings {
  /** Memory of the API function (MB). */
  readonly apiMemorySize: number;
  /** Concurrency reserved for the worker, so a backlog cannot starve the API. */
  readonly workerReservedConcurrency: number;
  /** Days to keep function logs. */
  readonly logRetentionDays: number;
  /** Log level the handlers read from `LOG_LEVEL`. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARNING';
  /** Bucket holding the book images that the cleanup function prunes under `books/`. */
  readonly imagesBucket: string;
  /** ARN of the database secret the cleanup function reads its source of truth from. */
  readonly databaseSecretArn: string;
  /** Let the cleanup function delete; until then it only reports (`DRY_RUN=true`). */
  readonly cleanupGoesLive: boolean;
}

/**
 * The example fleet's layers and functions, the same in every environment: Python dependencies
 * in one layer, shared application code in a second (seed 003), and two small functions that
 * attach both, dependencies first, so shared code can import them. The API can start the worker
 * and the cleanup function (seed 001 task 6); the cleanup function may delete only under
 * `books/` of the images bucket (seed 004).
 */
export function bookshelfFleet(settings: FleetSettings): Pick<EnvironmentConfig, 'layers' | 'functions'> {
  return {
    layers: {
      deps: {
        description: 'Python dependencies shared by every function (built from the lock file)',
        compatibleRuntimes: ['python3.12'],
        compatibleArchitectures: ['x86_64'],
        build: { requirementsFile: 'backend/requirements.txt', lockFile: 'backend/poetry.lock' },
      },
      'shared-code': {
        description: 'Application code shared by every function (python/shared/)',
        compatibleRuntimes: ['python3.12'],
        compatibleArchitectures: ['x86_64'],
        build: { sourceDirectory: 'backend/shared' },
      },
    },
    functions: {
      api: {
        description: 'HTTP API',
        handler: 'app.main.handler',
        memorySize: settings.apiMemorySize,
        timeout: 30,
        layers: ['deps', 'shared-code'],
        invokes: ['worker', 'cleanup'],
        cloudwatchLogsRetentionInDays: settings.logRetentionDays,
        environmentVariables: { LOG_LEVEL: settings.logLevel },
        tracingMode: 'Active',
      },
      worker: {
        description: 'Background analysis jobs started by the API',
        handler: 'lambdas.worker.handler.handler',
        memorySize: 1024,
        timeout: 300,
        reservedConcurrentExecutions: settings.workerReservedConcurrency,
        layers: ['deps', 'shared-code'],
        cloudwatchLogsRetentionInDays: settings.logRetentionDays,
        environmentVariables: { LOG_LEVEL: settings.logLevel },
      },
      cleanup: {
        description: 'Deletes book images that no database row refers to',
        handler: 'lambdas.cleanup.handler.handler',
        memorySize: 512,
        timeout: 300,
        layers: ['deps', 'shared-code'],
        cloudwatchLogsRetentionInDays: settings.logRetentionDays,
        environmentVariables: { LOG_LEVEL: settings.logLevel },
        cleanup: {
          bucketName: settings.imagesBucket,
          prefix: 'books/',
          dryRun: !settings.cleanupGoesLive,
          schedule: 'rate(1 day)',
        },
        // The handler's source of truth, granted explicitly on the one secret it reads.
        policyStatements: [
          { sid: 'ReadDatabaseSecret', actions: ['secretsmanager:GetSecretValue'], resources: [settings.databaseSecretArn] },
        ],
      },
    },
  };
}
