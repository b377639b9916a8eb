import type { PgQueryable } from '#platform';
import type { ArchivedEvent } from '../archive/archived-event.ts';
import { findArchivedEvents } from '../archive/find-archived-events.ts';

/**
 * Follows the archive: each event of `type` whose time is from `from` on, in time order as
 * it is archived, until `signal` aborts. The embedded defaults' `wow events tail` reads
 * this, the in-process bus living inside `wow start`. Polls every `pollMs`, reading back
 * `lateMs` before the newest event seen, so one archived a little out of order (another
 * consumer's slower write) is still shown, once.
 */
export async function tailArchive(opts: {
  db: PgQueryable;
  type: string;
  signal: AbortSignal;
  onEvent: (event: ArchivedEvent) => void;
  from: Date;
  pollMs?: number;
  lateMs?: number;
}): Promise<void> {
  const pollMs = opts.pollMs ?? 500;
  const lateMs = opts.lateMs ?? 10_000;
  let newest = opts.from.getTime();
  const seen = new Map<string, number>();
  while (!opts.signal.aborted) {
    const since = Math.max(opts.from.getTime(), newest - lateMs);
    const events = await findArchivedEvents(opts.db, {
      type: opts.type,
      since: new Date(since),
      limit: 1000,
      order: 'oldest',
    });
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.set(e.id, e.time.getTime());
      newest = Math.max(newest, e.time.getTime());
      opts.onEvent(e);
    }
    // Ids before the window are never read again.
    for (const [id, at] of seen) if (at < newest - lateMs) seen.delete(id);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      opts.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
