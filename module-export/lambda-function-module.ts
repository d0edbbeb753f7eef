import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { LambdaFunction } from '../modules/lambda-function';
import { functionModule } from './function-module';

/** The `lambda` module: a function with its role, log group and policies. */
export function lambdaFunctionModule(scope: Construct): ModuleStack {
  const m = new ModuleStack(scope, 'lambda');
  functionModule(m, (props) => new LambdaFunction(m, 'lambda', props));
  return m;
}
