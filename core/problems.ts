import { IConstruct } from 'constructs';

/**
 * One mistake in the configuration: which value breaks which rule, and where. `code` is stable
 * (tests and tools match on it); the words in `rule` may be improved at any time.
 */
export interface Problem {
  /** Stable identifier of the rule, in kebab case: `memory-size`, `layer-attached-twice`. */
  readonly code: string;
  /** The environment it was found in, set when the problem is collected. @default none: it concerns all environments */
  readonly environment?: string;
  /** The construct path (`staging/api`) or config path it was found at, set when collected. @default none */
  readonly path?: string;
  /** The field as the user wrote it: `memorySize`, `functions.api.invokes[0]`. */
  readonly field: string;
  /** The value found. */
  readonly value: unknown;
  /** The rule it breaks, in words. */
  readonly rule: string;
}

/** A problem with a value. */
export function problem(code: string, field: string, value: unknown, rule: string): Problem {
  return { code, field, value, rule };
}

/**
 * The one way a problem is written for people, on one line:
 * `[staging] staging/api: memorySize = 64: must be a whole number from 128 to 10240 MB`.
 */
export function formatProblem(p: Problem): string {
  const where = p.path === undefined ? '' : `[${p.environment ?? 'all environments'}] ${p.path}: `;
  return `${where}${p.field} = ${show(p.value)}: ${p.rule}`;
}

/** The value as JSON; long values are cut, with their full size, so messages stay one line. */
function show(value: unknown): string {
  // JSON writes NaN and Infinity as null: say what they are.
  const text = value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? String(value) : JSON.stringify(value);
  if (text.length <= 100) return text;
  const size = typeof value === 'string' ? `${value.length} characters` : Array.isArray(value) ? `${value.length} items` : `${text.length} characters as JSON`;
  return `${text.slice(0, 60)}... (${size})`;
}

/**
 * Thrown when the configuration breaks one or more rules. It carries every problem in every
 * environment, so one run reports them all.
 */
export class ValidationError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `Synthesis stopped: ${problems.length} problem${problems.length === 1 ? '' : 's'} found, nothing was written.\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ValidationError';
  }
}

const CHECKS = new WeakMap<IConstruct, (() => readonly Problem[])[]>();

/**
 * Registers a check that a construct runs before anything is written. cdktf's own validations
 * can only return strings; these return {@link Problem}s, collected with their construct path.
 */
export function addProblemCheck(construct: IConstruct, check: () => readonly Problem[]): void {
  const checks = CHECKS.get(construct) ?? [];
  checks.push(check);
  CHECKS.set(construct, checks);
}

/** The problems a construct's own checks find (not those of its children). */
export function problemsOf(construct: IConstruct): Problem[] {
  return (CHECKS.get(construct) ?? []).flatMap((check) => check());
}

const FIELD_NAMES = new WeakMap<IConstruct, (field: string) => string>();

/**
 * Says how the fields a construct (and the constructs below it) reports are written in the
 * configuration it was made from, so a problem names the field as the user wrote it:
 * `memorySize` → `functions.api.memorySize`.
 */
export function nameFieldsAs(construct: IConstruct, name: (field: string) => string): void {
  FIELD_NAMES.set(construct, name);
}

/** The field as the configuration writes it, by the nearest construct that says (see {@link nameFieldsAs}). */
export function fieldAsWritten(construct: IConstruct, field: string): string {
  const namer = [construct, ...[...construct.node.scopes].reverse()].map((c) => FIELD_NAMES.get(c)).find((n) => n !== undefined);
  return namer ? namer(field) : field;
}

