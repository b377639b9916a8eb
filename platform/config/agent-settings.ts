import { z, type ZodType } from 'zod';
import { createError } from '../errors/errors.ts';

/** `release-notes` → `RELEASE_NOTES_`: the prefix of an agent's own environment variables. */
export const settingsPrefix = (agentId: string) => `${agentId.replace(/-/g, '_').toUpperCase()}_`;

/** `embeddingsModel` → `EMBEDDINGS_MODEL`. */
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * An agent's own settings (defineAgent's `settings`, a zod object): each key is read from
 * `<ID>_<KEY_IN_SNAKE_CASE>`, e.g. wowsearch's `embeddingsModel` from
 * WOWSEARCH_EMBEDDINGS_MODEL. Values arrive as strings (use z.coerce for numbers); a bad
 * one is WOW_ERR_CONFIG naming the variable, as the platform's own configuration does. The
 * agent sees only these, never the platform's variables or secrets.
 */
export function readAgentSettings<Settings>(
  agentId: string,
  schema: ZodType<Settings>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Settings {
  if (!(schema instanceof z.ZodObject))
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id: agentId,
      problem: 'its `settings` must be a z.object({...}) of named settings',
    });
  const prefix = settingsPrefix(agentId);
  const variable = (key: string) => prefix + snake(key);
  const input = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[variable(key)]]));
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as Settings;
  throw createError('WOW_ERR_CONFIG', {
    problems: parsed.error.issues
      .map((issue) => {
        const key = String(issue.path[0] ?? '');
        const value = env[variable(key)];
        return `  ${variable(key)}: ${issue.message}${value === undefined ? ' (not set)' : ''}`;
      })
      .join('\n'),
  });
}
