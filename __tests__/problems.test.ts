import { formatProblem, problem, ValidationError } from '../core/problems';

describe('problems in words', () => {
  test('name the environment, the path, the field, the value and the rule, on one line', () => {
    const found = { ...problem('memory-size', 'memorySize', 64, 'must be a whole number from 128 to 10240 MB'), environment: 'staging', path: 'staging/api' };
    expect(formatProblem(found)).toBe('[staging] staging/api: memorySize = 64: must be a whole number from 128 to 10240 MB');
    expect(formatProblem({ ...found, environment: undefined })).toBe(
      '[all environments] staging/api: memorySize = 64: must be a whole number from 128 to 10240 MB',
    );
    expect(formatProblem({ ...found, path: undefined })).toBe('memorySize = 64: must be a whole number from 128 to 10240 MB');
  });

  test('cut long values, saying how long they were', () => {
    expect(formatProblem(problem('layer-name', 'layerName', 'x'.repeat(141), 'must be short'))).toBe(
      `layerName = "${'x'.repeat(59)}... (141 characters): must be short`,
    );
    expect(formatProblem(problem('compatible-runtimes', 'compatibleRuntimes', Array(16).fill('python3.12'), 'must be few'))).toBe(
      `compatibleRuntimes = ${JSON.stringify(Array(16).fill('python3.12')).slice(0, 60)}... (16 items): must be few`,
    );
    expect(formatProblem(problem('missing-field', 'handler', undefined, 'is required'))).toBe('handler = undefined: is required');
    expect(formatProblem(problem('wrong-type', 'memorySize', Number.NaN, 'must be a number, not NaN'))).toBe('memorySize = NaN: must be a number, not NaN');
  });

  test('a validation error lists every problem, and says nothing was written', () => {
    const error = new ValidationError([problem('a', 'x', 1, 'must be 2'), problem('b', 'y', 'z', 'must be w')]);
    expect(error.message).toBe('Synthesis stopped: 2 problems found, nothing was written.\n  - x = 1: must be 2\n  - y = "z": must be w');
  });
});
