#!/usr/bin/env node
'use strict';
// The app command of cdktf.json. It runs main.ts as one precompiled bundle: resolving and
// loading cdktf's ~400 files one by one, and transpiling TypeScript on every synth, would cost
// more than the synthesis itself (see BENCHMARKS.md). The bundle is rebuilt only when a source
// file, the lock file, tsconfig.json or this file changes; type checking belongs to `npm test`,
// not to every synth. A crash shows TypeScript files and lines: the bundle has a source map,
// which Node loads with it and decodes only to print a stack trace (a synth that goes through
// prints none: see main.ts).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SOURCES = ['main.ts', 'core', 'contract', 'modules', 'stacks', 'module-export', 'synth', 'envs', 'package-lock.json', 'tsconfig.json', 'bin/app.js'];

function sourceFiles(entry) {
  const full = path.join(root, entry);
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** The bundle for the current sources, built when missing. */
function bundle() {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(sourceFiles)) hash.update(`${file}\n`).update(fs.readFileSync(path.join(root, file)));
  const cache = path.join(root, 'node_modules', '.cache', 'lambda-fleet');
  const file = path.join(cache, `app-${hash.digest('hex').slice(0, 16)}.js`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cache, { recursive: true });
  const { outputFiles } = require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: file,
    sourcemap: 'linked',
    sourcesContent: false, // the sources are beside it
    write: false,
    logLevel: 'warning',
  });
  // The map first, then the bundle, each renamed into place: a concurrent synth sees the whole
  // bundle, with its map, or none.
  for (const output of [...outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')))) {
    const building = `${output.path}.${process.pid}.tmp`;
    fs.writeFileSync(building, output.contents);
    fs.renameSync(building, output.path);
  }
  for (const old of fs.readdirSync(cache)) {
    if (/^app-[0-9a-f]{16}\.js(\.map)?$/.test(old) && !path.join(cache, old).startsWith(file)) fs.rmSync(path.join(cache, old), { force: true });
  }
  return file;
}

/**
 * The stack trace with each frame in the bundle put back at its TypeScript file and line. Done
 * only on a crash: Node's own source-map support (--enable-source-maps) would load and parse the
 * map on every synth, which costs more than the synthesis (see BENCHMARKS.md).
 */
function typescriptStack(stack, file) {
  const { SourceMap } = require('node:module');
  const map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
  file = fs.realpathSync(file); // frames name the file Node loaded
  const frame = /(\(|at )([^()\s]+):(\d+):(\d+)/g;
  return stack.replace(frame, (whole, before, frameFile, line, column) => {
    if (frameFile !== file) return whole;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !entry.originalSource) return whole;
    return `${before}${path.resolve(path.dirname(file), entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

const app = bundle();
try {
  require(app);
} catch (error) {
  process.stderr.write(`${error instanceof Error && error.stack ? typescriptStack(error.stack, app) : String(error)}\n`);
  process.exitCode = 1;
}
