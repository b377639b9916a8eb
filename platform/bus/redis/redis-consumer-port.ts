import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.ts';
import type { ProofAtHand } from '../bus.ts';
import type { ConsumerPort, RawDelivery } from '../consumer/consumer-port.ts';
import { entryFields, type BusKeys } from './keys.ts';
import { fieldsOf, parseStreamEntry, type ParsedEntry, type StreamEntry } from './parse-entries.ts';

interface PortOptions {
  client: Redis;
  /** A connection of this consumer's own: XREADGROUP BLOCK holds it. */
  blocking: Redis;
  keys: BusKeys;
  group: string;
  consumer: string;
  topics: readonly string[];
  visibilityTimeoutMs: number;
  log: Logger;
}

/** Redis answers NOGROUP when the group, or the stream under it, is gone. */
const isNoGroup = (err: unknown) => err instanceof Error && err.message.startsWith('NOGROUP');
/** A blocked XREADGROUP whose stream was deleted under it (FLUSHALL) is answered so. */
const isStreamGone = (err: unknown) => err instanceof Error && err.message.startsWith('UNBLOCKED');

type ReadReply = [stream: string, entries: StreamEntry[]][] | null;
type PendingRow = [id: string, consumer: string, idleMs: number, deliveries: number];

/**
 * One consumer of one group over Redis Streams. Acks are batched per tick (one XACK per
 * stream for everything acked in that tick) to save round trips on the hot path.
 */
