import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { runRelease } from '../release/cli';
import { tempDir } from './support/synth';
import { readZip } from './support/zip-reader';

// `functions package` runs on this machine only: no manifest, no credentials, no AWS call.

/** A backend tree as a checkout holds it, with Python caches as a test run leaves them. */
function writeTree(root: string, mtime: Date): string {
  const files: Record<string, string> = {
    'app/__init__.py': '',
    'app/main.py': 'def handler(event, context):\n    return {}\n',
    'app/__pycache__/main.cpython-312.pyc': 'cache',
    'lambdas/fn0/handler.py': 'def handler(event, context):\n    return 0\n',
    'lambdas/fn0/stale.pyc': 'cache',
    'requirements.txt': 'httpx==0.27.0\n',
    'tests/test_main.py': 'def test(): pass\n',
  };
  const source = path.join(root, 'backend');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.writeFileSync(path.join(source, file), content);
    fs.utimesSync(path.join(source, file), mtime, mtime);
  }
  return source;
}

async function release(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRelease(argv, { root: cwd, out: (line) => out.push(line), err: (line) => err.push(line), clients: () => { throw new Error('no AWS client is made'); } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('the same tree, checked out elsewhere at another time, packages to the same bytes; caches never, paths relative to --source', async () => {
  const first = tempDir('package-a');
  const second = tempDir('package-b');
  writeTree(first, new Date('2024-01-02T03:04:05Z'));
  writeTree(second, new Date('2025-06-07T08:09:10Z'));
  expect((await release(first, 'functions', 'package', '--source', 'backend', '--out', 'dist/backend.zip')).code).toBe(0);
  const result = await release(second, 'functions', 'package', '--source', path.join(second, 'backend'), '--out', path.join(second, 'backend.zip'));
  expect(result.code).toBe(0);
  const a = fs.readFileSync(path.join(first, 'dist', 'backend.zip'));
  const b = fs.readFileSync(path.join(second, 'backend.zip'));
  expect(a.equals(b)).toBe(true);
  expect(readZip(a).map((e) => e.name)).toEqual([
    'app/',
    'app/__init__.py',
    'app/main.py',
    'lambdas/',
    'lambdas/fn0/',
    'lambdas/fn0/handler.py',
    'requirements.txt',
    'tests/',
    'tests/test_main.py',
  ]);
  const sha = createHash('sha256').update(b).digest('base64');
  expect(result.out).toBe(`wrote ${path.join(second, 'backend.zip')} (5 files, ${b.length} bytes, CodeSha256 ${sha})`);
  expect(fs.readdirSync(second).sort()).toEqual(['backend', 'backend.zip']); // nothing half-written left
});

test('--include: only those top-level entries', async () => {
  const root = tempDir('package-include');
  writeTree(root, new Date());
  expect((await release(root, 'functions', 'package', '--source', 'backend', '--include', 'lambdas,app,requirements.txt', '--out', 'app.zip')).code).toBe(0);
  expect(readZip(fs.readFileSync(path.join(root, 'app.zip'))).map((e) => e.name)).toEqual([
    'app/',
    'app/__init__.py',
    'app/main.py',
    'lambdas/',
    'lambdas/fn0/',
    'lambdas/fn0/handler.py',
    'requirements.txt',
  ]);
});

test('--dry-run writes nothing; --json prints one document', async () => {
  const root = tempDir('package-dry');
  writeTree(root, new Date());
  const dry = await release(root, 'functions', 'package', '--source', 'backend', '--out', 'backend.zip', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/^\[dry run\] would write .*backend\.zip \(5 files, \d+ bytes, CodeSha256 .+\)$/);
  expect(fs.existsSync(path.join(root, 'backend.zip'))).toBe(false);
  const json = await release(root, 'functions', 'package', '--source', 'backend', '--out', 'backend.zip', '--json');
  expect(JSON.parse(json.out)).toMatchObject({ ok: true, command: 'functions package', files: 5, out: path.join(root, 'backend.zip') });
});

test('a symbolic link in the tree is refused, named, and nothing is written: the package holds what the tree holds', async () => {
  const root = tempDir('package-link');
  const source = writeTree(root, new Date());
  fs.symlinkSync('../requirements.txt', path.join(source, 'app', 'requirements.txt'));
  const result = await release(root, 'functions', 'package', '--source', 'backend', '--out', 'backend.zip');
  expect(result.code).toBe(1);
  expect(result.err).toBe(
    `release functions package failed: Error: ${path.join(source, 'app', 'requirements.txt')} is a symbolic link (to ../requirements.txt): ` +
      'a package holds files and directories only; replace the link with the file or directory it points to, or remove it',
  );
  expect(fs.existsSync(path.join(root, 'backend.zip'))).toBe(false);
  // --include names the top-level entries: a link there is refused too; a tree without the link packages
  fs.rmSync(path.join(source, 'app', 'requirements.txt'));
  fs.symlinkSync('app', path.join(source, 'shared'));
  const included = await release(root, 'functions', 'package', '--source', 'backend', '--include', 'app,shared', '--out', 'backend.zip');
  expect(included.code).toBe(1);
  expect(included.err).toContain(`${path.join(source, 'shared')} is a symbolic link (to app)`);
  expect((await release(root, 'functions', 'package', '--source', 'backend', '--include', 'app', '--out', 'backend.zip')).code).toBe(0);
});
