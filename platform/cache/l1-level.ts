import { LRUCache } from 'lru-cache';
import type { Json, NamespaceTuning } from './cache.ts';

interface Entry {
  value: Json;
  tags: readonly string[];
}

export interface L1Events {
  evicted(): void;
  expired(): void;
}

/**
 * One namespace's level 1 in this process: an LRU bounded by WowCache's `l1MaxEntries`,
 * each entry expiring with its TTL. `epoch` goes up whenever entries are dropped for a
 * change (a tag, a key), so a load that began before it does not keep its older value.
 */
export class L1Level {
  #lru: LRUCache<string, Entry>;
  #events: L1Events;
  epoch = 0;

  constructor(tuning: NamespaceTuning, events: L1Events) {
    this.#events = events;
    this.#lru = this.#create(tuning.l1MaxEntries);
  }

  #create(max: number): LRUCache<string, Entry> {
    return new LRUCache<string, Entry>({
      max,
      // Room made for a newer entry counts as an eviction, what WowCache sizes L1 by; an
      // expired entry found on a read counts apart (a TTL too short, not an L1 too small).
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.#events.evicted();
        else if (reason === 'expire') this.#events.expired();
      },
    });
  }

  get size(): number {
    return this.#lru.size;
  }

  get(key: string): Entry | undefined {
    return this.#lru.get(key);
  }

  set(key: string, value: Json, tags: readonly string[], ttlMs: number): void {
    this.#lru.set(key, { value, tags }, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.epoch += 1;
    this.#lru.delete(key);
  }

  /** Drops every entry holding one of `tags`; a scan, as L1 is bounded and invalidations are rare beside reads. */
  dropTags(tags: readonly string[]): void {
    this.epoch += 1;
    const dropped = new Set(tags);
    for (const [key, entry] of this.#lru.entries()) if (entry.tags.some((t) => dropped.has(t))) this.#lru.delete(key);
  }

  clear(): void {
    this.epoch += 1;
    this.#lru.clear();
  }

  /** A new bound keeps the most recently used entries that fit, with their remaining TTLs. */
  resize(max: number): void {
    if (max === this.#lru.max) return;
    const next = this.#create(max);
    // entries() runs from the most recent: keep the first `max`, set oldest first to keep their order.
    const kept = [...this.#lru.entries()].slice(0, max).reverse();
    for (const [key, entry] of kept) {
      const ttl = this.#lru.getRemainingTTL(key);
      if (ttl > 0) next.set(key, entry, { ttl });
    }
    this.#lru = next;
  }
}
