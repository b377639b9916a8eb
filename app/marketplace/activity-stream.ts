import type { ServerResponse } from 'node:http';
import type { Logger } from '#platform';
import type { ActivityItem } from '#domains/customer';

/** How many pieces of recent work a profile shows, and its live feed keeps. */
export const activityLength = 10;

export interface ActivityHub {
  /** Whether one more stream may open (the server holds at most `maxStreams`). */
  full(): boolean;
  /** Follows an agent's work on an open response: what there is now first, then each new piece as it comes. */
  follow(agentId: string, res: ServerResponse): Promise<void>;
  /** Ends every stream (the server is stopping). */
  close(): void;
}

export interface ActivityHubOptions {
  read: (agentId: string) => Promise<ActivityItem[]>;
  /** How often an agent followed by anyone is read for new work (ms). */
  pollMs: number;
  maxStreams: number;
  log: Logger;
}

interface Followed {
  streams: Set<ServerResponse>;
  seen: Set<string>;
  timer: NodeJS.Timeout;
}

const frame = (item: ActivityItem) => `id: ${item.key}\nevent: activity\ndata: ${JSON.stringify(item)}\n\n`;

/**
 * The live activity feeds of one server. Each agent followed by at least one browser is
 * read every `pollMs`, once for all of them, whichever process projected the events (the
 * figures' table is the meeting point); new work goes to every stream of that agent. A
 * comment every 15 s keeps proxies from closing a quiet stream.
 */
export function createActivityHub(opts: ActivityHubOptions): ActivityHub {
  const followed = new Map<string, Followed>();
  let open = 0;

  const poll = async (agentId: string, f: Followed) => {
    const items = await opts.read(agentId);
    const fresh = items.filter((i) => !f.seen.has(i.key)).reverse();
    f.seen = new Set(items.map((i) => i.key));
    for (const item of fresh) for (const res of f.streams) res.write(frame(item));
  };

  const keepAlive = setInterval(() => {
    for (const f of followed.values()) for (const res of f.streams) res.write(': still here\n\n');
  }, 15_000);
  keepAlive.unref();

  return {
    full: () => open >= opts.maxStreams,
    async follow(agentId, res) {
      open += 1;
      res.once('close', () => {
        open -= 1;
        const f = followed.get(agentId);
        if (f === undefined) return;
        f.streams.delete(res);
        if (f.streams.size === 0) {
          clearInterval(f.timer);
          followed.delete(agentId);
        }
      });
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        // Nginx would otherwise hold the events back in its buffer.
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 5000\n\n');
      const items = await opts.read(agentId);
      if (res.destroyed) return;
      for (const item of [...items].reverse()) res.write(frame(item));
      let f = followed.get(agentId);
      if (f === undefined) {
        const created: Followed = {
          streams: new Set(),
          seen: new Set(items.map((i) => i.key)),
          timer: setInterval(() => {
            poll(agentId, created).catch((err: unknown) =>
              opts.log.warn({ err, agentId }, 'could not read recent work for the live feed; trying again'),
            );
          }, opts.pollMs),
        };
        created.timer.unref();
        followed.set(agentId, created);
        f = created;
      }
      f.streams.add(res);
    },
    close() {
      clearInterval(keepAlive);
      for (const f of followed.values()) {
        clearInterval(f.timer);
        for (const res of f.streams) res.end();
      }
      followed.clear();
    },
  };
}
