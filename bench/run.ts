import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

// npm run bench: measures synth and tests against their floors and writes BENCHMARKS.md.
// Compared commands alternate within one run, so load on the machine hits both alike.
//
//   npm run bench -- --base <checkout> [--rounds <n>]
//
// --base also times another checkout (with its node_modules installed), such as the commit
// before a change, alternating with this one: its app command (synth of the shipped
// environments, 10 rounds) and `npm test` (<n> rounds, default 3), each after one warm-up run.

const root = path.resolve(__dirname, '..');
const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const base = option('--base') === undefined ? undefined : path.resolve(option('--base')!);
const testRounds = Number(option('--rounds') ?? 3);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
const timeBinary = ['/usr/bin/time', '/bin/time'].find((p) => fs.existsSync(p));

interface Run {
  readonly seconds: number;
  readonly peakKb?: number;
}

/** Runs a command once: wall time, and peak RSS of its largest process when GNU time is there. */
function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const stats = path.join(scratch, 'time.txt');
  const [cmd, argv] = timeBinary ? [timeBinary, ['-f', '%M', '-o', stats, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, argv, { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const peakKb = timeBinary ? Number(fs.readFileSync(stats, 'utf8').trim().split('\n').pop()) : undefined;
  return { seconds, peakKb };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Alternates the commands `rounds` times and returns each one's runs. */
function alternate<R extends Run>(rounds: number, commands: Record<string, () => R>): Record<string, R[]> {
  const runs: Record<string, R[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(commands)) runs[name].push(run());
  }
  return runs;
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const s1 = (seconds: number) => `${seconds.toFixed(1)} s`;
const mb = (kb?: number) => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MB`);
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
/** An environment whose synth writes only below the scratch directory. */
const isolated = (name: string) => {
  fs.mkdirSync(path.join(scratch, name), { recursive: true }); // cdktf creates only the last level
  return {
  CHECKPOINT_DISABLE: '1',
  CDKTF_OUTDIR: path.join(scratch, name, 'cdktf.out'),
  LAMBDA_FLEET_GENERATED_DIR: path.join(scratch, name, 'generated'),
  };
};

// 1. The app command against the floor app.
const { app } = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string };
const [appCommand, ...appArgs] = app.split(' ');
measure(appCommand, appArgs, { env: isolated('warm') }); // builds the bundle once, as the first synth after a change does
const apps = alternate(10, {
  app: () => measure(appCommand, appArgs, { env: isolated('app') }),
  floor: () => measure('node', [path.join(root, 'bench', 'floor-app.js')], { env: isolated('floor') }),
});

// 2. cdktf synth end to end, against cdktf synth of the floor app.
const floorProject = path.join(scratch, 'floor-project');
fs.mkdirSync(floorProject);
fs.writeFileSync(
  path.join(floorProject, 'cdktf.json'),
  JSON.stringify({ language: 'typescript', app: `node ${path.join(root, 'bench', 'floor-app.js')}`, projectId: 'bench-floor', sendCrashReports: 'false' }),
);
fs.symlinkSync(path.join(root, 'node_modules'), path.join(floorProject, 'node_modules'));
const synths = alternate(5, {
  app: () => measure(cdktf, ['synth', '--output', path.join(scratch, 'cli-app')], { env: isolated('cli-app') }),
  floor: () => measure(cdktf, ['synth', '--output', path.join(scratch, 'cli-floor')], { cwd: floorProject, env: isolated('cli-floor') }),
});

// 3. Scaling: one environment with N functions, two layers each.
const scaleBundle = path.join(scratch, 'scale.js');
buildSync({ entryPoints: [path.join(root, 'bench', 'scale-main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: scaleBundle, logLevel: 'warning', nodePaths: [path.join(root, 'node_modules')] });
const sizes = [10, 100, 500, 2000];
const scaling = sizes.map((count) => {
  const runs = [0, 1, 2].map(() => measure('node', [scaleBundle, String(count), path.join(scratch, `scale-${count}`)]));
  return { count, seconds: median(runs.map((r) => r.seconds)), peakKb: Math.max(...runs.map((r) => r.peakKb ?? 0)) || undefined };
});
const slope = (() => {
  const n = scaling.length;
  const mx = scaling.reduce((a, p) => a + p.count, 0) / n;
  const my = scaling.reduce((a, p) => a + p.seconds, 0) / n;
  return scaling.reduce((a, p) => a + (p.count - mx) * (p.seconds - my), 0) / scaling.reduce((a, p) => a + (p.count - mx) ** 2, 0);
})();
const linearity = scaling.map((p) => p.seconds - (scaling[0].seconds + slope * (p.count - scaling[0].count)));
// 500 functions, plain and wired (each with its queue and dead-letter queue, a schedule, an
// on-failure queue and their alarms), alternating.
const wiring = alternate(3, {
  plain: () => measure('node', [scaleBundle, '500', path.join(scratch, 'wired-plain')]),
  wired: () => measure('node', [scaleBundle, '500', path.join(scratch, 'wired-500'), 'wired']),
});
const wiredSeconds = median(wiring.wired.map((r) => r.seconds));
const plainSeconds = median(wiring.plain.map((r) => r.seconds));
const wiredPeakKb = Math.max(...wiring.wired.map((r) => r.peakKb ?? 0)) || undefined;

// 3b. The release command: a layer release to N functions against a fake Lambda in the
// benchmark's process, each update running for 1 s of real time (bench/release-fleet.ts).
interface ReleaseRun {
  readonly count: number;
  readonly seconds: number;
  readonly maxUpdating: number;
  readonly requests: Record<string, number>;
  readonly peakGetFunctionPerSecond: number;
}
const releaseRuns = [100, 500].map((count): ReleaseRun => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'release-fleet.ts'), String(count)], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`bench/release-fleet.ts ${count} failed:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ReleaseRun;
});
const RELEASE_TARGETS: Record<number, number> = { 100: 15, 500: 60 };
const RELEASE_CONCURRENCY = 10;

// 4. npm test: its unit part, and the whole (type check, unit and integration suites, the
// lifecycle, adoption and switching suites against the AWS API emulator included).
const unit = measure('npm', ['run', '--silent', 'test:unit']);
const whole = measure('npm', ['test', '--silent']);

// 5. npm test against another checkout. Each tree keeps one private TMPDIR across its runs:
// what a run leaves there is counted, and a cache kept there (jest's, by default) stays warm.
interface TestRun extends Run {
  readonly left: number;
}
const loadBefore = os.loadavg()[0];
const comparison = base === undefined ? undefined : (() => {
  const trees = { base, this: root };
  const tmp = Object.fromEntries(Object.keys(trees).map((name) => [name, fs.mkdtempSync(path.join(scratch, `tmpdir-${name}-`))]));
  const npmTest = (name: keyof typeof trees): TestRun => {
    const before = fs.readdirSync(tmp[name]).length;
    const run = measure('npm', ['test'], { cwd: trees[name], env: { TMPDIR: tmp[name] } });
    return { ...run, left: fs.readdirSync(tmp[name]).length - before };
  };
  // Synth of the shipped environments: the app command in each tree, the bundle built first.
  const appIn = (name: keyof typeof trees) => measure(appCommand, appArgs, { cwd: trees[name], env: isolated(`app-${name}`) });
  appIn('base');
  appIn('this');
  const synthRuns = alternate(10, { base: () => appIn('base'), this: () => appIn('this') });
  const warmUp = { base: npmTest('base'), this: npmTest('this') };
  const runs = alternate(testRounds, { base: () => npmTest('base'), this: () => npmTest('this') });
  return { synthRuns, warmUp, runs, commit: (dir: string) => git(dir, 'rev-parse', '--short', 'HEAD') + (git(dir, 'status', '--porcelain') ? ' with uncommitted changes' : '') };
})();
const loadAfter = os.loadavg()[0];

function git(cwd: string, ...args: string[]): string {
  return spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();
}

const appMedian = median(apps.app.map((r) => r.seconds));
const floorMedian = median(apps.floor.map((r) => r.seconds));
const synthMedian = median(synths.app.map((r) => r.seconds));
const floorSynthMedian = median(synths.floor.map((r) => r.seconds));
const at500 = scaling.find((p) => p.count === 500)!;
const at2000 = scaling.find((p) => p.count === 2000)!;
const synthMedians = comparison && { base: median(comparison.synthRuns.base.map((r) => r.seconds)), this: median(comparison.synthRuns.this.map((r) => r.seconds)) };
const testMedians = comparison && { base: median(comparison.runs.base.map((r) => r.seconds)), this: median(comparison.runs.this.map((r) => r.seconds)) };
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0];

