import { createError } from '../errors/errors.ts';
import { asPlatform } from '../store/role-store.ts';
import type { PgQueryable } from '../store/store.ts';
import type {
  MemoryBackend,
  MemoryFact,
  MemoryMessage,
  MemoryOwner,
  MemoryProvenance,
  MemoryRole,
  RecallHit,
} from './memory-backend.ts';

/**
 * Where a call runs: in a transaction of memory's own, or, with `tx`, in the agent's (the
 * one `ctx.once` gives its effect), so that what is remembered commits with the effect.
 * Without `tx`, do not call memory inside `once`: on the embedded store's one connection it
 * would wait for the transaction that holds it.
 */
export interface MemoryCallOptions {
  tx?: PgQueryable | undefined;
}

/** One owner's memory, as an agent reaches it through `ctx.memory`. */
export interface MemoryScope {
  readonly owner: MemoryOwner;
  /** Remembers `value` (JSON) under `key`, replacing what was there; with `ttlMs`, only that long. */
  remember(key: string, value: unknown, opts?: MemoryCallOptions & { ttlMs?: number }): Promise<void>;
  fact(key: string, opts?: MemoryCallOptions): Promise<MemoryFact | undefined>;
  facts(opts?: MemoryCallOptions & { limit?: number }): Promise<MemoryFact[]>;
  forget(key: string, opts?: MemoryCallOptions): Promise<boolean>;
  append(message: { role: MemoryRole; text: string }, opts?: MemoryCallOptions): Promise<void>;
  history(opts?: MemoryCallOptions & { limit?: number }): Promise<MemoryMessage[]>;
  recall(query: string, opts?: MemoryCallOptions & { limit?: number }): Promise<RecallHit[]>;
}

/**
 * `ctx.memory`: the memory of the customer whose work this delivery is, and the agent's
 * own. Which customer that is comes from the delivery's envelope (`customer`, set by the
 * side that emitted it), never from the agent's arguments: an agent handling customer A's
 * work cannot reach B's memory, and a schedule, which handles nobody's work, reaches no
 * customer's at all.
 */
export interface AgentMemory {
  /** The customer this delivery is for, or undefined (a schedule, setup, or an event naming nobody). */
  readonly customer: string | undefined;
  /**
   * The memory of the delivery's customer. `slug`, when given, must be that customer:
   * another is WOW_ERR_MEMORY_OTHER_CUSTOMER, and no customer at all WOW_ERR_MEMORY_NO_CUSTOMER.
   */
  forCustomer(slug?: string): MemoryScope;
  /** The agent's own memory: no other agent reads or writes it. */
  readonly own: MemoryScope;
}

/**
 * Runs `call` in memory's own transaction, or in the agent's `tx` as the platform: the
 * agent's role is granted none of memory's tables, so the statements step out of it (and
 * back in for the agent's next one), within the same transaction.
 */
const on = <T>(tx: PgQueryable | undefined, call: (db?: PgQueryable) => Promise<T>): Promise<T> =>
  tx === undefined ? call() : asPlatform(tx, call);

function scopeOf(backend: MemoryBackend, owner: MemoryOwner, by: MemoryProvenance): MemoryScope {
  return {
    owner,
    remember: (key, value, opts = {}) =>
      on(opts.tx, (db) => backend.remember(owner, { key, value, ttlMs: opts.ttlMs }, by, db)),
    fact: (key, opts = {}) => on(opts.tx, (db) => backend.fact(owner, key, db)),
    facts: (opts = {}) => on(opts.tx, (db) => backend.facts(owner, { limit: opts.limit }, db)),
    forget: (key, opts = {}) => on(opts.tx, (db) => backend.forget(owner, key, db)),
    append: (message, opts = {}) => on(opts.tx, (db) => backend.append(owner, message, by, db)),
    history: (opts = {}) => on(opts.tx, (db) => backend.history(owner, { limit: opts.limit }, db)),
    recall: (query, opts = {}) => on(opts.tx, (db) => backend.recall(owner, query, { limit: opts.limit }, db)),
  };
}

export function createAgentMemory(
  backend: MemoryBackend,
  opts: {
    agent: string;
    customer: string | undefined;
    eventId: string | undefined;
    what: string;
    /** Told of each reach for another customer's memory (a security violation), before it is refused. */
    onOtherCustomer: (asked: string) => void;
  },
): AgentMemory {
  const by: MemoryProvenance = { agent: opts.agent, eventId: opts.eventId };
  const { customer } = opts;
  // Built once: every call in one delivery reaches the same customer.
  const customerScope = customer === undefined ? undefined : scopeOf(backend, { kind: 'customer', id: customer }, by);
  return {
    customer,
    forCustomer(slug) {
      if (customerScope === undefined)
        throw createError('WOW_ERR_MEMORY_NO_CUSTOMER', { agent: opts.agent, what: opts.what });
      if (slug !== undefined && slug !== customerScope.owner.id) {
        opts.onOtherCustomer(slug);
        throw createError('WOW_ERR_MEMORY_OTHER_CUSTOMER', {
          agent: opts.agent,
          customer: customerScope.owner.id,
          asked: slug,
        });
      }
      return customerScope;
    },
    own: scopeOf(backend, { kind: 'agent', id: opts.agent }, by),
  };
}
