import { z } from 'zod';
import { assertEventTypeValid } from '../bus/envelope.ts';

/** A family of types by their common prefix: `github.*` (GitHub's webhooks), `support.ticket.*`. */
const familyPattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.\*$/;

const passes = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

const meaning = z
  .string({ error: 'expected one sentence on what it means in this domain' })
  .trim()
  .min(1, { error: 'expected one sentence on what it means in this domain' })
  .max(1000, { error: 'expected at most 1,000 characters' });

const pascalName = z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/, { error: 'expected a PascalCase name, e.g. "Ticket"' });

/** One field of an entity or value object. `type` is the domain's word for it: uuid, text, timestamp, a value object's name, "L1|L2|L3". */
export const modelFieldSchema = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, { error: 'expected a camelCase field name, e.g. "ticketId"' }),
  type: z
    .string()
    .trim()
    .min(1, { error: 'expected the field\'s type, e.g. "uuid", "text", "timestamp", "SlaClock[]"' })
    .max(120, { error: 'expected at most 120 characters' }),
  required: z.boolean({ error: 'expected true or false' }),
  meaning,
});

/** An entity (it has an identity that lasts) or a value object (it is its values). */
export const modelTypeSchema = z.strictObject({
  name: pascalName,
  meaning,
  fields: z.array(modelFieldSchema).min(1, { error: 'expected at least one field' }).max(100),
});

/** A JSON Schema (draft 2020-12) object, checked as a schema by ajv when the model loads. */
const jsonSchema = z.record(z.string(), z.unknown(), { error: 'expected a JSON Schema, written in YAML' });

/**
 * An event of the domain. `type` is an exact type or, for a family the platform names
 * by pattern (`github.*`), the pattern; `version` goes up with every incompatible change
 * of `data`, the JSON Schema of the event's data.
 */
export const modelEventSchema = z.strictObject({
  type: z.string().refine((t) => (t.endsWith('.*') ? familyPattern.test(t) : passes(() => assertEventTypeValid(t))), {
    error: 'expected an event type, e.g. "support.ticket.opened", or a family pattern such as "github.*"',
  }),
  version: z
    .number({ error: 'expected a whole number from 1' })
    .int()
    .min(1, { error: 'expected a whole number from 1' }),
  meaning,
  /** The entity or value object the event is about, when it is about one. */
  about: pascalName.optional(),
  data: jsonSchema,
});

export const glossaryEntrySchema = z.strictObject({
  term: z.string().trim().min(1).max(80, { error: 'expected at most 80 characters' }),
  meaning,
  /** Words not to use for it: they mean something else here, or nothing. */
  avoid: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
});

/**
 * `domains/<name>/model.yml`: a bounded context, in the words its people and agents use —
 * its entities and value objects, the events it publishes with the schemas of their data,
 * and its glossary. This schema is the only source of the types below.
 */
export const domainModelSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
    error: 'expected kebab-case, e.g. "support", equal to the folder name',
  }),
  description: meaning,
  entities: z.array(modelTypeSchema).max(100).default([]),
  valueObjects: z.array(modelTypeSchema).max(100).default([]),
  events: z.array(modelEventSchema).max(500).default([]),
  glossary: z.array(glossaryEntrySchema).max(500).default([]),
});

export type DomainModel = z.infer<typeof domainModelSchema>;
export type ModelEvent = z.infer<typeof modelEventSchema>;
export type ModelType = z.infer<typeof modelTypeSchema>;
export type GlossaryEntry = z.infer<typeof glossaryEntrySchema>;
