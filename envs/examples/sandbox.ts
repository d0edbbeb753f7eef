import { EnvironmentConfig } from '../../stacks/environment-config';
import { bookshelfFleet } from '../fleet';

// The README's "Adding an environment": the text between the region markers is shown there.
// #region adding-an-environment
export const sandbox: EnvironmentConfig = bookshelfFleet(
  {
    name: 'sandbox', // the stack name: cdktf deploy sandbox
    accountId: '333333333333', // the only account it may be applied to
    region: 'eu-west-1',
    namePrefix: 'bookshelf-sandbox',
    backend: { bucket: 'bookshelf-terraform-state-333333333333', dynamodbTable: 'bookshelf-terraform-locks' },
    artifactsBucket: 'bookshelf-artifacts-sandbox',
  },
  {
    apiMemorySize: 256,
    workerReservedConcurrency: 2, // at least 2: each worker's queue may start that many invocations
    logRetentionDays: 7,
    logLevel: 'DEBUG',
    imagesBucket: 'bookshelf-images-sandbox',
    databaseSecretArn: 'arn:aws:secretsmanager:eu-west-1:333333333333:secret:bookshelf-sandbox/database-MnOpQr',
    cleanupGoesLive: false,
  },
);
// #endregion
