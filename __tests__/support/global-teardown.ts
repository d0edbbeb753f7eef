import * as fs from 'node:fs';
import { leftoverFiles, OUTER_TMPDIR, processesStartedIn, RUN_DIRECTORY } from './leftovers';

const SHOWN = 40;

/**
 * Tests leave nothing behind: no process still running, nothing in the run's temporary
 * directory. Anything found is killed or removed, and the run fails, listing it.
 */
export default async function globalTeardown(): Promise<void> {
  const directory = process.env[RUN_DIRECTORY];
  if (directory === undefined) return;
  delete process.env[RUN_DIRECTORY];
  if (process.env[OUTER_TMPDIR] === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = process.env[OUTER_TMPDIR];
  delete process.env[OUTER_TMPDIR];

  // Processes that were told to stop may take a moment to go.
  let processes = processesStartedIn(directory);
  for (let waited = 0; processes.length > 0 && waited < 3000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    processes = processesStartedIn(directory);
  }
  // Looked up again right before the kill, so that no reused process id is hit.
  for (const { pid } of processes.length > 0 ? processesStartedIn(directory) : []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const files = leftoverFiles(directory);
  fs.rmSync(directory, { recursive: true, force: true, maxRetries: 5 });

  const problems: string[] = [];
  if (processes.length > 0) {
    problems.push(`Still running, now killed (${processes.length}):`, ...processes.map((p) => `  ${p.pid} ${p.command}`));
  }
  if (files.length > 0) {
    problems.push(
      `Left in the temporary directory ${directory}, now removed (${files.length}):`,
      ...files.slice(0, SHOWN).map((file) => `  ${file}`),
      ...(files.length > SHOWN ? [`  … and ${files.length - SHOWN} more`] : []),
    );
  }
  if (problems.length > 0) throw new Error(`The tests left things behind.\n${problems.join('\n')}`);
}
