import { EnvironmentConfig } from '../../stacks/environment-config';
import { staging } from '../staging';

/**
 * The README's "Cleanup functions": staging with its cleanup function written out, as the text
 * between the region markers shows it there.
 */
export const stagingWithCleanup: EnvironmentConfig = {
  ...staging,
  functions: {
    ...staging.functions,
    // #region cleanup-function
    cleanup: {
      handler: 'lambdas.cleanup.handler.handler',
      layers: ['deps', 'shared-code'],
      cleanup: { bucketName: 'bookshelf-images-staging', prefix: 'books/', schedule: 'rate(1 day)' },
      policyStatements: [
        {
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:us-west-2:111111111111:secret:bookshelf-staging/database-AbCdEf'],
        },
      ],
    },
    // #endregion
  },
};
