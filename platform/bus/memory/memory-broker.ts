import type { SerializedError } from '../../errors/wow-error.ts';
import type { DeadLetter } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';

/**
 * The in-process equivalent of a Redis server's streams: topics with consumer groups,
 * pending lists and dead-letter lists, kept in memory for one process. The semantics
 * mirror Redis Streams (ids, groups created at the current end, delivery counts, idle
 * times), so the shared consumer engine behaves the same on both.
 */
export interface MemEntry {
  id: string;
  n: number;
  /** Date.now() at append. */
  at: number;
  event: CloudEvent;
  onlyGroup: string | undefined;
  prev: string | undefined;
  /** The proof of the batch the event was signed in, when its signature only names it: one string per batch. */
  proof: string | undefined;
}

export interface MemPending {
  entry: MemEntry;
  consumer: string;
  deliveredAt: number;
  count: number;
}

export interface MemGroup {
  lastDelivered: number;
  pending: Map<string, MemPending>;
  consumers: Map<string, number>;
}

export interface MemTopic {
  entries: MemEntry[];
  next: number;
  groups: Map<string, MemGroup>;
  lastOfKey: Map<string, string>;
}

export class MemoryBroker {
  readonly topics = new Map<string, MemTopic>();
  readonly deadLetters = new Map<string, DeadLetter[]>();
  private readonly dedupe = new Map<string, { entryId: string; expiresAt: number }>();
  /** The map's size after its last sweep: the next sweep waits until it has doubled, so sweeping costs O(1) per key. */
  private sweptSize = 0;
  private dlqSeq = 0;
  private readonly waiters = new Set<() => void>();

  private readonly maxLen: number;

  constructor(maxLen: number) {
    this.maxLen = maxLen;
  }

  topic(name: string): MemTopic {
    let t = this.topics.get(name);
    if (t === undefined) {
      t = { entries: [], next: 1, groups: new Map(), lastOfKey: new Map() };
      this.topics.set(name, t);
    }
    return t;
  }

  /** Like XGROUP CREATE … $ MKSTREAM: a new group starts after the current last entry (with `fromStart`, before the first). */
  group(topicName: string, name: string, fromStart = false): MemGroup {
    const t = this.topic(topicName);
    let g = t.groups.get(name);
    if (g === undefined) {
      g = { lastDelivered: fromStart ? 0 : t.next - 1, pending: new Map(), consumers: new Map() };
      t.groups.set(name, g);
    }
    return g;
  }

  append(topicName: string, event: CloudEvent, onlyGroup: string | undefined, proof?: string): MemEntry {
    const t = this.topic(topicName);
    const n = t.next++;
    const id = `${n}-0`;
    let prev: string | undefined;
    if (event.partitionkey !== undefined && onlyGroup === undefined) {
      prev = t.lastOfKey.get(event.partitionkey);
      t.lastOfKey.set(event.partitionkey, id);
    }
    const entry: MemEntry = { id, n, at: Date.now(), event, onlyGroup, prev, proof };
    t.entries.push(entry);
    // Approximate trimming, like MAXLEN ~: drop in chunks once a tenth over.
    if (t.entries.length > this.maxLen * 1.1) t.entries.splice(0, t.entries.length - this.maxLen);
    this.notify();
    return entry;
  }

  /**
   * The index in `t.entries` of the first entry `g` has not been delivered: entries are
   * numbered without a gap from the first one kept (appends count up, trimming cuts the
   * front), so it is found by arithmetic. A read that searched for it cost as much as the
   * stream was long, and the stream keeps up to its maximum length of handled entries.
   */
  undelivered(t: MemTopic, g: MemGroup): number {
    const first = t.entries[0]?.n ?? t.next;
    return Math.min(t.entries.length, Math.max(0, g.lastDelivered + 1 - first));
  }

  /** The entry a de-duplication key names, while it has not expired. */
  seenDedupe(key: string, now: number): string | undefined {
    const seen = this.dedupe.get(key);
    return seen !== undefined && seen.expiresAt > now ? seen.entryId : undefined;
  }

  /**
   * Like `SET key … EX ttl` on Redis: expired keys must go, or a long-running process that
   * takes a webhook a second keeps every delivery id it ever saw.
   */
  rememberDedupe(key: string, entryId: string, expiresAt: number, now: number): void {
    this.dedupe.delete(key);
    this.dedupe.set(key, { entryId, expiresAt });
    if (this.dedupe.size < Math.max(1024, this.sweptSize * 2)) return;
    for (const [k, v] of this.dedupe) if (v.expiresAt <= now) this.dedupe.delete(k);
    this.sweptSize = this.dedupe.size;
  }

  get dedupeSize(): number {
    return this.dedupe.size;
  }

  deadLetter(group: string, topic: string, entry: MemEntry, error: SerializedError, attempts: number): void {
    const list = this.deadLetters.get(group) ?? [];
    list.push({
      id: `${Date.now()}-${this.dlqSeq++}`,
      group,
      topic,
      event: entry.event,
      error,
      attempts,
      failedAt: new Date().toISOString(),
    });
    this.deadLetters.set(group, list);
  }

  /** Resolves on the next append or ordering change, or after `ms`. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