const report = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}. Compared commands alternate
within the run; times are medians of wall-clock time, peak memory is the largest process's RSS.

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()};
Node.js ${process.version}; ${terraform}.

| Measure | Result | Floor | Ratio | Target | |
|---|---:|---:|---:|---|---|
| app command (\`${app}\`), ${apps.app.length} runs | ${s(appMedian)} | ${s(floorMedian)} | ${(appMedian / floorMedian).toFixed(2)}× | ≤ 2× the floor | ${verdict(appMedian <= 2 * floorMedian)} |
| \`cdktf synth\` end to end, ${synths.app.length} runs | ${s(synthMedian)} | ${s(floorSynthMedian)} | ${(synthMedian / floorSynthMedian).toFixed(2)}× | ≤ 1.15× the floor's | ${verdict(synthMedian <= 1.15 * floorSynthMedian)} |
| 500 functions: time | ${s(at500.seconds)} | | | < 3 s, linear | ${verdict(at500.seconds < 3)} |
| 500 functions: peak memory | ${mb(at500.peakKb)} | | | < 300 MB | ${verdict(at500.peakKb !== undefined && at500.peakKb < 300 * 1024)} |
| 500 functions, each with a queue, a schedule and alarms: time | ${s(wiredSeconds)} | ${s(plainSeconds)} (500 plain) | ${(wiredSeconds / plainSeconds).toFixed(2)}× | < 3× the plain fleet's | ${verdict(wiredSeconds < 3 * plainSeconds)} |
| 500 functions, each with a queue, a schedule and alarms: peak memory | ${mb(wiredPeakKb)} | | | < 400 MB | ${verdict(wiredPeakKb !== undefined && wiredPeakKb < 400 * 1024)} |
| 2000 functions: time | ${s(at2000.seconds)} | | | | |
| 2000 functions: peak memory | ${mb(at2000.peakKb)} | | | < 250 MB | ${verdict(at2000.peakKb !== undefined && at2000.peakKb < 250 * 1024)} |
${releaseRuns.map((r) => `| layer release to ${r.count} functions, fake Lambda, 1 s per update | ${s(r.seconds)}, at most ${r.maxUpdating} updating at once | | | ≤ ${RELEASE_TARGETS[r.count]} s, at most ${RELEASE_CONCURRENCY} at once | ${verdict(r.seconds <= RELEASE_TARGETS[r.count] && r.maxUpdating <= RELEASE_CONCURRENCY)} |`).join('\n')}
| unit tests (\`npm run test:unit\`) | ${s(unit.seconds)}, ${mb(unit.peakKb)} | | | < 20 s | ${verdict(unit.seconds < 20)} |
| \`npm test\`, everything, on ${os.cpus().length} cores | ${s(whole.seconds)}, ${mb(whole.peakKb)} | | | < 4 min | ${verdict(whole.seconds < 240)} |
${synthMedians ? `| synth of the shipped environments (app command), ${comparison!.synthRuns.this.length} runs | ${s(synthMedians.this)} | ${s(synthMedians.base)} (base) | ${(synthMedians.this / synthMedians.base).toFixed(2)}× | ≤ 1.1× the base's | ${verdict(synthMedians.this <= 1.1 * synthMedians.base)} |
` : ''}${testMedians ? `| \`npm test\`, median of ${testRounds} runs | ${s(testMedians.this)} | ${s(testMedians.base)} (base) | ${(testMedians.this / testMedians.base).toFixed(2)}× | ≤ 0.5× the base's | ${verdict(testMedians.this <= 0.5 * testMedians.base)} |
` : ''}
The floor app (bench/floor-app.js) loads cdktf and synthesizes one empty stack, as precompiled
JavaScript. The app command runs \`bin/app.js\`, which runs the app as one esbuild bundle, rebuilt only
when a source changes (the first synth after a change pays about half a second more for that).

## Scaling: one environment, N functions with two layers each

| Functions | Time | Peak memory | Off the straight line |
|---:|---:|---:|---:|
${scaling.map((p, i) => `| ${p.count} | ${s(p.seconds)} | ${mb(p.peakKb)} | ${(linearity[i] * 1000).toFixed(0)} ms |`).join('\n')}

Slope: ${(slope * 1000).toFixed(2)} ms per function (least squares over the ${sizes.length} sizes).

## Release: a layer release against a fake Lambda

\`npm run release -- layer release\` (the build found, one version published, then every function
moved to it) against a fake Lambda in the benchmark's process (bench/release-fleet.ts: an HTTP
server the command's own AWS clients call), each update running for 1 s of real time, at the
default concurrency (${RELEASE_CONCURRENCY}). Alone: \`node --import tsx bench/release-fleet.ts <functions> [<concurrency>]\`.

| Functions | Time | Most updating at once | GetFunction calls per function | GetFunction calls, busiest second |
|---:|---:|---:|---:|---:|
${releaseRuns.map((r) => `| ${r.count} | ${s(r.seconds)} | ${r.maxUpdating} | ${(r.requests.GetFunction / r.count).toFixed(1)} | ${r.peakGetFunctionPerSecond} |`).join('\n')}

Updates are polled with GetFunction (a quota of its own: 100 requests per second), every 250 ms
for 2 s, then at doubling intervals up to 2 s. UpdateFunctionConfiguration shares Lambda's
15 requests per second for the other control-plane calls: ${RELEASE_CONCURRENCY} updates of about a second each stay under it.

${comparison ? testComparison(comparison) : `## \`npm test\` against an earlier commit

