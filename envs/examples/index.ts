import { EnvironmentConfig } from '../../stacks/environment-config';
import { prod } from '../prod';
import { staging } from '../staging';
import { stagingWithCleanup } from './cleanup-function';
import { discordBot } from './discord-bot';
import { sandbox } from './sandbox';
import { withThumbnails } from './thumbnails-function';
import { reports } from './wiring';

/**
 * The README's examples, and a second example fleet, as lists of environments, each synthesized
 * on its own by the tests (a new environment beside the shipped ones). They are not in the
 * shipped `environments` (envs/index.ts): `cdktf synth` never sees them.
 */
export const examples: Readonly<Record<string, readonly EnvironmentConfig[]>> = {
  'adding-an-environment': [staging, prod, sandbox],
  'adding-a-function': withThumbnails,
  'cleanup-function': [stagingWithCleanup],
  wiring: [reports],
  // not in the README: a second fleet, in the shape of seed 002
  'discord-bot': [discordBot],
};
