import { EnvironmentConfig } from '../stacks/environment-config';
import { bookshelfFleet, FleetSettings } from './fleet';

/** The example fleet's settings in production (also used by the README's examples). */
export const prodFleet: FleetSettings = {
  apiMemorySize: 1024,
  workerReservedConcurrency: 10,
  logRetentionDays: 90,
  logLevel: 'INFO',
  imagesBucket: 'bookshelf-images-prod',
  databaseSecretArn: 'arn:aws:secretsmanager:us-west-2:222222222222:secret:bookshelf-prod/database-GhIjKl',
  cleanupGoesLive: false,
};

/**
 * Production: its own account, so allowed_account_ids keeps staging configs away from it.
 * The cleanup function stays in dry-run until its staging runs have been reviewed.
 */
export const prod: EnvironmentConfig = bookshelfFleet(
  {
    name: 'prod',
    accountId: '222222222222',
    region: 'us-west-2',
    namePrefix: 'bookshelf-prod',
    tags: { Project: 'bookshelf' },
    backend: {
      bucket: 'bookshelf-terraform-state-222222222222',
      dynamodbTable: 'bookshelf-terraform-locks',
    },
    artifactsBucket: 'bookshelf-artifacts-prod',
  },
  prodFleet,
);
