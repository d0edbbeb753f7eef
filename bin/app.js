#!/usr/bin/env node
'use strict';
// The app command of cdktf.json. It runs main.ts as one precompiled bundle: resolving and
// loading cdktf's ~400 files one by one, and transpiling TypeScript on every synth, would cost
// more than the synthesis itself (see BENCHMARKS.md). The bundle is rebuilt only when a source
// file or the lock file changes; type checking belongs to `npm test`, not to every synth.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SOURCES = ['main.ts', 'core', 'contract', 'modules', 'stacks', 'module-export', 'synth', 'envs', 'package-lock.json', 'tsconfig.json'];

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
  const building = `${file}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: building,
    logLevel: 'warning',
  });
  fs.renameSync(building, file); // atomic: a concurrent synth sees the whole bundle or none
  for (const old of fs.readdirSync(cache)) {
    if (/^app-[0-9a-f]{16}\.js$/.test(old) && path.join(cache, old) !== file) fs.rmSync(path.join(cache, old), { force: true });
  }
  return file;
}

require(bundle());
