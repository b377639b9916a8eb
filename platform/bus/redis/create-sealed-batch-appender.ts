import type { Redis } from 'ioredis';
import type { PublishOptions, PublishResult } from '../bus.ts';
import { entryFields, type BusKeys } from './keys.ts';
import type { BusScripts } from './load-bus-scripts.ts';

export interface SealedEntry {
  topic: string;
  envelope: string;
  partitionkey: string | undefined;
  opts: PublishOptions;
}

interface Waiting extends SealedEntry {
  resolve: (result: PublishResult) => void;
  reject: (err: unknown) => void;
}

export interface SealedBatchOptions {
  client: Redis;
  scripts: BusScripts;
  keys: BusKeys;
  streamMaxLen: number;
  /** Partition links outlive any realistic gap between two events of one key. */
  linkTtlSeconds: number;
  published: (topic: string) => void;
}

/**
 * Appends signed envelopes whose signature names their batch's proof: those of one batch
 * published in the same turn of the event loop (the signer resolves a batch at once) go
 * to their stream in one step, followed by the proof, once. A batch whose publishes ask
 * for nothing but the append (no de-duplication key, no partition link) is one MULTI of
 * plain XADDs, as an unsigned publish is one XADD: the script (lua/publish-batch.lua),
 * which reads keys before it writes, cost Redis two thirds more per message. The proof's
 * string is the batch's key: the signer hands the same one to every envelope of a batch. The signer batches per topic; should a batch
 * span two, each stream gets its envelopes and the proof.
 */
export function createSealedBatchAppender(opts: SealedBatchOptions) {
  let waiting = new Map<string, Waiting[]>();
  const settle = (topic: string, batch: Waiting[], results: PublishResult[]) =>
    batch.forEach((w, i) => {
      const result = results[i] ?? { entryId: '', duplicate: false };
      if (!result.duplicate) opts.published(topic);
      w.resolve(result);
    });
  const linked = (w: Waiting) => w.partitionkey !== undefined && w.opts.onlyGroup === undefined;
  // What publish-batch.lua writes for a batch of new events with neither key: the same
  // entries, nothing between them (MULTI), each `b` its distance to the proof.
  const appendPlain = async (proof: string, topic: string, batch: Waiting[]) => {
    const stream = opts.keys.stream(topic);
    const multi = opts.client.multi();
    batch.forEach((w, i) => {
      const fields = [entryFields.event, w.envelope, entryFields.toProof, String(batch.length - i)];
      if (w.opts.onlyGroup !== undefined) fields.push(entryFields.onlyGroup, w.opts.onlyGroup);
      multi.xadd(stream, 'MAXLEN', '~', opts.streamMaxLen, '*', ...fields);
    });
    multi.xadd(stream, 'MAXLEN', '~', opts.streamMaxLen, '*', entryFields.proof, proof);
    const replies = (await multi.exec()) ?? [];
    if (replies.length !== batch.length + 1) throw new Error(`the batch's MULTI answered ${replies.length} replies`);
    for (const [err] of replies) if (err !== null) throw err;
    settle(
      topic,
      batch,
      replies.map(([, id]) => ({ entryId: String(id), duplicate: false })),
    );
  };
  const append = async (proof: string, topic: string, batch: Waiting[]) => {
    if (batch.every((w) => w.opts.dedupeKey === undefined && !linked(w))) return appendPlain(proof, topic, batch);
    const keys = [opts.keys.stream(topic)];
    const args: (string | number)[] = [opts.streamMaxLen, proof, batch.length];
    for (const w of batch) {
      const { dedupeKey, onlyGroup, dedupeTtlSeconds } = w.opts;
      keys.push(opts.keys.dedupe(dedupeKey ?? ''), opts.keys.lastOfKey(topic, w.partitionkey ?? ''));
      args.push(
        w.envelope,
        dedupeKey === undefined ? 0 : (dedupeTtlSeconds ?? 86_400),
        linked(w) ? opts.linkTtlSeconds : 0,
        onlyGroup ?? '',
      );
    }
    const out = await opts.scripts.publishBatch(keys, args);
    settle(
      topic,
      batch,
      batch.map((_, i) => ({ entryId: String(out[2 * i]), duplicate: out[2 * i + 1] === 1 })),
    );
  };
  const flush = () => {
    const batches = waiting;
    waiting = new Map();
    for (const [proof, all] of batches) {
      const byTopic = new Map<string, Waiting[]>();
      for (const w of all) {
        const same = byTopic.get(w.topic);
        if (same === undefined) byTopic.set(w.topic, [w]);
        else same.push(w);
      }
      for (const [topic, batch] of byTopic)
        append(proof, topic, batch).catch((err: unknown) => {
          for (const w of batch) w.reject(err);
        });
    }
  };
  return {
    /** Resolves when the envelope's batch is in its stream, its proof after it. */
    append(entry: SealedEntry, proof: string): Promise<PublishResult> {
      return new Promise((resolve, reject) => {
        if (waiting.size === 0) process.nextTick(flush);
        const w: Waiting = { ...entry, resolve, reject };
        const batch = waiting.get(proof);
        if (batch === undefined) waiting.set(proof, [w]);
        else batch.push(w);
      });
    },
  };
}
