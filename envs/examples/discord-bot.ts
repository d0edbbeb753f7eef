import { arn } from '../../core/arn';
import { EnvironmentConfig } from '../../stacks/environment-config';

const account = '555555555555';
const region = 'us-east-1';
const namePrefix = 'channelwright';

/**
 * A second fleet in the shape of seed 002: a Discord bot answering interactions behind an HTTP
 * API, which must reply within 3 seconds and so hands the slow work to a worker through a queue
 * (with its dead-letter queue); both attach one layer of Python dependencies. Synthesized by the
 * tests; not in the shipped environments.
 */
export const discordBot: EnvironmentConfig = {
  name: 'channelwright',
  accountId: account,
  region,
  namePrefix,
  backend: { bucket: `channelwright-terraform-state-${account}`, useLockfile: true },
  artifactsBucket: 'channelwright-artifacts',
  alarmTopicArn: arn({ partition: 'aws', service: 'sns', region, account, resource: `${namePrefix}-ops` }),
  layers: {
    dependencies: {
      description: 'boto3, requests, discord-interactions, PyNaCl',
      build: { requirementsFile: 'requirements.txt' },
    },
  },
  httpApis: {
    interactions: { description: "Discord's interactions endpoint", routes: { 'POST /interactions': 'bot' }, throttlingRateLimit: 50, throttlingBurstLimit: 100 },
  },
  queues: { work: {} },
  functions: {
    bot: {
      description: 'Verifies and acknowledges each interaction, and queues the work',
      handler: 'bot.handler',
      timeout: 3, // Discord waits 3 seconds for the reply
      layers: ['dependencies'],
      logging: { format: 'JSON', applicationLogLevel: 'INFO' },
      environmentVariables: { WORK_QUEUE: `${namePrefix}-work` },
      policyStatements: [
        { sid: 'QueueWork', actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [arn({ partition: 'aws', service: 'sqs', region, account, resource: `${namePrefix}-work` })] },
      ],
    },
    worker: {
      description: 'Does the work of an interaction and posts the follow-up message',
      handler: 'worker.handler',
      timeout: 60,
      reservedConcurrentExecutions: 5,
      layers: ['dependencies'],
      eventSources: [{ queue: 'work', batchSize: 1, maximumConcurrency: 5 }],
      logging: { format: 'JSON', applicationLogLevel: 'INFO' },
    },
  },
};
