import type { JsonValue } from './run-playbook.ts';

const whole = /^\{\{\s*([A-Za-z_][\w]*(?:\.[\w]+)*)\s*\}\}$/;
const inline = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w]+)*)\s*\}\}/g;

/** The value at a dotted path, through own properties only: a template never reaches a prototype. */
function lookup(scope: Record<string, unknown>, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A request's input with its "{{path}}" templates filled from `scope`: a string that is one
 * template takes the value as it is (a number stays a number), one with text around it the
 * value's text. A path that names nothing fills null (whole) or "" (inline).
 */
export function fillTemplate(input: JsonValue, scope: Record<string, unknown>): JsonValue {
  if (typeof input === 'string') {
    const one = whole.exec(input);
    if (one !== null) return toJson(lookup(scope, one[1] ?? ''));
    return input.replace(inline, (_m, path: string) => {
      const v = lookup(scope, path);
      if (v === undefined || v === null) return '';
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(input)) return input.map((v) => fillTemplate(v, scope));
  if (input !== null && typeof input === 'object')
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, fillTemplate(v, scope)]));
  return input;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
