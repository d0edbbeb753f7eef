import { EnvironmentConfig } from '../stacks/environment-config';
import { prod } from './prod';
import { staging } from './staging';

/** Every environment synthesized by `cdktf synth`; each becomes a stack of the same name. */
export const environments: readonly EnvironmentConfig[] = [staging, prod];
