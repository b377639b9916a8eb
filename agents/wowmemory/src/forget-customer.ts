import type { MemoryOwner, Store } from '#platform';
import { countEmbeddings } from './memory-usage.ts';

/** What `wow memory forget` erased, per kind. */
export interface ForgetReport {
  customer: string;
  facts: number;
  messages: number;
  recall: number;
  embeddings: number;
  /** Rows of eviction counts (one per kind that ever evicted). */
  evictions: number;
}

/**
 * Erases everything memory holds of one customer, in one transaction: facts, history, the
 * recall index and its embeddings, and the eviction counts. What agents remember of
 * themselves is theirs and stays. Counted before the deletes, since the recall entries and
 * embeddings go by cascade.
 */
export async function forgetCustomer(store: Store, customer: string): Promise<ForgetReport> {
  const owner: MemoryOwner = { kind: 'customer', id: customer };
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`wowmemory:customer:${customer}`]);
    const embeddings = await countEmbeddings(tx, owner);
    const where = "where owner_kind = 'customer' and owner = $1";
    const { rowCount: recall } = await tx.query(`delete from memory_recall ${where}`, [customer]);
    const { rowCount: facts } = await tx.query(`delete from memory_facts ${where}`, [customer]);
    const { rowCount: messages } = await tx.query(`delete from memory_messages ${where}`, [customer]);
    const { rowCount: evictions } = await tx.query(`delete from memory_evictions ${where}`, [customer]);
    return {
      customer,
      facts: facts ?? 0,
      messages: messages ?? 0,
      recall: recall ?? 0,
      embeddings,
      evictions: evictions ?? 0,
    };
  });
}
