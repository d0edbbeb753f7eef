import * as fs from 'node:fs';
import * as path from 'node:path';

/** The environment variable naming the run's temporary directory (global-setup.ts). */
export const RUN_DIRECTORY = 'LAMBDA_FLEET_TEST_RUN_DIRECTORY';
/** TMPDIR as it was before the run, to restore afterwards. */
export const OUTER_TMPDIR = 'LAMBDA_FLEET_TEST_OUTER_TMPDIR';

/** Every file and directory below `root`, relative to it, deepest last. */
export function leftoverFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      found.push(entry.isDirectory() ? `${child}/` : child);
      if (entry.isDirectory()) walk(child);
    }
  };
  if (fs.existsSync(root)) walk('');
  return found;
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
