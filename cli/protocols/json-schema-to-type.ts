/** The parts of a JSON Schema (draft 2020-12, as zod's toJSONSchema writes it) a request's data uses. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

const primitive: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
};

const union = (types: string[]) => [...new Set(types)].join(' | ') || 'never';
const quoteKey = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key));

/**
 * A TypeScript type for a JSON Schema, so the generated protocol map needs no import from the
 * agents that define the schemas (the platform knows no agent). What it does not understand
 * ($ref, patternProperties) is `unknown`: a looser type, never a wrong one.
 */
export function jsonSchemaToType(schema: JsonSchema | boolean, indent = ''): string {
  if (typeof schema === 'boolean') return schema ? 'unknown' : 'never';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return union(schema.enum.map((v) => JSON.stringify(v)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return union(alternatives.map((s) => jsonSchemaToType(s, indent)));
  if (schema.allOf !== undefined)
    return schema.allOf.map((s) => `(${jsonSchemaToType(s, indent)})`).join(' & ') || 'unknown';
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) return 'unknown';
  return union(types.map((t) => typeOf(t, schema, indent)));
}

function typeOf(type: string, schema: JsonSchema, indent: string): string {
  if (type === 'array') return `Array<${jsonSchemaToType(schema.items ?? true, indent)}>`;
  if (type !== 'object') return primitive[type] ?? 'unknown';
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(
    ([key, field]) => `${inner}${quoteKey(key)}${required.has(key) ? '' : '?'}: ${jsonSchemaToType(field, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false)
    fields.push(`${inner}[key: string]: ${extra === true ? 'unknown' : jsonSchemaToType(extra, inner)};`);
  return fields.length === 0
    ? extra === false
      ? 'Record<string, never>'
      : 'Record<string, unknown>'
    : `{\n${fields.join('\n')}\n${indent}}`;
}
