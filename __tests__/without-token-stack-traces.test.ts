import { Lazy } from '../core/framework';
import { withoutTokenStackTraces } from '../synth/without-token-stack-traces';

describe('withoutTokenStackTraces', () => {
  test('tokens made inside carry no creation stack trace; outside they do', () => {
    const inside = withoutTokenStackTraces(() => Lazy.anyValue({ produce: () => 'inside' }));
    const outside = Lazy.anyValue({ produce: () => 'outside' });
    expect(inside.creationStack).toEqual([]);
    expect(outside.creationStack.length).toBeGreaterThan(0);
  });

  test('errors keep their stack traces: thrown ones and captured ones', () => {
    function failsHere(): never {
      throw new Error('synth crashed');
    }
    const captured: { stack?: string } = {};
    let thrown: Error | undefined;
    try {
      withoutTokenStackTraces(() => {
        Error.captureStackTrace(captured);
        failsHere();
      });
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.stack).toMatch(/synth crashed\n\s+at failsHere \(.*without-token-stack-traces\.test\.ts:\d+:\d+\)/);
    expect(captured.stack).toMatch(/without-token-stack-traces\.test\.ts:\d+:\d+/);
  });

  test('puts Error.captureStackTrace back, also when the build throws', () => {
    const original = Error.captureStackTrace;
    withoutTokenStackTraces(() => undefined);
    expect(Error.captureStackTrace).toBe(original);
    expect(() =>
      withoutTokenStackTraces(() => {
        throw new Error('stopped');
      }),
    ).toThrow('stopped');
    expect(Error.captureStackTrace).toBe(original);
  });
});
