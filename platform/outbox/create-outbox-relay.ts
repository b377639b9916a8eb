import type { Bus } from '../bus/bus.ts';
import { topicOf, type CloudEvent } from '../bus/envelope.ts';
import { isWowError } from '../errors/define-errors.ts';
import type { Logger } from '../log/logger.ts';
import { readSql } from '../store/read-sql.ts';
import type { PgQueryable, Store } from '../store/store.ts';
import { listenForOutboxWrites } from './wake-outbox-relays.ts';

const sql = {
  claim: readSql(import.meta.url, 'claim-outbox-batch'),
  mark: readSql(import.meta.url, 'mark-outbox-published'),
  republishLost: readSql(import.meta.url, 'republish-lost-outbox-rows'),
  listPublished: readSql(import.meta.url, 'list-published-outbox-rows'),
  delete: readSql(import.meta.url, 'delete-outbox-rows'),
};

export interface OutboxRelay {
  start(): void;
  /** Publish now: call after committing an outbox write for immediate delivery. */
  wake(): void;
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
}

/** The relay's de-duplication key: a row published twice (a crash before it was marked) is sent once. */
export const outboxDedupeKey = (event: CloudEvent) => `outbox:${event.id}`;

/** A week: a published row no group has handled by then is given up (a group no agent reads any more). */
export const defaultOutboxRetentionSeconds = 7 * 86_400;

/**
 * Moves committed outbox rows to the bus and keeps them until the bus has done its job.
 *
 * - Publishing: claims a batch (SKIP LOCKED, so several relays share the work), publishes
 *   each with a de-duplication key, marks them published under the bus's epoch, commits.
 * - Every poll it also asks the bus its epoch: rows published under another one went to data
 *   the bus has lost (Redis flushed or restarted without persistence), and are published
 *   again. Then it asks which published rows every consumer group has handled, and deletes
 *   those (docs/durability.md).
 *
 * Publishes when this process commits an outbox row (enqueueOutbox wakes it), and polls
 * every `pollIntervalMs`, so rows another process wrote or a crashed one left are sent too.
 *
 * On the embedded store (one process owns it, so this is the only relay) a batch is read,
 * published and marked without a transaction around them: PGlite has one session, and a
 * publish that reads the store itself (the message guard's key and credential reads) would
 * wait for ever behind a transaction held across it. Nothing is lost by it: a crash
 * between publish and mark leaves the rows unmarked, as a rolled-back transaction would,
 * and the de-duplication key sends them once.
 */
export function createOutboxRelay(opts: {
  store: Store;
  bus: Bus;
  log: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  retentionSeconds?: number;
  /** How long an event of a topic no group reads is kept (see `confirm`). */
  unreadGraceSeconds?: number;
}): OutboxRelay {
  const { store, bus, log } = opts;
  const batchSize = opts.batchSize ?? 100;
  const retentionSeconds = opts.retentionSeconds ?? defaultOutboxRetentionSeconds;
  const unreadGraceSeconds = opts.unreadGraceSeconds ?? 60;
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let again: 'no' | 'publish' | 'poll' = 'no';
  let stopped = false;
  // The epoch read at the last poll: a commit's wake publishes without asking again. Rows
  // marked with a stale one are published again at the next poll, which is what they need.
  let epoch: string | undefined;

  const publishIn = async (db: PgQueryable, under: string) => {
    const { rows } = await db.query<{ id: string; event: CloudEvent }>(sql.claim, [batchSize]);
    // All at once, in order: the bus appends them in the order they were given, and a
    // signing bus signs what one sender publishes together in one signature.
    const settled = await Promise.allSettled(
      rows.map((row) =>
        bus.publish(row.event, { dedupeKey: outboxDedupeKey(row.event), dedupeTtlSeconds: retentionSeconds }),
      ),
    );
    const published = rows.flatMap((row, i) => {
      const result = settled[i];
      return result?.status === 'fulfilled' ? [{ row, entryId: result.value.entryId }] : [];
    });
    if (published.length > 0)
      await db.query(sql.mark, [
        published.map((p) => p.row.id),
        under,
        published.map((p) => topicOf(p.row.event.type)),
        published.map((p) => p.entryId),
      ]);
    // A row whose data its domain model refuses (EVENT_SCHEMA_CHECK=strict) stays and is tried
    // again at each poll, said loudly, without holding back the rows beside it; any other
    // failure (the bus unreachable) fails the batch, as before.
    let refused = 0;
    for (const [i, result] of settled.entries()) {
      if (result.status === 'fulfilled') continue;
      if (!isWowError(result.reason, 'WOW_ERR_EVENT_SCHEMA')) throw result.reason;
      refused++;
      const event = rows[i]?.event;
      log.error(
        { err: result.reason, eventId: event?.id, type: event?.type },
        'outbox row refused by its domain model; it stays until its data or the model is fixed',
      );
    }
    // With a refusal the batch stops here: the refused rows would fill every batch after it.
    return refused > 0 ? 0 : rows.length;
  };
  const publishBatch = (under: string) =>
    store.kind === 'embedded' ? publishIn(store, under) : store.transaction((tx) => publishIn(tx, under));

  // No transaction here: asking the bus must not hold a connection (the embedded store has one).
  const confirm = async (under: string) => {
    const { rows } = await store.query<{ id: string; topic: string; entry_id: string; age: number }>(
      sql.listPublished,
      [under, 1000],
    );
    const byTopic = new Map<string, typeof rows>();
    for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    const done: string[] = [];
    for (const [topic, list] of byTopic) {
      const { ids, groups } = await bus.handled(
        topic,
        list.map((r) => r.entry_id),
        under,
      );
      // No group reads the topic: nobody will (a group created later starts after them), or
      // its readers are yet to recreate their groups after a loss. Kept a while for the latter.
      for (const r of list) if (ids.has(r.entry_id) || (groups === 0 && r.age > unreadGraceSeconds)) done.push(r.id);
    }
    await store.query(sql.delete, [done, retentionSeconds]);
  };

  const poll = async () => {
    epoch = await bus.epoch();
    const lost = await store.query(sql.republishLost, [epoch]);
    if ((lost.rowCount ?? 0) > 0)
      log.warn(
        { events: lost.rowCount, epoch },
        'the bus lost events it had not delivered to every group (Redis flushed or restarted?); publishing them again',
      );
  };

  const run = async (withPoll: boolean) => {
    if (withPoll || epoch === undefined) await poll();
    const under = epoch as string;
    while (!stopped && (await publishBatch(under)) === batchSize);
    if (withPoll && !stopped) await confirm(under);
  };

  // What kick() asked for while a drain ran (a function, since the loop cannot see kick's writes).
  const takeAgain = () => {
    const asked = again;
    again = 'no';
    return asked;
  };
  const drain = async (withPoll: boolean) => {
    for (let next: typeof again = withPoll ? 'poll' : 'publish'; next !== 'no' && !stopped; next = takeAgain()) {
      try {
        await run(next === 'poll');
      } catch (err) {
        log.error({ err }, 'outbox relay failed; the rows stay and are retried');
      }
    }
  };

  const kick = (withPoll: boolean) => {
    if (stopped) return;
    if (running !== undefined) {
      if (withPoll || again === 'no') again = withPoll ? 'poll' : 'publish';
      return;
    }
    running = drain(withPoll).finally(() => (running = undefined));
  };

  return {
    start() {
      timer = setInterval(() => kick(true), opts.pollIntervalMs ?? 1000);
      stopListening = listenForOutboxWrites(() => kick(false));
      kick(true);
    },
    wake: () => kick(false),
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopListening?.();
      await running;
    },
  };
}
