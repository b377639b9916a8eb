import { createError } from '../errors/errors.ts';
import type { CacheEntryOptions, Json } from './cache.ts';

/** The longest TTL an entry may ask for, also how long a tag's generation outlives its last invalidation. */
export const maxTtlSeconds = 7 * 86_400;
const maxKeyLength = 256;
const maxTags = 16;
// Control characters would corrupt log lines and the pub/sub messages that carry keys.
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const refuse = (what: string, problem: string, fix: string) =>
  createError('WOW_ERR_CACHE_ARGUMENT', { what, problem, fix });

/** A key or a tag: 1 to 256 characters, none of them a control character. */
export function assertCacheKeyValid(key: unknown, what = 'key'): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > maxKeyLength)
    throw refuse(
      `the ${what}`,
      `must be a string of 1 to ${maxKeyLength} characters`,
      `Shorten it, e.g. hash a long query.`,
    );
  if (hasControlCharacter(key))
    throw refuse(`the ${what} ${JSON.stringify(key)}`, 'holds a control character', 'Remove it.');
  return key;
}

export function assertEntryOptionsValid(opts: CacheEntryOptions): { ttlSeconds: number; tags: string[] } {
  const { ttl } = opts;
  if (!Number.isFinite(ttl) || ttl <= 0 || ttl > maxTtlSeconds)
    throw refuse('ttl', `is ${String(ttl)}`, `Give seconds from 1 to ${maxTtlSeconds}.`);
  const tags = [...new Set(opts.tags ?? [])];
  if (tags.length > maxTags) throw refuse('tags', `are ${tags.length}`, `Give at most ${maxTags}.`);
  for (const tag of tags) assertCacheKeyValid(tag, 'tag');
  return { ttlSeconds: ttl, tags: tags.sort() };
}

/**
 * The JSON text of a loader's value, or WOW_ERR_CACHE_VALUE when it has none (undefined,
 * a function, a BigInt, a cycle): the value must survive the trip through Redis unchanged.
 */
export function encodeValue(namespace: string, key: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw createError('WOW_ERR_CACHE_VALUE', { namespace, key, problem: (err as Error).message }, { cause: err });
  }
  if (json === undefined) throw createError('WOW_ERR_CACHE_VALUE', { namespace, key, problem: typeof value });
  return json;
}

/** Parses a cached JSON text into a value frozen all the way down: every reader shares it. */
export function decodeValue(json: string): Json {
  const value = JSON.parse(json) as Json;
  deepFreeze(value);
  return value;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const inner of Object.values(value)) deepFreeze(inner);
  Object.freeze(value);
}
