import { synthesize } from '../synth/synthesize';
import { scaledEnvironment } from './scale-fleet';

// Synthesizes one environment of N functions and reports its own time and peak memory.
const count = Number(process.argv[2]);
const started = performance.now();
synthesize([scaledEnvironment(count)], { outdir: process.argv[3] });
process.stderr.write(`${JSON.stringify({ count, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS })}\n`);
