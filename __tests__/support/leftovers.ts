import * as fs from 'node:fs';
import * as path from 'node:path';

/** The environment variable naming the run's temporary directory (global-setup.ts). */
export const RUN_DIRECTORY = 'LAMBDA_FLEET_TEST_RUN_DIRECTORY';
/** TMPDIR as it was before the run, to restore afterwards. */
export const OUTER_TMPDIR = 'LAMBDA_FLEET_TEST_OUTER_TMPDIR';

/** What is in `root`: each entry, a directory with the number of files below it. */
export function leftoverFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const countFiles = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
  return fs
    .readdirSync(root, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? `${entry.name}/ (${countFiles(path.join(root, entry.name))} files)` : entry.name))
    .sort();
}

export interface LeftoverProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Processes still running that the run started: whatever inherited a TMPDIR inside `root` (jest's
 * workers, and through them Terraform, its provider plugins, the cdktf CLI, the app). Read from
 * /proc; elsewhere none are found.
 */
export function processesStartedIn(root: string): LeftoverProcess[] {
  if (!fs.existsSync('/proc/self/environ')) return [];
  const found: LeftoverProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environment = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const tmpdir = environment.find((variable) => variable.startsWith('TMPDIR='))?.slice('TMPDIR='.length);
      if (tmpdir === undefined || (tmpdir !== root && !tmpdir.startsWith(`${root}${path.sep}`))) continue;
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
