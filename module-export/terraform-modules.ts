import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { cleanupLambdaModule } from './cleanup-lambda-module';
import { lambdaFunctionModule } from './lambda-function-module';
import { lambdaLayerModule } from './lambda-layer-module';

/** Every generated module, by directory name under generated/modules/. */
export const TERRAFORM_MODULES: Readonly<Record<string, (scope: Construct) => ModuleStack>> = {
  'lambda-layer': lambdaLayerModule,
  lambda: lambdaFunctionModule,
  'cleanup-lambda': cleanupLambdaModule,
};
