import { Construct } from 'constructs';
import { ModuleStack } from '../lib/module-stack';
import { cleanupLambdaModule } from './cleanup-lambda';
import { lambdaModule } from './lambda';
import { lambdaLayerModule } from './lambda-layer';

/** Every generated module, by directory name under generated/modules/. */
export const TERRAFORM_MODULES: Readonly<Record<string, (scope: Construct) => ModuleStack>> = {
  'lambda-layer': lambdaLayerModule,
  lambda: lambdaModule,
  'cleanup-lambda': cleanupLambdaModule,
};
