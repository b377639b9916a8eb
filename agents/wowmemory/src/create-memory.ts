import type {
  Embedder,
  Logger,
  MemoryBackend,
  MemoryFact,
  MemoryMessage,
  MemoryOwner,
  MemoryProvenance,
  MemoryRole,
  Metrics,
  PgQueryable,
  Store,
} from '#platform';
import { readSql } from '#platform';
import {
  assertKeyValid,
  assertLimitValid,
  assertMessageValid,
  assertQueryValid,
  assertTtlValid,
  valueJson,
} from './check-memory-input.ts';
import { evictOldest } from './evict-oldest.ts';
import { limitsOf, type MemorySettings } from './memory-settings.ts';
import { recallEntries } from './recall-entries.ts';
import { createRecallVectors } from './recall-vectors.ts';
import { watchMemoryMetrics } from './watch-memory-metrics.ts';

const sql = {
  upsertFact: readSql(import.meta.url, 'upsert-fact'),
  upsertFactRecall: readSql(import.meta.url, 'upsert-fact-recall'),
  insertEmbedding: 'insert into memory_embeddings (recall_id, model, embedding) values ($1, $2, $3)',
};

type FactRow = {
  key: string;
  value: unknown;
  agent: string;
  event_id: string | null;
  written_at: Date;
  expires_at: Date | null;
};

type MessageRow = {
  role: MemoryRole;
  text: string;
  agent: string;
  event_id: string | null;
  at: Date;
};

const factOf = (r: FactRow): MemoryFact => ({
  key: r.key,
  value: r.value,
  agent: r.agent,
  eventId: r.event_id ?? undefined,
  writtenAt: new Date(r.written_at),
  expiresAt: r.expires_at === null ? undefined : new Date(r.expires_at),
});

const messageOf = (r: MessageRow): MemoryMessage => ({
  role: r.role,
  text: r.text,
  agent: r.agent,
  eventId: r.event_id ?? undefined,
  at: new Date(r.at),
});

/** What recall reads of a fact: its key and its value, a string as it is, anything else as JSON. */
const recallText = (key: string, value: unknown, json: string) => `${key}: ${typeof value === 'string' ? value : json}`;

/** One owner's writes at a time, so that two writers never both count themselves under a limit. */
const lockOwner = (tx: PgQueryable, owner: MemoryOwner) =>
  tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`wowmemory:${owner.kind}:${owner.id}`]);

export interface MemoryOptions {
  settings: MemorySettings;
  /** Where the evicted and held entries show (`/metrics`); none in a CLI. */
  metrics?: Metrics | undefined;
  clock?: () => Date;
  /** An embedding model: with pgvector, recall finds entries by meaning too (embedderOf(settings)). */
  embedder?: Embedder | undefined;
  /** Where a failing embedding model is reported. */
  log?: Logger | undefined;
}

/**
 * WowMemory's memory over its tables, the backend of every agent's `ctx.memory`. It trusts
 * the owner and provenance it is given: the platform decides them from the delivery
 * (createAgentMemory), so an agent never names them itself. Every write checks its input,
 * keeps the owner within its limits by evicting the oldest entries (counted in
 * memory_evictions), and indexes the entry for recall in the same transaction.
 */
