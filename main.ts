import { environments } from './envs/index';
import { runSynth } from './synth/synthesize';

// LAMBDA_FLEET_GENERATED_DIR lets tests synthesize without touching the committed generated/.
process.exitCode = runSynth(environments, { generatedDir: process.env.LAMBDA_FLEET_GENERATED_DIR ?? 'generated' });
