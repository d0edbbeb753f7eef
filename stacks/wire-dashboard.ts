import { Construct } from 'constructs';
import { DashboardQueue, FleetDashboard } from '../modules/fleet-dashboard';
import { LambdaFunction } from '../modules/lambda-function';
import { ClaimIds } from './claim-ids';
import { EnvironmentConfig } from './environment-config';

/** The construct id of an environment's dashboard, claimed at the stack like every other. */
export const DASHBOARD_ID = 'fleet-dashboard';

/**
 * The environment's CloudWatch dashboard, named `<namePrefix>`: a row per function (on its
 * alias), then a row per queue (see {@link FleetDashboard}). Wired once every function exists.
 *
 * @param queues the environment's queues by key, as wireQueues returns them (each has a
 *   `queueName` and a `deadLetterQueueName`)
 * @param failureQueues the queue each function's failed asynchronous invocations go to, by
 *   function key (`<functionName>-failures` by default), once asynchronous failure handling is wired
 */
export function wireDashboard(
  stack: Construct,
  config: EnvironmentConfig,
  functions: Readonly<Record<string, LambdaFunction>>,
  queues: Readonly<Record<string, DashboardQueue>>,
  claim: ClaimIds,
  failureQueues: Readonly<Record<string, string>> = {},
): FleetDashboard | undefined {
  if (!claim('dashboard', config.namePrefix, [DASHBOARD_ID])) return undefined;
  return new FleetDashboard(stack, DASHBOARD_ID, {
    dashboardName: config.namePrefix,
    region: config.region,
    functions,
    queues,
    failureQueues,
  });
}
