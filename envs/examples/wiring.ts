import { EnvironmentConfig } from '../../stacks/environment-config';

/**
 * The README's "Wiring the fleet": an environment whose functions are reached through an HTTP
 * API, a function URL, a queue and a schedule, with alarms to an ops topic, and one function in
 * a VPC with structured logs, its own KMS keys and a larger /tmp. The text between the region
 * markers is shown there. Synthesized by the tests; not in the shipped environments.
 */
export const reports: EnvironmentConfig = {
  name: 'reports',
  accountId: '444444444444',
  region: 'eu-central-1',
  namePrefix: 'reports',
  backend: { bucket: 'reports-terraform-state-444444444444', useLockfile: true },
  artifactsBucket: 'reports-artifacts',
  // #region alarm-topic
  alarmTopicArn: 'arn:aws:sns:eu-central-1:444444444444:reports-ops', // every alarm of the environment notifies it
  // #endregion
  layers: { deps: { build: { requirementsFile: 'requirements.txt' } } },
  // #region queues
  queues: {
    // reports-exports, with its dead-letter queue reports-exports-dlq
    exports: { maxReceiveCount: 3, oldestMessageAlarmSeconds: 600 },
  },
  // #endregion
  // #region http-api
  httpApis: {
    public: {
      routes: { 'GET /reports/{id}': 'api', 'POST /exports': 'api' }, // route key → function key
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
      jwtAuthorizer: { issuer: 'https://auth.example.com/', audience: ['reports-web'] }, // on every route
      cors: { allowOrigins: ['https://reports.example.com'], allowHeaders: ['authorization', 'content-type'] },
    },
  },
  // #endregion
  functions: {
    api: {
      handler: 'api.handler',
      timeout: 10,
      layers: ['deps'],
      environmentVariables: { EXPORTS_QUEUE: 'reports-exports' },
      policyStatements: [
        { sid: 'QueueExports', actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: ['arn:aws:sqs:eu-central-1:444444444444:reports-exports'] },
      ],
    },
    // #region queue-worker
    exporter: {
      handler: 'exporter.handler',
      timeout: 120, // the queue's visibility timeout becomes 6 × 120 = 720 seconds
      reservedConcurrentExecutions: 4,
      layers: ['deps'],
      eventSources: [{ queue: 'exports', batchSize: 50, maximumBatchingWindowInSeconds: 10, maximumConcurrency: 4 }],
    },
    // #endregion
    // #region function-url
    webhook: {
      handler: 'webhook.handler',
      functionUrl: { cors: { allowOrigins: ['https://partner.example.com'], allowMethods: ['POST'] } }, // AWS_IAM: signed requests only
    },
    // #endregion
    // #region schedules
    digest: {
      handler: 'digest.handler',
      timeout: 60,
      layers: ['deps'],
      schedules: {
        weekly: { expression: 'cron(0 7 ? * MON *)', timezone: 'Europe/Berlin', input: '{"period": "week"}' },
        'month-end': { expression: 'cron(0 22 L * ? *)', timezone: 'Europe/Berlin', maximumRetryAttempts: 3 },
      },
      // failed invocations: one retry, then to its own queue reports-digest-failures
      asyncInvoke: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 },
    },
    // #endregion
    // #region function-settings
    renderer: {
      handler: 'renderer.handler',
      memorySize: 2048,
      timeout: 60,
      vpc: { subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'], securityGroupIds: ['sg-0123456789abcdef0'] },
      logging: { format: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      kmsKeyArn: 'arn:aws:kms:eu-central-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab', // environment variables
      logsKmsKeyArn: 'arn:aws:kms:eu-central-1:444444444444:key/abcd1234-ab12-cd34-ef56-abcdef123456', // its log group
      ephemeralStorageSize: 4096, // MB of /tmp
    },
    // #endregion
  },
};
