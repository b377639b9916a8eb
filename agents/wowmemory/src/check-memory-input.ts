import type { MemoryRole } from '#platform';
import { createError } from './errors.ts';

/** Keys are names agents choose, e.g. `plan`, `support.product`, `ticket:42/outcome`. */
const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const roles: readonly MemoryRole[] = ['customer', 'agent', 'human', 'system'];

/** At most this many facts, messages or recall hits per read. */
export const maxReadLimit = 200;
/** A recall query longer than this says nothing more to a word search. */
export const maxQueryLength = 2_000;
/** Ten years: a TTL past it is a unit mistake (seconds for milliseconds), not an intent. */
const maxTtlMs = 10 * 365 * 86_400_000;

export function assertKeyValid(key: unknown): string {
  if (typeof key === 'string' && keyPattern.test(key)) return key;
  throw createError('WOW_ERR_MEMORY_INPUT', {
    what: `the key ${JSON.stringify(String(key).slice(0, 60))}`,
    problem:
      'a key is 1 to 200 characters: letters, digits and . _ : / -, starting with a letter or digit (e.g. "support.plan")',
  });
}

/** The value as JSON text, and its size; a value JSON cannot hold is refused, not changed. */
export function valueJson(value: unknown, limit: number): { json: string; bytes: number } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw createError('WOW_ERR_MEMORY_INPUT', {
      what: 'a value',
      problem: `it is not JSON (${(err as Error).message})`,
    });
  }
  if (json === undefined)
    throw createError('WOW_ERR_MEMORY_INPUT', {
      what: 'a value',
      problem: `${typeof value} is not JSON; remember a string, number, boolean, null, array or object`,
    });
  // jsonb holds no NUL character, escaped or not.
  if (json.includes('\\u0000'))
    throw createError('WOW_ERR_MEMORY_INPUT', { what: 'a value', problem: 'it holds a NUL character (\\u0000)' });
  const bytes = Buffer.byteLength(json);
  if (bytes > limit)
    throw createError('WOW_ERR_MEMORY_TOO_LARGE', {
      what: 'The value',
      bytes,
      limit,
      variable: 'WOWMEMORY_MAX_VALUE_BYTES',
    });
  return { json, bytes };
}

export function assertTtlValid(ttlMs: unknown): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs === 'number' && Number.isSafeInteger(ttlMs) && ttlMs > 0 && ttlMs <= maxTtlMs) return ttlMs;
  throw createError('WOW_ERR_MEMORY_INPUT', {
    what: `the TTL ${JSON.stringify(ttlMs)}`,
    problem: 'a TTL is a whole number of milliseconds from 1 to ten years, or none (kept until evicted)',
  });
}

export function assertLimitValid(limit: unknown, fallback: number): number {
  if (limit === undefined) return fallback;
  if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= maxReadLimit) return limit;
  throw createError('WOW_ERR_MEMORY_INPUT', {
    what: `the limit ${JSON.stringify(limit)}`,
    problem: `a limit is a whole number from 1 to ${maxReadLimit}`,
  });
}

export function assertMessageValid(
  message: { role: unknown; text: unknown },
  limit: number,
): { role: MemoryRole; text: string; bytes: number } {
  const { role, text } = message;
  if (!roles.includes(role as MemoryRole))
    throw createError('WOW_ERR_MEMORY_INPUT', {
      what: `the role ${JSON.stringify(String(role).slice(0, 40))}`,
      problem: `a message's role is one of ${roles.join(', ')}`,
    });
  if (typeof text !== 'string' || text.trim() === '')
    throw createError('WOW_ERR_MEMORY_INPUT', { what: 'a message', problem: 'its text is empty or not a string' });
  const bytes = Buffer.byteLength(text);
  if (bytes > limit)
    throw createError('WOW_ERR_MEMORY_TOO_LARGE', {
      what: 'The message',
      bytes,
      limit,
      variable: 'WOWMEMORY_MAX_MESSAGE_BYTES',
    });
  // PostgreSQL text holds no NUL; refused by name rather than by the server's encoding error.
  if (text.includes('\u0000'))
    throw createError('WOW_ERR_MEMORY_INPUT', { what: 'a message', problem: 'its text holds a NUL character' });
  return { role: role as MemoryRole, text, bytes };
}

export function assertQueryValid(query: unknown): string {
  if (typeof query === 'string' && query.trim() !== '' && query.length <= maxQueryLength && !query.includes('\u0000'))
    return query;
  throw createError('WOW_ERR_MEMORY_INPUT', {
    what: 'a recall query',
    problem: `a query is text of 1 to ${maxQueryLength} characters`,
  });
}
