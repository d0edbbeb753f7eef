import { describeRule, Rule } from '../core/rules';

/** A `validation` block of a Terraform variable. */
export interface VariableValidation {
  readonly condition: string;
  readonly errorMessage: string;
}

/** Which part of a variable a rule applies to. */
export type RuleTarget = 'value' | 'each item' | 'each name';

/**
 * Renders a synth-time rule as a Terraform variable validation, so a plain-Terraform caller of a
 * generated module gets the same rule and the same words: `memory_size = 64: must be a whole
 * number from 128 to 10240 MB.` With `optional`, null (the variable left unset) passes.
 */
export function ruleValidation(variable: string, rule: Rule, target: RuleTarget = 'value', optional = false): VariableValidation {
  const ref = `var.${variable}`;
  const test =
    target === 'value'
      ? ruleCondition(rule, ref)
      : `alltrue([for x in ${target === 'each name' ? `keys(${ref})` : ref} : ${ruleCondition(rule, 'x')}])`;
  const text = target === 'value' ? describeRule(rule) : `${target === 'each item' ? 'every item' : 'every name'} ${describeRule(rule)}`;
  return customValidation(variable, test, text, optional);
}

/** A validation from a Terraform condition and the rule in words. */
export function customValidation(variable: string, condition: string, text: string, optional = false): VariableValidation {
  const ref = `var.${variable}`;
  return {
    condition: `\${${optional ? `${ref} == null || ` : ''}try(${condition}, false)}`,
    errorMessage: `${variable} = \${jsonencode(${ref})}: ${escapeTemplate(text)}.`,
  };
}

/** The Terraform expression that is true when `value` satisfies `rule`. */
export function ruleCondition(rule: Rule, value: string): string {
  switch (rule.kind) {
    case 'range':
      return [`floor(${value}) == ${value}`, `${value} >= ${rule.min}`, ...(rule.max === undefined ? [] : [`${value} <= ${rule.max}`])].join(
        ' && ',
      );
    case 'pattern':
      return `can(regex(${hclString(rule.pattern)}, ${value}))`;
    case 'oneOf':
      return `contains(${JSON.stringify(rule.values)}, ${value})`;
    case 'maxLength':
      return `length(${value}) <= ${rule.max}`;
    case 'items':
      return `length(${value}) >= ${rule.min ?? 0} && length(${value}) <= ${rule.max}`;
  }
}

/** A Terraform string literal: JSON's escapes, and template sequences kept literal. */
export function hclString(text: string): string {
  return escapeTemplate(JSON.stringify(text));
}

function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}
