/**
 * `read` with each key's answer served again for `ms` (0: read each time): under load a
 * page costs a query a second, not a query a request. A failed read is not served again:
 * the next call tries afresh. The caller bounds the keys (listed agent ids, one catalogue).
 */
export function freshFor<K, V>(ms: number, read: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const last = new Map<K, { at: number; value: Promise<V> }>();
  return (key) => {
    const now = Date.now();
    const kept = last.get(key);
    if (kept !== undefined && now - kept.at < ms) return kept.value;
    const current = { at: now, value: read(key) };
    last.set(key, current);
    current.value.catch(() => {
      if (last.get(key) === current) last.delete(key);
    });
    return current.value;
  };
}
