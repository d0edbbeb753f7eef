import { arn } from '../core/arn';
import { partitionOf } from '../core/regions';
import { EnvironmentConfig, LoggingConfig } from '../stacks/environment-config';

/** What differs between environments of the example fleet. */
export interface FleetSettings {
  /** Memory of the API function (MB). */
  readonly apiMemorySize: number;
  /**
   * Concurrency reserved for each worker (analysis, evaluation), so a backlog cannot starve the
   * API; its queue starts at most this many invocations (`maximumConcurrency`, so at least 2).
   */
  readonly workerReservedConcurrency: number;
  /** Days to keep function logs. */
  readonly logRetentionDays: number;
  /** Least level of the handlers' own log lines that is kept (structured JSON logs, `logging_config`). */
  readonly logLevel: NonNullable<LoggingConfig['applicationLogLevel']>;
  /** Bucket holding the book images that the cleanup function prunes under `books/`. */
  readonly imagesBucket: string;
  /** ARN of the database secret the cleanup function reads its source of truth from. */
  readonly databaseSecretArn: string;
  /** Let the cleanup function delete; until then it only reports (`DRY_RUN=true`). */
  readonly cleanupGoesLive: boolean;
}

/** The queues the API hands jobs to, each consumed by its own worker. */
const JOB_QUEUES = ['analysis-jobs', 'eval-jobs'] as const;
type JobQueue = (typeof JOB_QUEUES)[number];

/**
 * An environment with the example fleet, the systems of seed 001 (the same in every
 * environment): an HTTP API in front of the `api` function, which queues analysis and
 * evaluation jobs on `analysis-jobs` and `eval-jobs` (each with a dead-letter queue), consumed
 * by `analysis-worker` and `eval-worker`; and a `cleanup` function run once a day, which may
 * delete only under `books/` of the images bucket (seed 004). Every function attaches the Python
 * dependencies layer, then the shared application code layer (seed 003), so shared code can
 * import the dependencies, and logs JSON at the environment's level. Alarms notify the
 * environment's ops topic, `<namePrefix>-ops` in its own account and region.
 *
 * Layers, queues, HTTP APIs and functions the environment gives are added to the fleet's (one of
 * the same key replaces the fleet's), and its own `alarmTopicArn` wins: an environment may wire
 * more than the example fleet.
 */
export function bookshelfFleet(environment: EnvironmentConfig, settings: FleetSettings): EnvironmentConfig {
  const partition = partitionOf(environment.region);
  const inEnvironment = (service: string, resource: string) =>
    arn({ partition, service, region: environment.region, account: environment.accountId, resource });
  const queueName = (key: JobQueue) => `${environment.namePrefix}-${key}`;
  const logging: LoggingConfig = { format: 'JSON', applicationLogLevel: settings.logLevel };
  const worker = (description: string, handler: string, queue: JobQueue) => ({
    description,
    handler,
    memorySize: 1024,
    timeout: 300,
    reservedConcurrentExecutions: settings.workerReservedConcurrency,
    layers: ['deps', 'shared-code'],
    // one job per invocation: jobs run for minutes, and a failed one is retried alone
    eventSources: [{ queue, batchSize: 1, maximumConcurrency: settings.workerReservedConcurrency }],
    cloudwatchLogsRetentionInDays: settings.logRetentionDays,
    logging,
  });
  const fleet = {
    alarmTopicArn: inEnvironment('sns', `${environment.namePrefix}-ops`),
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
    httpApis: {
      // the whole application is one FastAPI app: every request goes to the api function
      public: { description: 'The bookshelf HTTP API', routes: { $default: 'api' } },
    },
    // each with its dead-letter queue, and a visibility timeout of 6 × its worker's timeout
    queues: { 'analysis-jobs': {}, 'eval-jobs': {} },
    functions: {
      api: {
        description: 'HTTP API: queues analysis and evaluation jobs for the workers',
        handler: 'app.main.handler',
        memorySize: settings.apiMemorySize,
        timeout: 30,
        layers: ['deps', 'shared-code'],
        cloudwatchLogsRetentionInDays: settings.logRetentionDays,
        logging,
        tracingMode: 'Active',
        environmentVariables: { ANALYSIS_JOBS_QUEUE: queueName('analysis-jobs'), EVAL_JOBS_QUEUE: queueName('eval-jobs') },
        // The API hands jobs to the workers through their queues, and may send to those two only.
        policyStatements: [
          {
            sid: 'QueueJobs',
            actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
            resources: JOB_QUEUES.map((key) => inEnvironment('sqs', queueName(key))),
          },
        ],
      },
      'analysis-worker': worker('Analysis jobs the API queues on analysis-jobs', 'lambdas.worker.handler.handler', 'analysis-jobs'),
      'eval-worker': worker('Evaluation runbook jobs the API queues on eval-jobs', 'lambdas.eval_runbook_worker.handler.handler', 'eval-jobs'),
      cleanup: {
        description: 'Deletes book images that no database row refers to',
        handler: 'lambdas.cleanup.handler.handler',
        memorySize: 512,
        timeout: 300,
        layers: ['deps', 'shared-code'],
        cloudwatchLogsRetentionInDays: settings.logRetentionDays,
        logging,
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
  } satisfies Partial<EnvironmentConfig>;
  return {
    ...environment,
    alarmTopicArn: environment.alarmTopicArn ?? fleet.alarmTopicArn,
    layers: { ...fleet.layers, ...environment.layers },
    httpApis: { ...fleet.httpApis, ...environment.httpApis },
    queues: { ...fleet.queues, ...environment.queues },
    functions: { ...fleet.functions, ...environment.functions },
  };
}
