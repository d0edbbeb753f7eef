import * as z from 'zod/mini';
import { $ZodArray, $ZodObject, $ZodOptional, $ZodReadonly, $ZodRecord, $ZodUnion } from 'zod/v4/core';
import type { $ZodIssue, $ZodType, CheckFn } from 'zod/v4/core';
import { didYouMean } from './nearest-name';
import { Problem, problem } from './problems';
import { describeRule, Rule, satisfies } from './rules';

/** What a schema stands for in problems: a stable code and the rule in words. */
export interface SchemaRule {
  readonly code: string;
  readonly text: string;
}

type Schema = $ZodType;

/** Rules of enum and union schemas, found again from the field a problem is at. */
const SCHEMA_RULES = z.registry<SchemaRule>();

/**
 * Gives an enum or a union the code and words of its problems (an enum also suggests the
 * nearest allowed value). Without one, problems say which values or forms are allowed.
 */
export function withRule<T extends Schema>(schema: T, rule: SchemaRule): T {
  SCHEMA_RULES.add(schema, rule);
  return schema;
}

/** A check of one value against a rule of the rule table, reported with the rule's code and words. */
export function follows<T>(rule: Rule, appliesTo: (value: T) => boolean = () => true): CheckFn<T> {
  return (payload) => {
    if (!appliesTo(payload.value) || satisfies(rule, payload.value)) return;
    payload.issues.push({ code: 'custom', input: payload.value, message: describeRule(rule), params: { code: rule.code } });
  };
}

/** The outcome of checking a value: the value as the schema types it, or every problem with it. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problem[] };

/**
 * Checks a value against a schema. Every problem names the field as the user wrote it
 * (`functions.api.invokes[0]`, `root` for the value itself) and has a stable code:
 * `unknown-field` (with the nearest known name), `missing-field`, `wrong-type`, or the code
 * of the rule broken.
 */
export function checkSchema<T extends Schema>(schema: T, input: unknown, root: string): Checked<z.output<T>> {
  const result = z.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.data };
  const found = problemsOf(result.error.issues, schema, [], input, root);
  return { ok: false, problems: found.sort((a, b) => comparePaths(a.path, b.path, input)).map((f) => f.problem) };
}

/** A problem and the path it was found at, to report problems in the order the fields were written. */
interface Found {
  readonly path: readonly PropertyKey[];
  readonly problem: Problem;
}

function problemsOf(issues: readonly $ZodIssue[], schema: Schema, at: readonly PropertyKey[], input: unknown, root: string): Found[] {
  return issues.flatMap((issue): Found[] => {
    const path = [...at, ...issue.path];
    const node = schemaAt(schema, issue.path);
    const value = valueAt(input, path);
    const found = (code: string, rule: string): Found[] => [{ path, problem: problem(code, fieldName(path, root), value, rule) }];
    const missing = value === undefined && !Array.isArray(valueAt(input, path.slice(0, -1)));
    const rule = node && SCHEMA_RULES.get(node);
    switch (issue.code) {
      case 'unrecognized_keys':
        if (node instanceof $ZodUnion) return unionProblems([], node, path, input, root);
        return issue.keys.map((key) => unknownField([...path, key], input, node instanceof $ZodObject ? Object.keys(node._zod.def.shape) : [], root));
      case 'invalid_type': {
        if (missing) return found('missing-field', `is required (${typeName(issue.expected)})`);
        const whole = issue.expected === 'int' && typeof value === 'number';
        return found('wrong-type', `must be ${typeName(issue.expected)}${whole ? '' : `, not ${kindOf(value)}`}`);
      }
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        const text = rule?.text ?? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
        if (missing) return found('missing-field', `is required: it ${text}`);
        return found(rule?.code ?? 'not-allowed', `${text}${typeof value === 'string' ? didYouMean(value, allowed) : ''}`);
      }
      case 'invalid_union':
        if (missing && rule) return found('missing-field', `is required: it ${rule.text}`);
        return node instanceof $ZodUnion ? unionProblems(issue.errors, node, path, input, root) : found('invalid-value', issue.message);
      case 'invalid_key':
        // The key itself breaks a rule: reported at the key, with the key as the value.
        return issue.issues.map((inner) => ({
          path,
          problem: problem(inner.code === 'custom' ? String(inner.params?.code ?? 'invalid-key') : 'invalid-key', fieldName(path, root), path[path.length - 1], inner.message),
        }));
      case 'custom':
        return found(String(issue.params?.code ?? 'invalid-value'), issue.message);
      default:
        return found('invalid-value', issue.message);
    }
  });
}

