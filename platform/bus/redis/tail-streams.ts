import type { Redis } from 'ioredis';
import type { CloudEvent } from '../envelope.ts';
import { connectRedis } from './connect-redis.ts';
import { busKeys } from './keys.ts';
import { parseEntry, type StreamEntry } from './parse-entries.ts';

export interface TailedEntry {
  event: CloudEvent;
  topic: string;
  entryId: string;
  /** Set on a redrive or a replay: the one group it is for. */
  onlyGroup: string | undefined;
}

export interface TailOptions {
  redisUrl: string;
  keyPrefix: string;
  /** Whether a topic may hold what is wanted: only those streams are read. */
  topic: (topic: string) => boolean;
  /** Whether an event is wanted. */
  type: (type: string) => boolean;
  signal: AbortSignal;
  onEntry: (entry: TailedEntry) => void;
  /** How often the streams are listed again, for topics that appear meanwhile. Default 2 s. */
  rescanMs?: number;
}

/**
 * Follows the bus's streams as they grow, from now, with plain XREAD: it joins no consumer
 * group, so it takes nothing from any agent and leaves nothing pending. Streams existing
 * at start are read from their newest entry on; one that appears later from its first.
 * Ends when `signal` aborts (its blocked read is cut short).
 */
export async function tailStreams(opts: TailOptions): Promise<void> {
  const keys = busKeys(opts.keyPrefix);
  const conn: Redis = await connectRedis(opts.redisUrl, 'wow-tail');
  const stop = () => conn.disconnect();
  opts.signal.addEventListener('abort', stop, { once: true });
  const positions = new Map<string, string>();
  const rescanMs = opts.rescanMs ?? 2000;
  let scannedAt = 0;
  const scan = async (first: boolean) => {
    let cursor = '0';
    do {
      const [next, found] = await conn.scan(cursor, 'MATCH', keys.streamPattern, 'COUNT', 500);
      cursor = next;
      for (const stream of found) {
        if (positions.has(stream) || !opts.topic(keys.topicOfStream(stream))) continue;
        const newest = first
          ? ((await conn.xrevrange(stream, '+', '-', 'COUNT', 1)) as StreamEntry[])[0]?.[0]
          : undefined;
        positions.set(stream, newest ?? '0-0');
      }
    } while (cursor !== '0');
    scannedAt = Date.now();
  };
  try {
    await scan(true);
    while (!opts.signal.aborted) {
      if (Date.now() - scannedAt >= rescanMs) await scan(false);
      if (positions.size === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, rescanMs);
          opts.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
        continue;
      }
      const streams = [...positions.keys()];
      const reply = await conn.xread(
        'COUNT',
        500,
        'BLOCK',
        Math.min(1000, rescanMs),
        'STREAMS',
        ...streams,
        ...streams.map((s) => positions.get(s) ?? '0-0'),
      );
      for (const [stream, entries] of reply ?? []) {
        const topic = keys.topicOfStream(stream);
        for (const entry of entries) {
          positions.set(stream, entry[0]);
          const parsed = parseEntry(topic, entry, 0);
          if (parsed === null || !opts.type(parsed.event.type)) continue;
          opts.onEntry({ event: parsed.event, topic, entryId: parsed.entryId, onlyGroup: parsed.onlyGroup });
        }
      }
    }
  } catch (err) {
    // The disconnect that ends a blocked read surfaces as a closed connection.
    if (!opts.signal.aborted) throw err;
  } finally {
    opts.signal.removeEventListener('abort', stop);
    conn.disconnect();
  }
}
