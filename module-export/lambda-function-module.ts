import { Construct } from 'constructs';
import { ModuleStack } from './module-stack';
import { LambdaFunction } from '../modules/lambda-function';
import { functionModule } from './function-module';
import { LAMBDA_MOVES } from './moved-addresses';

/** The `lambda` module: a function with its role, log group and policies. */
export function lambdaFunctionModule(scope: Construct): ModuleStack {
  const m = new ModuleStack(scope, 'lambda');
  functionModule(m, (props) => new LambdaFunction(m, 'lambda', props));
  m.movedFrom(LAMBDA_MOVES);
  return m;
}