Not measured in this run: \`npm run bench -- --base <checkout>\` (see bench/run.ts).
`}
## What bounds the rest

- \`cdktf synth\` is mostly the cdktf CLI itself: its own start and its work around the app take
  ${s(floorSynthMedian - floorMedian)} even for the empty floor app, against ${s(floorMedian)} for that app alone.
- Integration tests run the real Terraform CLI and the cdktf CLI; most of their time is
  Terraform's, and most of that is the 700 MB \`hashicorp/aws\` provider starting again for every
  init, validate, plan, apply or test run and reading its whole schema (about 4 s of CPU each;
  a quarter less with \`GOGC=400\`, which the tests set unless the caller has one). The
  lifecycle suites (one per environment, in parallel) apply, plan and destroy against moto about a
  dozen times each, and take most of the run; the rest of the suites fill the second core.
`;
function testComparison(c: NonNullable<typeof comparison>): string {
  const row = (name: 'base' | 'this', label: string) => {
    const runs = c.runs[name];
    const seconds = runs.map((r) => r.seconds);
    const m = median(seconds);
    const spread = Math.max(...seconds.map((x) => Math.abs(x - m) / m));
    return `| ${label} | ${[c.warmUp[name], ...runs].map((r, i) => (i === 0 ? `(${s1(r.seconds)})` : s1(r.seconds))).join(', ')} | ${s1(m)} | ±${(spread * 100).toFixed(0)}% | ${mb(Math.max(...runs.map((r) => r.peakKb ?? 0)) || undefined)} | ${median(runs.map((r) => r.left))} |`;
  };
  const ratio = testMedians!.this / testMedians!.base;
  return `## \`npm test\`: this tree against ${c.commit(base!)}

The whole \`npm test\` (type check and every suite) in this tree (${c.commit(root)}) and in a checkout of
${c.commit(base!)}, alternating: one warm-up run each (in brackets, not counted), then ${testRounds} rounds. Each tree
keeps one private TMPDIR across its runs; the last column counts what one run left in it.

| Tree | Runs | Median | Runs off the median by at most | Peak memory (largest process) | Left in TMPDIR per run |
|---|---|---:|---:|---:|---:|
${row('base', `base (${c.commit(base!)})`)}
${row('this', `this tree (${c.commit(root)})`)}

Ratio of the medians: **${ratio.toFixed(2)}** (target ≤ 0.50: ${verdict(ratio <= 0.5)}). Load average ${loadBefore.toFixed(1)} before the
comparison and ${loadAfter.toFixed(1)} after, on ${os.cpus().length} cores: whatever else runs on the machine slows single runs, and
alternating exposes both trees to it alike.
`;
}

fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), report);
fs.rmSync(scratch, { recursive: true, force: true });
process.stdout.write(report);
