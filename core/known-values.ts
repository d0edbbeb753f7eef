import { Token } from './framework';
import { Problem } from './problems';
import { check, Rule } from './rules';

/** Problems with a setting that was given; an omitted one takes its default. */
export function optional(field: string, value: unknown, ...rules: Rule[]): Problem[] {
  return value === undefined ? [] : check(field, value, ...rules);
}

/** A number synth knows (not a Terraform value). */
export function known(value: number | undefined): value is number {
  return typeof value === 'number' && !Token.isUnresolved(value);
}
