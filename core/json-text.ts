import { isToken } from './rules';

/** Whether a text is JSON. Values only Terraform knows pass; Terraform checks them itself. */
export function isJson(text: string): boolean {
  return isToken(text) || parsed(text) !== NOT_JSON;
}

/** Whether a text is a JSON object (not an array, a string or null). Values only Terraform knows pass. */
export function isJsonObject(text: string): boolean {
  if (isToken(text)) return true;
  const value = parsed(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NOT_JSON = Symbol('not JSON');

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
