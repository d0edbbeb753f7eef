import { withoutTokenStackTraces } from './synth/without-token-stack-traces';

// The app loads inside: cdktf makes tokens while it loads too, each with a stack trace otherwise.
process.exitCode = withoutTokenStackTraces(() => {
  const { environments }: typeof import('./envs/index') = require('./envs/index');
  const { runSynth }: typeof import('./synth/synthesize') = require('./synth/synthesize');
  // LAMBDA_FLEET_GENERATED_DIR and LAMBDA_FLEET_IMPORTS_DIR let tests synthesize without touching
  // the committed generated/ or reading the checkout's envs/imports/.
  return runSynth(environments, {
    generatedDir: process.env.LAMBDA_FLEET_GENERATED_DIR ?? 'generated',
    importsDirectory: process.env.LAMBDA_FLEET_IMPORTS_DIR,
  });
});
