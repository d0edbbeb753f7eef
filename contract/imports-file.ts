import { Problem, problem } from '../core/problems';

/**
 * Where an environment's import file lives, relative to the project root: `envs/imports/<env>.json`.
 * `npm run adopt` writes it; synth reads it and emits a Terraform `import` block per entry.
 */
export const IMPORTS_DIRECTORY = 'envs/imports';

/**
 * The import file of an environment, relative to the project root. Against an AWS API emulator
 * (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT) it is `<env>.emulator.json`: what adopt finds in an emulator
 * and what it finds in the real account never mix, either way.
 */
export function importsFilePath(environment: string, directory: string = IMPORTS_DIRECTORY, emulator = false): string {
  return `${directory}/${environment}${emulator ? '.emulator' : ''}.json`;
}

/** One existing resource that Terraform takes over instead of creating. */
export interface ImportEntry {
  /** The stack it belongs to: the environment's (`staging`) or its bootstrap stack (`bootstrap-staging`). */
  readonly stack: string;
  /** Its Terraform address as synthesized: `aws_lambda_function.api_function`. */
  readonly address: string;
  /** Its Terraform import ID: `bookshelf-staging-api`, `bookshelf-staging-api:logs`, a layer version ARN. */
  readonly id: string;
  /** What it is, for the reviewer: `function bookshelf-staging-api (runtime python3.12, 2 layers)`. */
  readonly note: string;
}

/** The reviewed, committed list of an environment's resources to adopt. */
export interface ImportsFile {
  readonly environment: string;
  /** Written sorted by stack, then address ({@link formatImportsFile}); read in the file's order. */
  readonly imports: readonly ImportEntry[];
}

/** What the file must hold, besides its fields' own rules. */
export interface ImportsFileExpectation {
  /** The environment whose file this is. */
  readonly environment: string;
  /** The stacks its entries may name. */
  readonly stacks: readonly string[];
}

const TOP_FIELDS = ['environment', 'imports'] as const;
const ENTRY_FIELDS = ['stack', 'address', 'id', 'note'] as const;
/** `<resource type>.<name>`, as Terraform writes a resource's address in the root module. */
const ADDRESS = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Reads an import file, checking all of it: its JSON, the environment it names, every entry's
 * fields (unknown ones refused), stacks, address forms and IDs, and that no address is named
 * twice. Returns every problem found, each naming the file (as `path`), the field, the value and
 * the rule; a file with problems is not returned. Whether an address is one the stack has is
 * checked where the stack is known (synth/apply-imports.ts).
 */
export function parseImportsFile(text: string, file: string, expected: ImportsFileExpectation): { imports?: ImportsFile; problems: Problem[] } {
  const problems: Problem[] = [];
  const fail = (code: string, field: string, value: unknown, rule: string) =>
    problems.push({ ...problem(code, field, value, rule), environment: expected.environment, path: file });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    fail('imports-file-json', '(document)', text.length > 60 ? `${text.slice(0, 60)}...` : text, `must be valid JSON: ${(error as Error).message}`);
    return { problems };
  }
  if (!isObject(document)) {
    fail('imports-file-type', '(document)', document, 'must be an object: {"environment": <name>, "imports": [...]}');
    return { problems };
  }
  unknownFields(document, '', TOP_FIELDS, fail);
  const environment = document.environment;
  if (typeof environment !== 'string') {
    fail('imports-file-field', 'environment', environment, `must be the environment's name, "${expected.environment}"`);
  } else if (environment !== expected.environment) {
    fail('imports-file-environment', 'environment', environment, `must be "${expected.environment}": this is ${file}, the import file of ${expected.environment}`);
  }
  const list = document.imports;
  if (!Array.isArray(list)) {
    fail('imports-file-field', 'imports', list, 'must be a list of {"stack", "address", "id", "note"} entries');
    return { problems };
  }
  const entries: ImportEntry[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, i) => {
    const at = `imports[${i}]`;
    if (!isObject(entry)) {
      fail('imports-file-type', at, entry, 'must be an object: {"stack", "address", "id", "note"}');
      return;
    }
    unknownFields(entry, `${at}.`, ENTRY_FIELDS, fail);
    const text = (field: (typeof ENTRY_FIELDS)[number], allowEmpty = false): string | undefined => {
      const value = entry[field];
      if (typeof value === 'string' && (allowEmpty || value.trim() !== '')) return value;
      fail('imports-file-field', `${at}.${field}`, value, allowEmpty ? 'must be a string' : 'must be a non-empty string');
      return undefined;
    };
    const [stack, address, id, note] = [text('stack'), text('address'), text('id'), text('note', true)];
    if (stack !== undefined && !expected.stacks.includes(stack)) {
      fail('imports-file-stack', `${at}.stack`, stack, `must be a stack of ${expected.environment}: ${expected.stacks.join(', ')}`);
    }
    if (address !== undefined && !ADDRESS.test(address)) {
      fail('imports-file-address-form', `${at}.address`, address, 'must be a resource address as synthesized: <type>.<name>, such as aws_lambda_function.api_function');
    }
    if (stack === undefined || address === undefined || id === undefined || note === undefined) return;
    const key = `${stack} ${address}`;
    const first = seen.get(key);
    if (first !== undefined) {
      fail('imports-file-duplicate', `${at}.address`, address, `is already imported by imports[${first}] of stack ${stack}; name each resource once`);
      return;
    }
    seen.set(key, i);
    entries.push({ stack, address, id, note });
  });
  if (problems.length > 0) return { problems };
  return { imports: { environment: expected.environment, imports: entries }, problems };
}

/** Entries in the file's order: by stack, then address. */
export function sortEntries(entries: readonly ImportEntry[]): ImportEntry[] {
  const order = (e: ImportEntry) => `${e.stack}\u0000${e.address}`;
  return [...entries].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** The file's text: sorted entries, fields in a fixed order, two-space JSON, a final newline. Deterministic. */
export function formatImportsFile(file: ImportsFile): string {
  const imports = sortEntries(file.imports).map(({ stack, address, id, note }) => ({ stack, address, id, note }));
  return `${JSON.stringify({ environment: file.environment, imports }, null, 2)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(
  value: Record<string, unknown>,
  prefix: string,
  known: readonly string[],
  fail: (code: string, field: string, value: unknown, rule: string) => void,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail('imports-file-unknown-field', `${prefix}${key}`, value[key], `unknown field; fields: ${known.join(', ')}`);
  }
}
