import { readSql, type MemoryOwner, type PgQueryable } from '#platform';

const sql = readSql(import.meta.url, 'memory-usage');

/** How much one owner's memory holds, and how much its limits evicted. */
export interface MemoryUsage {
  owner: MemoryOwner;
  facts: number;
  factBytes: number;
  messages: number;
  messageBytes: number;
  /** Entries of the recall index (one per fact and message). */
  recall: number;
  /** Embeddings of those entries; 0 without pgvector. */
  embeddings: number;
  evicted: { facts: number; messages: number };
  oldest: string | null;
  newest: string | null;
}

type UsageRow = {
  facts: number;
  fact_bytes: number;
  messages: number;
  message_bytes: number;
  recall: number;
  evicted_facts: number;
  evicted_messages: number;
  oldest: Date | null;
  newest: Date | null;
};

/** Whether pgvector's table exists here (migration 0035 creates it only where pgvector does). */
export async function hasEmbeddings(db: PgQueryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>("select to_regclass('memory_embeddings') is not null as found");
  return rows[0]?.found === true;
}

export async function countEmbeddings(db: PgQueryable, owner: MemoryOwner): Promise<number> {
  if (!(await hasEmbeddings(db))) return 0;
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from memory_embeddings e join memory_recall r on r.id = e.recall_id
     where r.owner_kind = $1 and r.owner = $2`,
    [owner.kind, owner.id],
  );
  return rows[0]?.n ?? 0;
}

export async function memoryUsage(db: PgQueryable, owner: MemoryOwner): Promise<MemoryUsage> {
  const { rows } = await db.query<UsageRow>(sql, [owner.kind, owner.id]);
  const r = rows[0] as UsageRow;
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  return {
    owner,
    facts: r.facts,
    factBytes: r.fact_bytes,
    messages: r.messages,
    messageBytes: r.message_bytes,
    recall: r.recall,
    embeddings: await countEmbeddings(db, owner),
    evicted: { facts: r.evicted_facts, messages: r.evicted_messages },
    oldest: iso(r.oldest),
    newest: iso(r.newest),
  };
}
