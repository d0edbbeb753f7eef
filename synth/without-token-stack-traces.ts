import { TOKEN_STACK_TRACE_HELPERS } from '../core/framework';

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
  // CDK Terrain has a switch for it; cdktf 0.21 has none, so its helper's calls are skipped.
  const switchBefore = process.env[CDK_TERRAIN_SWITCH];
  process.env[CDK_TERRAIN_SWITCH] = 'true';
  Error.captureStackTrace = (target, below) => {
    if (!TOKEN_STACK_TRACE_HELPERS.includes(below)) capture.call(Error, target, below);
  };
  try {
    return build();
  } finally {
    Error.captureStackTrace = capture;
    if (switchBefore === undefined) delete process.env[CDK_TERRAIN_SWITCH];
    else process.env[CDK_TERRAIN_SWITCH] = switchBefore;
  }
}

/** CDK Terrain's documented switch for tokens' creation stack traces. */
const CDK_TERRAIN_SWITCH = 'CDKTN_DISABLE_CREATION_STACK';