export function createRedisConsumerPort(opts: PortOptions): ConsumerPort {
  const { client, blocking, keys, group, consumer, log } = opts;
  const streams = opts.topics.map((t) => keys.stream(t));
  const topicOf = new Map(opts.topics.map((t) => [keys.stream(t), t]));
  let interrupted = false;
  const acks = new Map<string, { ids: string[]; waiters: (() => void)[]; failers: ((e: unknown) => void)[] }>();
  let flushScheduled = false;

  const flushAcks = () => {
    flushScheduled = false;
    const batch = [...acks];
    acks.clear();
    for (const [stream, { ids, waiters, failers }] of batch) {
      client.xack(stream, group, ...ids).then(
        () => waiters.forEach((w) => w()),
        (err: unknown) => failers.forEach((f) => f(err)),
      );
    }
  };

  /**
   * The proof of the batch whose envelope is `entryId`: the first proof entry after it, at
   * most `toProof` entries on (lua/publish-batch.lua writes a batch and its proof with
   * nothing between). Asked only when a delivery's proof was not in the same read.
   */
  const fetchProof = async (stream: string, entryId: string, toProof: number): Promise<string | undefined> => {
    const after = (await client.xrange(stream, `(${entryId}`, '+', 'COUNT', toProof)) as StreamEntry[];
    for (const [, fields] of after) {
      const proof = fieldsOf(fields).get(entryFields.proof);
      if (proof !== undefined) return proof;
    }
    return undefined;
  };
  const once = <T>(get: () => Promise<T>): (() => Promise<T>) => {
    let got: Promise<T> | undefined;
    return () => (got ??= get());
  };

  /**
   * Deliveries from a reply, each with its batch's proof when it has one: a proof entry is
   * acked at once (it is no delivery) and handed, as the one string, to the envelopes before
   * it in the read. With `contiguous` (a read of new entries: a run of the stream), the
   * first proof after an envelope in the read, within the entry's distance, is its
   * batch's; the envelopes after the read's last proof are of one batch, whose proof is
   * fetched once, when a guard asks. Entries claimed are no run: each fetches its own.
   */
  const toDeliveries = (
    reply: ReadReply,
    deliveryCount: (id: string) => number,
    contiguous: boolean,
  ): RawDelivery[] => {
    const out: RawDelivery[] = [];
    for (const [stream, entries] of reply ?? []) {
      const topic = topicOf.get(stream) ?? keys.topicOfStream(stream);
      const parsed: ParsedEntry[] = [];
      const proofIds: string[] = [];
      for (const entry of entries) {
        const read = parseStreamEntry(topic, entry, deliveryCount(entry[0]));
        if (read !== null) parsed.push(read);
        if (read?.proof !== undefined) proofIds.push(entry[0]);
        else if (read === null) {
          log.error(
            { stream, entryId: entry[0], fields: entry[1] },
            'stream entry is not a WAOOAW envelope; acking it away',
          );
          void client.xack(stream, group, entry[0]);
        }
      }
      if (proofIds.length > 0)
        client
          .xack(stream, group, ...proofIds)
          .catch((err: unknown) =>
            log.error({ err, stream }, 'acking batch proofs failed; they will be claimed again'),
          );
      // Walking on, the proof a batch's first envelope carries, for the batch's envelopes after
      // it (its distance to the batch's proof entry bounds them): in a run cut short before
      // that entry, they need no fetch.
      const heads: (string | undefined)[] = [];
      let head: { proof: string; end: number } | undefined;
      parsed.forEach((read, i) => {
        if (read.delivery !== undefined && read.head !== undefined && read.toProof !== undefined)
          head = { proof: read.head, end: i + read.toProof };
        heads.push(contiguous && head !== undefined && i < head.end ? head.proof : undefined);
      });
      // Walking back, the nearest proof after each envelope, if within its distance. The
      // distance only finds the proof: the guard checks it whatever it is.
      let nearest: { at: number; proof: ProofAtHand } | undefined;
      for (let i = parsed.length - 1; i >= 0; i--) {
        const read = parsed[i];
        if (read?.proof !== undefined) nearest = { at: i, proof: read.proof };
        else if (read?.toProof !== undefined) {
          const { delivery, toProof } = read;
          if (contiguous && nearest !== undefined && nearest.at - i <= toProof) delivery.proof = nearest.proof;
          else if (contiguous && i + toProof < parsed.length) delivery.proof = undefined;
          else if (heads[i] !== undefined) delivery.proof = heads[i];
          else {
            const fetched = once(() => fetchProof(stream, delivery.entryId, toProof));
            // The envelopes after the read's last proof are one batch's: they share the fetch.
            if (contiguous) nearest = { at: parsed.length, proof: fetched };
            delivery.proof = fetched;
          }
        }
      }
      for (const read of parsed) if (read.delivery !== undefined) out.push(read.delivery);
    }
    return out;
  };

  /**
   * After Redis lost its data (flushed, or restarted without persistence) the groups are
   * gone. Recreated from the start of their streams, which now hold only what was published
   * since, the outbox's republished events among them (docs/durability.md).
   */
  const recreateGroups = async () => {
    for (const stream of streams) {
      try {
        await client.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err as Error).message.includes('BUSYGROUP')) throw err;
      }
    }
    log.warn({ group, streams }, 'consumer group was missing (Redis lost its data?); recreated');
  };

  return {
    async read(count) {
      if (interrupted) return [];
      try {
        const reply = (await blocking.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          2000,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        )) as ReadReply;
        return toDeliveries(reply, () => 1, true);
      } catch (err) {
        if (interrupted) return [];
        if (!isNoGroup(err) && !isStreamGone(err)) throw err;
        await recreateGroups();
        return [];
      }
    },
    async claim(count) {
      const out: RawDelivery[] = [];
      for (const stream of streams) {
        if (out.length >= count) break;
        let idle: PendingRow[];
        try {
          idle = (await client.xpending(
            stream,
            group,
            'IDLE',
            opts.visibilityTimeoutMs,
            '-',
            '+',
            count - out.length,
          )) as PendingRow[];
        } catch (err) {
          // A lost group has nothing pending: read() recreates it.
          if (isNoGroup(err)) continue;
          throw err;
        }
        const stale = idle.filter(([, owner]) => owner !== consumer);
        if (stale.length === 0) continue;
        const deliveries = new Map(stale.map(([id, , , n]) => [id, n + 1]));
        // XCLAIM re-checks the idle time, so two consumers claiming at once cannot both win.
        const claimed = (await client.xclaim(
          stream,
          group,
          consumer,
          opts.visibilityTimeoutMs,
          ...stale.map(([id]) => id),
        )) as StreamEntry[];
        out.push(
          ...toDeliveries(
            [[stream, claimed.filter((e) => Array.isArray(e[1]))]],
            (id) => deliveries.get(id) ?? 2,
            false,
          ),
        );
      }
      return out;
    },
    async extend(entries) {
      const byStream = new Map<string, string[]>();
      for (const e of entries) {
        const stream = keys.stream(e.topic);
        byStream.set(stream, [...(byStream.get(stream) ?? []), e.entryId]);
      }
      await Promise.all(
        [...byStream].map(([stream, ids]) => client.xclaim(stream, group, consumer, 0, ...ids, 'JUSTID')),
      );
    },
    ack(e) {
      return new Promise<void>((resolve, reject) => {
        const stream = keys.stream(e.topic);
        const batch = acks.get(stream) ?? { ids: [], waiters: [], failers: [] };
        batch.ids.push(e.entryId);
        batch.waiters.push(resolve);
        batch.failers.push(reject);
        acks.set(stream, batch);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flushAcks);
        }
      });
    },
    async deadLetter(e, error, attempts, into = group) {
      const stream = keys.stream(e.topic);
      // MULTI/EXEC: the entry is in the dead-letter stream exactly when it is acked.
      await client
        .multi()
        .xadd(
          keys.deadLetters(into),
          'MAXLEN',
          '~',
          100_000,
          '*',
          'e',
          JSON.stringify(e.event),
          't',
          e.topic,
          'id',
          e.entryId,
          'err',
          JSON.stringify(error),
          'a',
          String(attempts),
          'at',
          new Date().toISOString(),
        )
        .xack(stream, group, e.entryId)
        .exec();
    },
    async isTurn(e) {
      if (e.prev === undefined) return true;
      // The group delivers in stream order, so the previous entry of the key was delivered
      // before this one: it is done exactly when it is no longer pending.
      try {
        const rows = (await client.xpending(keys.stream(e.topic), group, e.prev, e.prev, 1)) as PendingRow[];
        return rows.length === 0;
      } catch (err) {
        // The group is gone, and with it the predecessor's place in it.
        if (isNoGroup(err)) return true;
        throw err;
      }
    },
    async waitTurnChange(signal) {
      try {
        await sleep(10, undefined, { signal });
      } catch {
        // Aborted: the caller checks its signal.
      }
    },
    async reply(replyTo, correlationId, body) {
      await client
        .multi()
        .xadd(replyTo, 'MAXLEN', '~', 1000, '*', 'c', correlationId, 'b', JSON.stringify(body))
        .expire(replyTo, 300)
        .exec();
    },
    interrupt() {
      interrupted = true;
      // Ends a blocked XREADGROUP now rather than at its timeout.
      blocking.disconnect();
    },
    async close() {
      if (acks.size > 0) flushAcks();
      blocking.disconnect();
      await Promise.resolve();
    },
  };
}
