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
 * to their stream in one script call, followed by the proof, once
 * (lua/publish-batch.lua). The proof's string is the batch's key: the signer hands the
 * same one to every envelope of a batch. The signer batches per topic; should a batch
 * span two, each stream gets its envelopes and the proof.
 */
export function createSealedBatchAppender(opts: SealedBatchOptions) {
  let waiting = new Map<string, Waiting[]>();
  const append = async (proof: string, topic: string, batch: Waiting[]) => {
    const keys = [opts.keys.stream(topic)];
    const args: (string | number)[] = [opts.streamMaxLen, proof, batch.length];
    for (const w of batch) {
      const { dedupeKey, onlyGroup, dedupeTtlSeconds } = w.opts;
      const linked = w.partitionkey !== undefined && onlyGroup === undefined;
      keys.push(opts.keys.dedupe(dedupeKey ?? ''), opts.keys.lastOfKey(topic, w.partitionkey ?? ''));
      args.push(
        w.envelope,
        dedupeKey === undefined ? 0 : (dedupeTtlSeconds ?? 86_400),
        linked ? opts.linkTtlSeconds : 0,
        onlyGroup ?? '',
      );
    }
    const out = await opts.scripts.publishBatch(keys, args);
    batch.forEach((w, i) => {
      const duplicate = out[2 * i + 1] === 1;
      if (!duplicate) opts.published(topic);
      w.resolve({ entryId: String(out[2 * i]), duplicate });
    });
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
