import { EnvironmentConfig } from '../../stacks/environment-config';
import { bookshelfFleet, FleetSettings } from '../fleet';
import { prod, prodFleet } from '../prod';
import { staging, stagingFleet } from '../staging';

/**
 * The README's "Adding a function": the example fleet (envs/fleet.ts) with one more function,
 * whose text between the region markers is shown there. Each environment grants its own bucket.
 */
export function fleetWithThumbnails(environment: EnvironmentConfig, settings: FleetSettings): EnvironmentConfig {
  const fleet = bookshelfFleet(environment, settings);
  return {
    ...fleet,
    functions: {
      ...fleet.functions,
      // #region adding-a-function
      thumbnails: {
        handler: 'lambdas.thumbnails.handler.handler',
        memorySize: 1024,
        timeout: 60,
        layers: ['deps', 'shared-code'], // keys of this environment's layers, or layer version ARNs, in order
        invokes: ['analysis-worker'], // functions it may invoke: keys or function ARNs
        logging: { format: 'JSON', applicationLogLevel: settings.logLevel },
        policyStatements: [
          // from the fleet's settings, so each environment reads its own bucket
          { actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${settings.imagesBucket}/uploads/*`] },
        ],
      },
      // #endregion
    },
  };
}

/** Staging and production with the thumbnails function. */
export const withThumbnails: readonly EnvironmentConfig[] = [fleetWithThumbnails(staging, stagingFleet), fleetWithThumbnails(prod, prodFleet)];
