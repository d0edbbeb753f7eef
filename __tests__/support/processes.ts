import { ChildProcess, spawn } from 'node:child_process';

export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

export interface Running {
  readonly child: ChildProcess;
  /** Output so far, stdout and stderr interleaved. */
  output(): string;
  readonly finished: Promise<Finished>;
  /** Kills the process and everything it started (Terraform runs provider plugins). */
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<Running>();

/**
 * Starts a command without blocking the event loop: the local S3 and DynamoDB servers run in
 * this process and must keep answering while Terraform talks to them.
 */
export function start(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; /** `pipe` keeps stdin open (`child.stdin`) until ended. @default 'ignore' */ stdin?: 'ignore' | 'pipe' },
): Running {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const handle: Running = {
    child,
    output: () => output,
    finished: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status, signal) => {
        running.delete(handle);
        resolve({ status, signal, output });
      });
    }),
    kill(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
  running.add(handle);
  return handle;
}

/** Runs a command to the end; kills it and fails after `timeoutMs`. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const handle = start(command, args, options);
  const timer = setTimeout(() => handle.kill(), options.timeoutMs);
  const result = await handle.finished;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') {
    throw new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms:\n${result.output}`);
  }
  return result;
}

/** Kills whatever is still running, so a failed test leaves nothing behind. */
export function killAll(): void {
  for (const handle of running) handle.kill();
}

/**
 * Waits until `condition` holds while `process` runs, checking every 25 ms; fails at once if the
 * process ends first (with its output), and after `timeoutMs`.
 */
export async function waitWhileRunning(
  process: Running,
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let ended = false;
  void process.finished.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (ended) throw new Error(`the process ended before ${what}:\n${process.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
