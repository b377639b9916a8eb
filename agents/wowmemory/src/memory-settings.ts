import { z } from 'zod';
import { embedderFrom, embedderVariables, embeddingsNeedModel, type Embedder } from '#platform';

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/**
 * WowMemory's own settings, each from its WOWMEMORY_* variable: how much one customer and
 * one agent may hold. Past a limit the oldest entries are evicted (and counted), so memory
 * never grows without bound whatever an agent writes.
 */
export const memorySettings = z
  .object({
    /** WOWMEMORY_MAX_FACTS_PER_CUSTOMER */
    maxFactsPerCustomer: count(1_000),
    /** WOWMEMORY_MAX_FACTS_PER_AGENT */
    maxFactsPerAgent: count(1_000),
    /** WOWMEMORY_MAX_MESSAGES_PER_CUSTOMER: conversation history kept per customer. */
    maxMessagesPerCustomer: count(2_000),
    /** WOWMEMORY_MAX_MESSAGES_PER_AGENT */
    maxMessagesPerAgent: count(2_000),
    /** WOWMEMORY_MAX_VALUE_BYTES: a fact's value as JSON text, in bytes. */
    maxValueBytes: z.coerce.number().int().min(64).max(1_048_576).default(16_384),
    /** WOWMEMORY_MAX_MESSAGE_BYTES: one message's text, in bytes. */
    maxMessageBytes: z.coerce.number().int().min(64).max(1_048_576).default(16_384),
    /** WOWMEMORY_SWEEP_MS: how often expired facts are deleted. */
    sweepMs: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
    /** WOWMEMORY_EMBEDDINGS_*: with pgvector, recall finds entries by meaning too; by words alone without. */
    ...embedderVariables,
  })
  .refine(...embeddingsNeedModel);

export type MemorySettings = z.infer<typeof memorySettings>;

/** The embedding model the settings name, if any. */
export function embedderOf(settings: MemorySettings, opts: { fetch?: typeof fetch } = {}): Embedder | undefined {
  return embedderFrom(settings, 'WOWMEMORY_EMBEDDINGS', opts);
}

/** The limits for one kind of owner. */
export function limitsOf(settings: MemorySettings, kind: 'customer' | 'agent'): { facts: number; messages: number } {
  return kind === 'customer'
    ? { facts: settings.maxFactsPerCustomer, messages: settings.maxMessagesPerCustomer }
    : { facts: settings.maxFactsPerAgent, messages: settings.maxMessagesPerAgent };
}
