/**
 * Every Redis key and channel of the cache, built in one place. They share the bus's
 * prefix, so a hash-tagged prefix ("{wow}:") keeps them in one slot on Redis Cluster, as
 * the scripts (which build tag generation keys from `generationPrefix`) require.
 */
export function cacheKeys(prefix: string) {
  return {
    /** A hash: v (the JSON value), t (its tags), g (their generations when it was filled). */
    value: (namespace: string, key: string) => `${prefix}cache:v:${namespace}:${key}`,
    /** Held by the one process loading the key: its token, with a short lease. */
    lock: (namespace: string, key: string) => `${prefix}cache:lock:${namespace}:${key}`,
    /** Prefix of each tag's generation counter, which invalidating the tag increments. */
    generationPrefix: (namespace: string) => `${prefix}cache:gen:${namespace}:`,
    /** Invalidations, deletions and fills, heard by every process. */
    channel: `${prefix}cache:events`,
  };
}

export type CacheKeys = ReturnType<typeof cacheKeys>;
