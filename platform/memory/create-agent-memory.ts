import { createError } from '../errors/errors.ts';
import type {
  MemoryBackend,
  MemoryFact,
  MemoryMessage,
  MemoryOwner,
  MemoryProvenance,
  MemoryRole,
  RecallHit,
} from './memory-backend.ts';

/** One owner's memory, as an agent reaches it through `ctx.memory`. */
export interface MemoryScope {
  readonly owner: MemoryOwner;
  /** Remembers `value` (JSON) under `key`, replacing what was there; with `ttlMs`, only that long. */
  remember(key: string, value: unknown, opts?: { ttlMs?: number }): Promise<void>;
  fact(key: string): Promise<MemoryFact | undefined>;
  facts(opts?: { limit?: number }): Promise<MemoryFact[]>;
  forget(key: string): Promise<boolean>;
  append(message: { role: MemoryRole; text: string }): Promise<void>;
  history(opts?: { limit?: number }): Promise<MemoryMessage[]>;
  recall(query: string, opts?: { limit?: number }): Promise<RecallHit[]>;
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

function scopeOf(backend: MemoryBackend, owner: MemoryOwner, by: MemoryProvenance): MemoryScope {
  return {
    owner,
    remember: (key, value, opts = {}) => backend.remember(owner, { key, value, ttlMs: opts.ttlMs }, by),
    fact: (key) => backend.fact(owner, key),
    facts: (opts) => backend.facts(owner, opts),
    forget: (key) => backend.forget(owner, key),
    append: (message) => backend.append(owner, message, by),
    history: (opts) => backend.history(owner, opts),
    recall: (query, opts) => backend.recall(owner, query, opts),
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
