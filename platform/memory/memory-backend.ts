import type { PgQueryable } from '../store/store.ts';

/**
 * The port behind `ctx.memory`. The platform keeps nothing itself: WowMemory implements
 * it over its own tables (agents/wowmemory) and a door (`wow start`, `wow agents run`)
 * hands it to the agent host. The platform's part is to decide whose memory an agent may
 * touch (createAgentMemory) and to stamp what it writes with its provenance.
 */

/** Whose memory: a customer's (by slug), shared by the agents doing their work, or one agent's own. */
export interface MemoryOwner {
  readonly kind: 'customer' | 'agent';
  readonly id: string;
}

/** Who wrote an entry: the agent, and the event it was handling (none in a schedule or setup). */
export interface MemoryProvenance {
  readonly agent: string;
  readonly eventId: string | undefined;
}

export interface MemoryFact extends MemoryProvenance {
  readonly key: string;
  readonly value: unknown;
  readonly writtenAt: Date;
  /** When it stops being remembered; undefined: kept until evicted or forgotten. */
  readonly expiresAt: Date | undefined;
}

/** Who said it in a conversation: the customer, an agent, a person of the platform (L3), or the system. */
export type MemoryRole = 'customer' | 'agent' | 'human' | 'system';

export interface MemoryMessage extends MemoryProvenance {
  readonly role: MemoryRole;
  readonly text: string;
  readonly at: Date;
}

/** An entry recall found: a fact (by its key) or a message, with how well it matched (higher is better). */
export interface RecallHit {
  readonly source: 'fact' | 'message';
  /** The fact's key, for a fact. */
  readonly key: string | undefined;
  readonly text: string;
  readonly score: number;
  readonly at: Date;
}

/**
 * Each method runs in a transaction of its own, or, given `db`, in that one (the caller's,
 * e.g. `ctx.once`'s, stepped out of the agent's role): then it commits or rolls back with
 * the caller's other writes.
 */
export interface MemoryBackend {
  remember(
    owner: MemoryOwner,
    fact: { key: string; value: unknown; ttlMs?: number | undefined },
    by: MemoryProvenance,
    db?: PgQueryable,
  ): Promise<void>;
  /** The fact, unless absent or expired. */
  fact(owner: MemoryOwner, key: string, db?: PgQueryable): Promise<MemoryFact | undefined>;
  /** The owner's live facts, newest first. */
  facts(owner: MemoryOwner, opts?: { limit?: number | undefined }, db?: PgQueryable): Promise<MemoryFact[]>;
  /** Whether there was a fact to forget. */
  forget(owner: MemoryOwner, key: string, db?: PgQueryable): Promise<boolean>;
  append(
    owner: MemoryOwner,
    message: { role: MemoryRole; text: string },
    by: MemoryProvenance,
    db?: PgQueryable,
  ): Promise<void>;
  /** The last `limit` messages, oldest first (as a conversation reads). */
  history(owner: MemoryOwner, opts?: { limit?: number | undefined }, db?: PgQueryable): Promise<MemoryMessage[]>;
  /** The owner's facts and messages that best match `query`, best first. */
  recall(
    owner: MemoryOwner,
    query: string,
    opts?: { limit?: number | undefined },
    db?: PgQueryable,
  ): Promise<RecallHit[]>;
}
