import { environments } from './envs';
import { runSynth } from './lib/app';

// LAMBDA_FLEET_GENERATED_DIR lets tests synthesize without touching the committed generated/.
process.exitCode = runSynth(environments, { generatedDir: process.env.LAMBDA_FLEET_GENERATED_DIR ?? 'generated' });
