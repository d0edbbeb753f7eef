import { formatProblem, problem, ValidationError } from '../core/problems';
import { localAwsEndpointFrom } from '../core/local-endpoint';

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

describe('the local endpoint (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT)', () => {
  const read = (value: string | undefined) => localAwsEndpointFrom(value === undefined ? {} : { LAMBDA_FLEET_LOCAL_AWS_ENDPOINT: value });

  test.each([
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['http://127.0.0.1:5000/', 'http://127.0.0.1:5000'],
    ['http://localhost:4566', 'http://localhost:4566'],
    ['http://[::1]:1', 'http://[::1]:1'],
    ['http://127.0.0.1:65535', 'http://127.0.0.1:65535'],
  ])('takes %s', (value, endpoint) => {
    expect(read(value)).toEqual({ endpoint, problems: [] });
  });

  test('is off when unset', () => {
    expect(read(undefined)).toEqual({ problems: [] });
  });

  test.each([
    '',
    'http://127.0.0.1',
    'http://127.0.0.1:0',
    'http://127.0.0.1:65536',
    'http://127.0.0.1:99999',
    'https://127.0.0.1:5000',
    'http://10.0.0.1:4566',
    'http://127.0.0.1.example.com:80',
    'http://127.0.0.1:5000/path',
    'http://user@127.0.0.1:5000',
  ])('refuses %j, naming the variable, the value and the rule', (value) => {
    expect(read(value).problems.map(formatProblem)).toEqual([
      `LAMBDA_FLEET_LOCAL_AWS_ENDPOINT = ${JSON.stringify(value)}: must be http://127.0.0.1:<port>, http://localhost:<port> or http://[::1]:<port> (port 1 to 65535): the override is for an emulator on this machine only`,
    ]);
    expect(read(value).endpoint).toBeUndefined();
  });
});
