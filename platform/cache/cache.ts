import type { Counts } from './cache-figures.ts';

/** A JSON value: what the cache holds (it crosses process boundaries through Redis). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface CacheEntryOptions {
  /** Seconds the value may be served, before WowCache's TTL factor for the namespace (1 to 604800). */
  ttl: number;
  /** Invalidating any of these drops the value everywhere (at most 16, each like a key). */
  tags?: readonly string[];
}

/**
 * `ctx.cache`: one namespace (the agent's id) of the platform's three-level cache. A read
 * goes to this process's LRU (L1), then Redis (L2, shared by every process), then the
 * loader (L3, usually PostgreSQL); concurrent misses of one key call the loader once, in
 * this process and across processes. Values come back frozen: never change one in place.
 */
export interface AgentCache {
  readonly namespace: string;
  /**
   * The value of `key`, loading it on a miss. `T` must be JSON (checked when loaded:
   * WOW_ERR_CACHE_VALUE); a property left undefined is absent when read back, as in JSON.
   * Call it outside a transaction: a caller joins a load already under way, which may be
   * waiting for the connection the caller's transaction holds (the embedded store has one).
   */
  getOrSet<T>(key: string, opts: CacheEntryOptions, loader: () => Promise<T>): Promise<T>;
  /** The value held in L1 or L2, without loading it. */
  get<T>(key: string): Promise<T | undefined>;
  /** Drops one key everywhere. */
  delete(key: string): Promise<void>;
  /** Drops every value tagged with one of `tags`, in L2 and in every process's L1. */
  invalidateTags(tags: readonly string[]): Promise<void>;
}

/** What WowCache tunes per namespace; every process reads it (Cache.refreshTuning). */
export interface NamespaceTuning {
  /** Multiplies each entry's `ttl` (0.05 to 20). */
  ttlFactor: number;
  /** The most entries the namespace's L1 holds in one process. */
  l1MaxEntries: number;
}

/**
 * A namespace's figures in this process since it started: its counts (cache-figures.ts: L1
 * and L2 hits, loader calls and their time, evictions, expiries, stampede waits, oversize
 * values), its L1 entries now and WowCache's tuning of it.
 */
export interface NamespaceFigures extends Counts {
  namespace: string;
  l1Entries: number;
  tuning: NamespaceTuning;
}

/** The process's cache: one per runtime, shared by every agent it hosts. */
export interface Cache {
  /** `redis` when L2 is Redis; `memory` (L1 and the loader only) with the in-process bus. */
  readonly kind: 'redis' | 'memory';
  namespace(name: string): AgentCache;
  figures(): NamespaceFigures[];
  /** Reads the tuning table now (it is also read every `tuningRefreshMs`). */
  refreshTuning(): Promise<void>;
  /** Adds this process's per-minute figures to the shared table now (also every `flushIntervalMs`). */
  flushFigures(): Promise<void>;
  close(): Promise<void>;
}
