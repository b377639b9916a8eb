import type { PublishOptions, PublishResult } from '../bus.ts';
import type { BusKeys } from './keys.ts';
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
 * to their stream in one script call, followed by the proof, once: a batch whose
 * publishes ask for nothing but the append (no de-duplication key, partition link or
 * only-group, the common case) through lua/publish-sealed-1.lua, one argument per event;
 * others through lua/publish-batch.lua, which passes and reads two keys per event and cost
 * Redis two thirds more per message. The proof's string is the batch's key: the signer
 * hands the same one to every envelope of a batch. The signer batches per topic; should a
 * batch span two, each stream gets its envelopes and the proof.
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
  const plain = (w: Waiting) => w.opts.dedupeKey === undefined && w.opts.onlyGroup === undefined && !linked(w);
  const append = async (proof: string, topic: string, batch: Waiting[]) => {
    if (batch.every(plain)) {
      const stream = opts.keys.stream(topic);
      const ids = await opts.scripts.publishSealed(
        stream,
        opts.streamMaxLen,
        proof,
        batch.map((w) => w.envelope),
      );
      settle(
        topic,
        batch,
        ids.map((entryId) => ({ entryId, duplicate: false })),
      );
      return;
    }
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
