import type { Logger } from '../log/logger.ts';
import type { Bus, Handler, StopResult, SubscriptionHandle } from './bus.ts';
import { topicOf } from './envelope.ts';

export interface TopicWatchOptions {
  bus: Bus;
  /** The watcher's own consumer group: it sees every entry, whatever other groups do. */
  group: string;
  consumer: string;
  /** Event types and patterns known now (manifests, domains, the platform's): their topics are watched at once. */
  known: readonly string[];
  handler: Handler;
  concurrency: number;
  /** How often the bus is asked for topics that appeared since (a new `github.<event>`). */
  rescanMs: number;
  log: Logger;
}

export interface TopicWatcher {
  /** The topics watched so far. */
  topics(): string[];
  stop(opts?: { timeoutMs?: number }): Promise<StopResult>;
}

/** The topic of each type or "<domain>.<entity>.*" pattern; a wider pattern ("github.*") names none. */
export function topicsOf(types: readonly string[]): string[] {
  const topics = types
    .map((t) => (t.endsWith('.*') ? t.slice(0, -2) : t))
    .filter((base) => base.split('.').length >= 2)
    .map(topicOf);
  return [...new Set(topics)].sort();
}

/**
 * Delivers every event of every topic to one consumer group that never answers requests:
 * an archive's view of the bus. The topics known at start are subscribed at once; the
 * bus's own list of topics is read again every `rescanMs`, so a topic first published
 * later (a GitHub event nobody declared) is watched from then on, from the oldest entry
 * its stream still holds: the group is new there, so nothing the stream kept is missed.
 */
export async function watchEveryTopic(opts: TopicWatchOptions): Promise<TopicWatcher> {
  const watched = new Set<string>();
  const handles: SubscriptionHandle[] = [];
  let stopped = false;
  const watch = async (topics: readonly string[]) => {
    const fresh = topics.filter((t) => !watched.has(t));
    if (fresh.length === 0 || stopped) return;
    for (const t of fresh) watched.add(t);
    handles.push(
      await opts.bus.subscribe({
        group: opts.group,
        // Each subscription its own consumer: a consumer's pending entries are read per subscription.
        consumer: `${opts.consumer}#${handles.length}`,
        // A topic's own two-segment type and every longer one in it.
        types: fresh.flatMap((t) => [t, `${t}.*`]),
        handler: opts.handler,
        concurrency: opts.concurrency,
        answersRequests: false,
        // A topic found late is read from its start; a first deploy archives what the streams still hold.
        fromStart: true,
      }),
    );
  };
  const rescan = async () => {
    try {
      await watch(topicsOf((await opts.bus.stats()).topics.map((t) => t.topic)));
    } catch (err) {
      opts.log.warn({ err, group: opts.group }, 'could not list the bus topics; trying again at the next rescan');
    }
  };
  await watch(topicsOf(opts.known));
  await rescan();
  let scanning: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    scanning = scanning.then(rescan);
  }, opts.rescanMs);
  timer.unref();
  return {
    topics: () => [...watched].sort(),
    async stop(stopOpts) {
      stopped = true;
      clearInterval(timer);
      await scanning;
      const results = await Promise.all(handles.map((h) => h.stop(stopOpts)));
      return {
        drained: results.every((r) => r.drained),
        abandoned: results.reduce((n, r) => n + r.abandoned, 0),
      };
    },
  };
}
