import * as fs from 'node:fs';
import * as path from 'node:path';
import { deterministicZip, directoryEntries, notFileOrDirectory, ZipEntry } from '../core/deterministic-zip';
import { isPythonCache, PackageRequest } from './arguments';
import { Reporter } from './context';
import { codeSha256 } from './functions';

/**
 * The entries of a code package: the files of `source` (with `include`, only those top-level
 * entries) at paths relative to it, with their directories; never `__pycache__/` or `*.pyc`. A
 * symbolic link is refused, named: the package holds what the tree holds.
 */
export function packageEntries(source: string, include?: readonly string[]): ZipEntry[] {
  if (include === undefined) return directoryEntries(source, '');
  return include.flatMap((name): ZipEntry[] => {
    if (isPythonCache(name)) return [];
    const full = path.join(source, name);
    const stat = fs.lstatSync(full);
    if (stat.isDirectory()) return directoryEntries(full, `${name}/`);
    if (stat.isFile()) return [{ path: name, content: fs.readFileSync(full) }];
    throw notFileOrDirectory(full);
  });
}

/**
 * Builds a code package whose bytes depend only on the files' paths and contents (sorted entries,
 * fixed times and permissions): the same tree packaged twice, anywhere and at any time, gives the
 * same zip, so `functions update --package` finds an unchanged function already up to date.
 * Written whole or not at all.
 */
export function buildPackage(request: PackageRequest, reporter: Reporter): { readonly bytes: number; readonly files: number; readonly codeSha256: string } {
  const entries = packageEntries(request.source, request.include);
  const zip = deterministicZip(entries, { compress: true });
  const files = entries.filter((entry) => !entry.path.endsWith('/')).length;
  const result = { bytes: zip.length, files, codeSha256: codeSha256(zip) };
  const what = `${request.out} (${files} files, ${zip.length} bytes, CodeSha256 ${result.codeSha256})`;
  if (request.dryRun) {
    reporter.report({ action: 'function package', status: 'would do', out: request.out, ...result }, `write ${what}`);
    return result;
  }
  fs.mkdirSync(path.dirname(request.out), { recursive: true });
  const partial = `${request.out}.${process.pid}.partial`;
  try {
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, request.out);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  reporter.report({ action: 'function package', status: 'done', out: request.out, ...result }, `wrote ${what}`);
  return result;
}