export function createMemory(store: Store, opts: MemoryOptions): MemoryBackend {
  const { settings } = opts;
  const clock = opts.clock ?? (() => new Date());
  if (opts.metrics !== undefined) watchMemoryMetrics(store, opts.metrics);
  const vectors = createRecallVectors(store, opts.embedder, opts.log);
  // An entry's vector is asked for before its transaction: a model takes its time, and the owner's lock waits for nothing outside.
  const addEmbedding = async (tx: PgQueryable, id: string | undefined, embedding: string | undefined) => {
    if (embedding !== undefined && id !== undefined)
      await tx.query(sql.insertEmbedding, [id, vectors.model, embedding]);
  };
  // A write's statements run in the caller's transaction when it gives one (ctx.once's), else in one of their own.
  const within = <T>(db: PgQueryable | undefined, fn: (tx: PgQueryable) => Promise<T>) =>
    db === undefined ? store.transaction(fn) : fn(db);
  const live = 'and (expires_at is null or expires_at > $3)';
  return {
    async remember(owner, fact, by: MemoryProvenance, db) {
      const key = assertKeyValid(fact.key);
      const ttlMs = assertTtlValid(fact.ttlMs);
      const { json, bytes } = valueJson(fact.value, settings.maxValueBytes);
      const now = clock();
      const expiresAt = ttlMs === undefined ? null : new Date(now.getTime() + ttlMs);
      const text = recallText(key, fact.value, json);
      const embedding = await vectors.of(text);
      await within(db, async (tx) => {
        await lockOwner(tx, owner);
        await tx.query(sql.upsertFact, [
          owner.kind,
          owner.id,
          key,
          json,
          bytes,
          by.agent,
          by.eventId ?? null,
          now,
          expiresAt,
        ]);
        await tx.query('delete from memory_recall where owner_kind = $1 and owner = $2 and fact_key = $3', [
          owner.kind,
          owner.id,
          key,
        ]);
        const { rows } = await tx.query<{ id: string }>(sql.upsertFactRecall, [owner.kind, owner.id, key, text, now]);
        await addEmbedding(tx, rows[0]?.id, embedding);
        // Expired facts go before anything live is evicted for room.
        await tx.query('delete from memory_facts where owner_kind = $1 and owner = $2 and expires_at <= $3', [
          owner.kind,
          owner.id,
          now,
        ]);
        await evictOldest(tx, owner, 'fact', limitsOf(settings, owner.kind).facts, now);
      });
    },
    async fact(owner, key, db = store) {
      const { rows } = await db.query<FactRow>(
        `select key, value, agent, event_id, written_at, expires_at from memory_facts
         where owner_kind = $1 and owner = $2 ${live} and key = $4`,
        [owner.kind, owner.id, clock(), assertKeyValid(key)],
      );
      return rows[0] === undefined ? undefined : factOf(rows[0]);
    },
    async facts(owner, { limit } = {}, db = store) {
      const { rows } = await db.query<FactRow>(
        `select key, value, agent, event_id, written_at, expires_at from memory_facts
         where owner_kind = $1 and owner = $2 ${live} order by written_at desc, key limit $4`,
        [owner.kind, owner.id, clock(), assertLimitValid(limit, 50)],
      );
      return rows.map(factOf);
    },
    async forget(owner, key, db = store) {
      const { rowCount } = await db.query(
        'delete from memory_facts where owner_kind = $1 and owner = $2 and key = $3',
        [owner.kind, owner.id, assertKeyValid(key)],
      );
      return (rowCount ?? 0) > 0;
    },
    async append(owner, message, by, db) {
      const { role, text, bytes } = assertMessageValid(message, settings.maxMessageBytes);
      const now = clock();
      const embedding = await vectors.of(`${role}: ${text}`);
      await within(db, async (tx) => {
        await lockOwner(tx, owner);
        const { rows } = await tx.query<{ id: string }>(
          `insert into memory_messages (owner_kind, owner, role, text, bytes, agent, event_id, at)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
          [owner.kind, owner.id, role, text, bytes, by.agent, by.eventId ?? null, now],
        );
        const { rows: entry } = await tx.query<{ id: string }>(
          'insert into memory_recall (owner_kind, owner, message_id, text, at) values ($1, $2, $3, $4, $5) returning id',
          [owner.kind, owner.id, rows[0]?.id, `${role}: ${text}`, now],
        );
        await addEmbedding(tx, entry[0]?.id, embedding);
        await evictOldest(tx, owner, 'message', limitsOf(settings, owner.kind).messages, now);
      });
    },
    async history(owner, { limit } = {}, db = store) {
      const { rows } = await db.query<MessageRow>(
        `select * from (
           select id, role, text, agent, event_id, at from memory_messages
           where owner_kind = $1 and owner = $2 order by id desc limit $3
         ) last order by id`,
        [owner.kind, owner.id, assertLimitValid(limit, 20)],
      );
      return rows.map(messageOf);
    },
    // Async, so that a refused query is a rejected promise like every other refusal here.
    recall: async (owner, query, { limit } = {}, db = store) =>
      recallEntries(db, vectors, owner, assertQueryValid(query), assertLimitValid(limit, 5), clock()),
  };
}
