import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where the framework stamps its own version into every stack it synthesizes: the top-level
 * `"//": { "metadata": { "version": "0.21.0" } }`. Terraform ignores `//` keys, and this one
 * differs between cdktf and CDK Terrain by design; it is the only thing the comparison ignores.
 */
export const VERSION_STAMP = ['//', 'metadata', 'version'] as const;

/** One difference between two generated/ trees, as Terraform would read them. */
export interface GeneratedDifference {
  /** The file, relative to the compared directories, with `/` separators. */
  readonly file: string;
  /** Where in a JSON file, such as `resource.aws_lambda_function.api_function.memory_size`. */
  readonly jsonPath?: string;
  readonly message: string;
}

/**
 * Compares two generated/ trees: every JSON file as JSON (key order and whitespace do not count,
 * the version stamp is removed from both sides), every other file byte for byte, and the set of
 * files itself.
 */
export function compareGenerated(expectedDir: string, actualDir: string): GeneratedDifference[] {
  const expected = listFiles(expectedDir);
  const actual = new Set(listFiles(actualDir));
  const differences: GeneratedDifference[] = [];
  for (const file of expected) {
    if (!actual.delete(file)) {
      differences.push({ file, message: 'missing from the new output' });
      continue;
    }
    const before = fs.readFileSync(path.join(expectedDir, file));
    const after = fs.readFileSync(path.join(actualDir, file));
    if (file.endsWith('.json')) {
      differences.push(...compareJsonFile(file, before, after));
    } else if (!before.equals(after)) {
      differences.push({ file, message: `contents differ (${before.length} bytes before, ${after.length} bytes after)` });
    }
  }
  for (const file of actual) differences.push({ file, message: 'only in the new output' });
  return differences;
}

/** One line per difference: `file: json.path: message`. */
export function formatDifference(difference: GeneratedDifference): string {
  return [difference.file, difference.jsonPath, difference.message].filter((part) => part !== undefined).join(': ');
}

function compareJsonFile(file: string, before: Buffer, after: Buffer): GeneratedDifference[] {
  const parsed: unknown[] = [];
  for (const [side, bytes] of [
    ['committed', before],
    ['new', after],
  ] as const) {
    try {
      parsed.push(withoutVersionStamp(JSON.parse(bytes.toString('utf8'))));
    } catch (error) {
      return [{ file, message: `the ${side} file is not valid JSON: ${(error as Error).message}` }];
    }
  }
  const differences: GeneratedDifference[] = [];
  compareValues(parsed[0], parsed[1], [], (segments, message) => differences.push({ file, jsonPath: renderPath(segments), message }));
  return differences;
}

function withoutVersionStamp(document: unknown): unknown {
  const [comment, metadata, version] = VERSION_STAMP;
  if (!isObject(document) || !isObject(document[comment]) || !isObject(document[comment][metadata])) return document;
  const { [version]: _stamp, ...rest } = document[comment][metadata];
  return { ...document, [comment]: { ...document[comment], [metadata]: rest } };
}

type Report = (segments: readonly (string | number)[], message: string) => void;

function compareValues(before: unknown, after: unknown, segments: (string | number)[], report: Report): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) report(segments, `${before.length} items before, ${after.length} after`);
    for (let i = 0; i < Math.min(before.length, after.length); i++) compareValues(before[i], after[i], [...segments, i], report);
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) report([...segments, key], `removed (was ${show(before[key])})`);
      else compareValues(before[key], after[key], [...segments, key], report);
    }
    for (const key of Object.keys(after)) {
      if (!(key in before)) report([...segments, key], `added (${show(after[key])})`);
    }
    return;
  }
  if (before !== after) report(segments, `${show(before)} before, ${show(after)} after`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `resource.aws_lambda_function.api.layers[0]`; keys that are not plain names in brackets, `["//"]`. */
function renderPath(segments: readonly (string | number)[]): string {
  if (segments.length === 0) return '(the whole document)';
  return segments
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, relative) : [relative];
    });
}
