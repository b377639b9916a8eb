import { z, type ZodType } from 'zod';
import { createError } from '../errors/errors.ts';

/** `release-notes` → `RELEASE_NOTES_`: the prefix of an agent's own environment variables. */
export const settingsPrefix = (agentId: string) => `${agentId.replace(/-/g, '_').toUpperCase()}_`;

/** `embeddingsModel` → `EMBEDDINGS_MODEL`. */
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

type Env = Readonly<Record<string, string | undefined>>;

/** Where a shared block of settings is read from: its prefix, and any variable named otherwise. */
interface SharedSource {
  prefix: string;
  names: Readonly<Record<string, string>>;
}

// A WeakMap rather than zod metadata: the mark must survive only as long as the schema
// object, and must not show in the JSON Schema zod would print for it.
const sharedSources = new WeakMap<ZodType, SharedSource>();

/**
 * Settings a domain shares with every agent that works in it and with the doors, e.g.
 * the support desk's repository and keys: each key is read from `<prefix><KEY>` (or the
 * name given in `names`), never from an agent's own prefix, so every reader sees the same
 * values. An agent takes them under a key of its own settings —
 * `settings: z.object({ support: supportSettings, ... })` — and a door with
 * `readSharedSettings`. The schema is a z.object, optionally ending in one `.transform`.
 */
export function sharedSettings<T extends ZodType>(
  prefix: string,
  schema: T,
  names: Readonly<Record<string, string>> = {},
): T {
  sharedSources.set(schema, { prefix, names });
  return schema;
}

/** The object a settings schema reads, seen through one trailing `.transform`. */
function shapeOf(schema: ZodType): Readonly<Record<string, ZodType>> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe && schema.in instanceof z.ZodObject) return schema.in.shape;
  return undefined;
}

const variableIn = (source: SharedSource, key: string) => source.names[key] ?? source.prefix + snake(key);

/** Reads `schema` from `env`, reporting every bad variable by name (WOW_ERR_CONFIG). */
function readSettings<Settings>(owner: string, schema: ZodType<Settings>, source: SharedSource, env: Env): Settings {
  const shape = shapeOf(schema);
  if (shape === undefined)
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id: owner,
      problem: 'its `settings` must be a z.object({...}) of named settings',
    });
  const nested = (key: string) => {
    const field = shape[key];
    return field === undefined ? undefined : sharedSources.get(field);
  };
  const input = Object.fromEntries(
    Object.entries(shape).map(([key, field]): [string, unknown] => {
      const shared = sharedSources.get(field);
      const inner = shared === undefined ? undefined : shapeOf(field);
      if (shared === undefined || inner === undefined) return [key, env[variableIn(source, key)]];
      return [key, Object.fromEntries(Object.keys(inner).map((k) => [k, env[variableIn(shared, k)]]))];
    }),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw createError('WOW_ERR_CONFIG', {
    problems: parsed.error.issues
      .map((issue) => {
        const [key = '', inner] = issue.path.map(String);
        const shared = nested(key);
        const variable =
          shared === undefined || inner === undefined ? variableIn(source, key) : variableIn(shared, inner);
        return `  ${variable}: ${issue.message}${env[variable] === undefined ? ' (not set)' : ''}`;
      })
      .join('\n'),
  });
}

/**
 * An agent's own settings (defineAgent's `settings`, a zod object): each key is read from
 * `<ID>_<KEY_IN_SNAKE_CASE>`, e.g. wowsearch's `embeddingsModel` from
 * WOWSEARCH_EMBEDDINGS_MODEL, and a key holding `sharedSettings` from that block's own
 * variables. Values arrive as strings (use z.coerce for numbers); a bad one is
 * WOW_ERR_CONFIG naming the variable, as the platform's own configuration does. The agent
 * sees only these, never the platform's variables or secrets.
 */
export function readAgentSettings<Settings>(
  agentId: string,
  schema: ZodType<Settings>,
  env: Env = process.env,
): Settings {
  return readSettings(agentId, schema, { prefix: settingsPrefix(agentId), names: {} }, env);
}

/** The variables a block of `sharedSettings` reads, e.g. for a test that .env.example documents them. */
export function sharedVariables(schema: ZodType): string[] {
  const source = sharedSources.get(schema);
  return source === undefined ? [] : Object.keys(shapeOf(schema) ?? {}).map((key) => variableIn(source, key));
}

/** A block of `sharedSettings` on its own, for a door (the HTTP server, the CLI) that works in the domain. */
export function readSharedSettings<Settings>(schema: ZodType<Settings>, env: Env = process.env): Settings {
  const source = sharedSources.get(schema);
  if (source === undefined)
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id: 'shared settings',
      problem: 'readSharedSettings takes a schema made by sharedSettings(prefix, schema), which names its variables',
    });
  return readSettings(source.prefix, schema, source, env);
}
