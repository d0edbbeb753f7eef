import { tokenStackTraceCapture } from '../core/framework';

/**
 * Runs `build` without the creation stack trace that cdktf records for every token it makes (each
 * reference, `Lazy` value and intrinsic). Its helper lifts `Error.stackTraceLimit` to capture the
 * whole stack and formats it at once, for every token: about 30% of synth time and a quarter of
 * its memory at 2000 functions. cdktf shows such a trace only in the message of a token that
 * fails to resolve; that error keeps its own stack trace, as does every other error: V8 records
 * an error's stack when the error is made, not through `Error.captureStackTrace`, and calls from
 * anything but cdktf's token helper go through as before. Restored when `build` returns or throws.
 */
export function withoutTokenStackTraces<T>(build: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target, below) => {
    if (below !== tokenStackTraceCapture) capture.call(Error, target, below);
  };
  try {
    return build();
  } finally {
    Error.captureStackTrace = capture;
  }
}
