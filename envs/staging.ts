import { EnvironmentConfig } from '../stacks/environment-config';
import { bookshelfFleet, FleetSettings } from './fleet';

/** The example fleet's settings in staging (also used by the README's examples). */
export const stagingFleet: FleetSettings = {
  apiMemorySize: 512,
  workerReservedConcurrency: 2,
  logRetentionDays: 14,
  logLevel: 'DEBUG',
  imagesBucket: 'bookshelf-images-staging',
  databaseSecretArn: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:bookshelf-staging/database-AbCdEf',
  cleanupGoesLive: false,
};

/** Staging: its own account, smaller sizing, verbose logs kept briefly, cleanup in dry-run. */
export const staging: EnvironmentConfig = bookshelfFleet(
  {
    name: 'staging',
    accountId: '111111111111',
    region: 'us-west-2',
    namePrefix: 'bookshelf-staging',
    tags: { Project: 'bookshelf' },
    backend: {
      bucket: 'bookshelf-terraform-state-111111111111',
      dynamodbTable: 'bookshelf-terraform-locks',
    },
    artifactsBucket: 'bookshelf-artifacts-staging',
  },
  stagingFleet,
);
