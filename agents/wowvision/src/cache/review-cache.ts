/**
 * Results per file, keyed by content (blob id) and what judged it (parser version or
 * rule pack hash), so a new push re-analyses only what changed.
 */
export interface ReviewCache {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** A bounded in-memory cache: the oldest entries go first. */
export function createMemoryCache(
  maxEntries = 200_000,
): ReviewCache & { readonly size: number; entries(): IterableIterator<[string, unknown]> } {
  const map = new Map<string, unknown>();
  return {
    get size() {
      return map.size;
    },
    get: (key) => map.get(key),
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > maxEntries) map.delete(map.keys().next().value as string);
    },
    entries: () => map.entries(),
  };
}
