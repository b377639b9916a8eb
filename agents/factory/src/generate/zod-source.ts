import { commentText, tsLiteral } from './escape-text.ts';

/** The parts of a JSON Schema (draft 2020-12) a domain model's event data uses. */
export interface DataSchema {
  type?: string | string[];
  properties?: Record<string, DataSchema>;
  required?: string[];
  additionalProperties?: boolean | DataSchema;
  items?: DataSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: DataSchema[];
  oneOf?: DataSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * The zod source of a domain model's data schema, so a generated agent parses its events
 * with the model's own terms. Every string from the model (a key, an enum value, a pattern,
 * a description) is written through tsLiteral or commentText. Formats (uuid, date-time)
 * stay annotations, as in the platform's check at publish (compile-data-schema.ts), and
 * keywords it does not render (maxProperties) make the schema looser, never stricter:
 * what the platform lets through, the generated schema accepts.
 */
export function zodSource(schema: DataSchema | boolean, indent = ''): string {
  if (typeof schema === 'boolean') return schema ? 'z.unknown()' : 'z.never()';
  if (schema.const !== undefined) return `z.literal(${tsLiteral(schema.const)})`;
  if (schema.enum !== undefined) {
    const values = schema.enum;
    if (values.length > 0 && values.every((v) => typeof v === 'string')) return `z.enum(${tsLiteral(values)})`;
    return union(values.map((v) => `z.literal(${tsLiteral(v)})`));
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return union(alternatives.map((s) => zodSource(s, indent)));
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) return 'z.unknown()';
  const nonNull = types.filter((t) => t !== 'null');
  const sources = nonNull.map((t) => ofType(t, schema, indent));
  const one = sources.length === 1 ? (sources[0] ?? 'z.never()') : union(sources);
  if (nonNull.length === types.length) return one;
  return nonNull.length === 0 ? 'z.null()' : `${one}.nullable()`;
}

function union(sources: string[]): string {
  return sources.length === 1 ? (sources[0] ?? 'z.never()') : `z.union([${sources.join(', ')}])`;
}

function ofType(type: string, schema: DataSchema, indent: string): string {
  switch (type) {
    case 'string':
      return (
        'z.string()' +
        bound('min', schema.minLength) +
        bound('max', schema.maxLength) +
        (schema.pattern === undefined ? '' : `.regex(new RegExp(${tsLiteral(schema.pattern)}, 'u'))`)
      );
    case 'integer':
    case 'number':
      return (
        (type === 'integer' ? 'z.int()' : 'z.number()') +
        bound('min', schema.minimum) +
        bound('max', schema.maximum) +
        bound('gt', schema.exclusiveMinimum) +
        bound('lt', schema.exclusiveMaximum)
      );
    case 'boolean':
      return 'z.boolean()';
    case 'array':
      return (
        `z.array(${zodSource(schema.items ?? true, indent)})` +
        bound('min', schema.minItems) +
        bound('max', schema.maxItems)
      );
    case 'object':
      return objectSource(schema, indent);
    default:
      return 'z.unknown()';
  }
}

const bound = (method: string, value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '' : `.${method}(${tsLiteral(value)})`;

function objectSource(schema: DataSchema, indent: string): string {
  const extra = schema.additionalProperties;
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0)
    return extra === false
      ? 'z.strictObject({})'
      : `z.record(z.string(), ${typeof extra === 'object' ? zodSource(extra, indent) : 'z.unknown()'})`;
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([key, field]) => {
    const about =
      typeof field === 'object' && typeof field.description === 'string' && field.description.trim() !== ''
        ? `${inner}/** ${commentText(field.description)} */\n`
        : '';
    // A plain `__proto__:` key would set the object's prototype; computed, it is a field.
    const name = key === '__proto__' ? `[${tsLiteral(key)}]` : identifier.test(key) ? key : tsLiteral(key);
    return `${about}${inner}${name}: ${zodSource(field, inner)}${required.has(key) ? '' : '.optional()'},`;
  });
  // Absent or true, JSON Schema lets other fields through: z.object accepts them too (and drops them).
  const open = extra === false ? 'z.strictObject' : 'z.object';
  const catchall = typeof extra === 'object' ? `.catchall(${zodSource(extra, indent)})` : '';
  return `${open}({\n${fields.join('\n')}\n${indent}})${catchall}`;
}
