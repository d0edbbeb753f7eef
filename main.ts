import { environments } from './envs';
import { runSynth } from './lib/app';

process.exitCode = runSynth(environments, { generatedDir: 'generated' });
