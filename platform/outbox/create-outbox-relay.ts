import type { Bus } from '../bus/bus.ts';
import type { CloudEvent } from '../bus/envelope.ts';
import type { Logger } from '../log/logger.ts';
import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';

const claimSql = readSql(import.meta.url, 'claim-outbox-batch');
const deleteSql = readSql(import.meta.url, 'delete-outbox-rows');

export interface OutboxRelay {
  start(): void;
  /** Publish now: call after committing an outbox write for immediate delivery. */
  wake(): void;
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
}

/** The relay's de-duplication key: a row published but not deleted before a crash is not sent twice. */
export const outboxDedupeKey = (event: CloudEvent) => `outbox:${event.id}`;

/**
 * Moves committed outbox rows to the bus: claims a batch (SKIP LOCKED, so several relays
 * share the work), publishes each with a de-duplication key, deletes the batch, commits.
 * Polls every `pollIntervalMs` so rows left by a crashed process are sent too.
 */
export function createOutboxRelay(opts: {
  store: Store;
  bus: Bus;
  log: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
}): OutboxRelay {
  const { store, bus, log } = opts;
  const batchSize = opts.batchSize ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const publishBatch = () =>
    store.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; event: CloudEvent }>(claimSql, [batchSize]);
      for (const row of rows)
        await bus.publish(row.event, { dedupeKey: outboxDedupeKey(row.event), dedupeTtlSeconds: 7 * 86_400 });
      if (rows.length > 0) await tx.query(deleteSql, [rows.map((r) => r.id)]);
      return rows.length;
    });

  const drain = async () => {
    do {
      again = false;
      try {
        while (!stopped && (await publishBatch()) === batchSize);
      } catch (err) {
        log.error({ err }, 'outbox relay failed; the rows stay and are retried');
      }
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = drain().finally(() => (running = undefined));
  };

  return {
    start() {
      timer = setInterval(wake, opts.pollIntervalMs ?? 1000);
      wake();
    },
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
