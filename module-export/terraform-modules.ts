import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { cleanupLambdaModule } from './cleanup-lambda-module';
import { lambdaModule } from './lambda-function-module';
import { lambdaLayerModule } from './lambda-layer-module';

/** Every generated module, by directory name under generated/modules/. */
export const TERRAFORM_MODULES: Readonly<Record<string, (scope: Construct) => ModuleStack>> = {
  'lambda-layer': lambdaLayerModule,
  lambda: lambdaModule,
  'cleanup-lambda': cleanupLambdaModule,
};
