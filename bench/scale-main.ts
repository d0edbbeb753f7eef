import { synthesize } from '../synth/synthesize';
import { scaledEnvironment } from './scale-fleet';

// Synthesizes one environment of N functions (`wired`: each with a queue, a schedule and alarms)
// and reports its own time and peak memory.
const count = Number(process.argv[2]);
const wired = process.argv[4] === 'wired';
const started = performance.now();
synthesize([scaledEnvironment(count, wired)], { outdir: process.argv[3] });
process.stderr.write(`${JSON.stringify({ count, wired, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS })}\n`);