/**
 * A value that fits none of a union's forms. When exactly one form could be meant (its kind
 * matches and it has every field given), that form's problems are reported; otherwise the
 * union's rule, such as "exactly one kind of build". Fields no form knows are reported as
 * unknown either way.
 */
function unionProblems(errors: readonly $ZodIssue[][], union: $ZodUnion, path: PropertyKey[], input: unknown, root: string): Found[] {
  const value = valueAt(input, path);
  const options = union._zod.def.options.map(unwrap);
  const shapes = options.map((option) => (option instanceof $ZodObject ? Object.keys(option._zod.def.shape) : undefined));
  const known = [...new Set(shapes.flatMap((keys) => keys ?? []))];
  const given = isRecord(value) ? Object.keys(value) : [];
  const unknown = shapes.some((keys) => keys !== undefined) ? given.filter((key) => !known.includes(key)) : [];
  const fits = options.flatMap((option, i) => {
    const keys = shapes[i];
    const kindMatches = kindOfSchema(option) === kindOf(value);
    return kindMatches && (keys === undefined || given.every((key) => unknown.includes(key) || keys.includes(key))) ? [i] : [];
  });
  const unknownProblems = unknown.map((key) => unknownField([...path, key], input, known, root));
  if (fits.length === 1) {
    const own = (errors[fits[0]] ?? []).filter((issue) => issue.code !== 'unrecognized_keys' || issue.path.length > 0);
    return [...unknownProblems, ...problemsOf(own, options[fits[0]], path, input, root)];
  }
  const rule = SCHEMA_RULES.get(union);
  const forms = options.map((option) => kindOfSchema(option)).join(' or ');
  return [...unknownProblems, { path, problem: problem(rule?.code ?? 'wrong-type', fieldName(path, root), value, rule?.text ?? `must be ${forms}`) }];
}

function unknownField(path: PropertyKey[], input: unknown, known: readonly string[], root: string): Found {
  const key = String(path[path.length - 1]);
  const hint = didYouMean(key, known) || (known.length ? `; the fields here are ${known.join(', ')}` : '');
  return { path, problem: problem('unknown-field', fieldName(path, root), valueAt(input, path), `unknown field${hint}`) };
}

/** Orders paths as their fields appear in the input; fields it lacks come after those it has. */
function comparePaths(a: readonly PropertyKey[], b: readonly PropertyKey[], input: unknown): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const parent = valueAt(input, a.slice(0, i));
    const position = (key: PropertyKey) => {
      if (Array.isArray(parent)) return Number(key);
      const index = isRecord(parent) ? Object.keys(parent).indexOf(String(key)) : -1;
      return index === -1 ? Number.MAX_SAFE_INTEGER : index;
    };
    return position(a[i]) - position(b[i]);
  }
  return a.length - b.length;
}

/** The schema of the value at a path below `schema`, optional and readonly wrappers removed. */
function schemaAt(schema: Schema | undefined, path: readonly PropertyKey[]): Schema | undefined {
  if (schema === undefined) return undefined;
  const node = unwrap(schema);
  if (path.length === 0) return node;
  const [key, ...rest] = path;
  if (node instanceof $ZodObject) return schemaAt(node._zod.def.shape[String(key)], rest);
  if (node instanceof $ZodArray) return schemaAt(node._zod.def.element, rest);
  if (node instanceof $ZodRecord) return schemaAt(node._zod.def.valueType, rest);
  if (node instanceof $ZodUnion) {
    return node._zod.def.options.map((option) => schemaAt(option, path)).find((found) => found !== undefined);
  }
  return undefined;
}

function unwrap(schema: Schema): Schema {
  let node = schema;
  while (node instanceof $ZodOptional || node instanceof $ZodReadonly) node = node._zod.def.innerType;
  return node;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A path as the user writes it: `functions.api.invokes[0]`, `tags["Cost Center"]`. */
function fieldName(path: readonly PropertyKey[], root: string): string {
  if (path.length === 0) return root;
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(name) ? `${i === 0 ? '' : '.'}${name}` : `[${JSON.stringify(name)}]`;
    })
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? `a ${expected}`;
}

/** What a value is, in the words of {@link typeName}. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity
  return typeName(typeof value);
}

/** What a schema accepts, in the same words. */
function kindOfSchema(schema: Schema | undefined): string {
  const type = schema?._zod.def.type ?? 'unknown';
  return type === 'enum' || type === 'literal' ? 'a string' : typeName(type);
}
