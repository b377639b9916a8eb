import { setTimeout as sleep } from 'node:timers/promises';
import { isWowError } from '../../errors/define-errors.ts';
import { createError } from '../../errors/errors.ts';
import { serializeError } from '../../errors/wow-error.ts';
import type { Logger } from '../../log/logger.ts';
import {
  securityDeadLetters,
  type BusObserver,
  type Handler,
  type MessageGuard,
  type StopResult,
  type SubscriptionHandle,
} from '../bus.ts';
import { typeMatches } from '../envelope.ts';
import type { ConsumerPort, RawDelivery } from './consumer-port.ts';

export interface ConsumerOptions {
  group: string;
  consumer: string;
  types: readonly string[];
  handler: Handler;
  concurrency: number;
  ordered: boolean;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  visibilityTimeoutMs: number;
  /** False for a group that only watches: it acks requests without replying. */
  answersRequests: boolean;
  claimIntervalMs: number;
  retryDelay: (attempt: number) => number;
  observer: BusObserver;
  log: Logger;
  guard?: MessageGuard | undefined;
}

/** The guard's outcome for each delivery of a read it checked: undefined, or the refusal. */
type Checks = Promise<(Error | undefined)[]>;

interface Running {
  entry: RawDelivery;
  abort: AbortController;
  done: Promise<void>;
  /** Until its handler settles; an entry waiting only for its ack holds no slot. */
  holdsSlot: boolean;
}

/**
 * The consumer engine both drivers share, so they share its semantics: bounded in-flight
 * work, type filtering, ordering turns, retries with backoff, dead-lettering, replies,
 * claim renewal for long handlers, recovery of entries other consumers abandoned, and a
 * drain with a deadline on stop.
 */
export function runConsumer(port: ConsumerPort, opts: ConsumerOptions): SubscriptionHandle {
  const running = new Map<string, Running>();
  let stopping = false;
  let slotFreed: (() => void) | undefined;
  const log = opts.log.child({ group: opts.group, consumer: opts.consumer });

  let busy = 0;
  const release = (r: Running) => {
    if (!r.holdsSlot) return;
    r.holdsSlot = false;
    busy--;
    slotFreed?.();
  };
  // Entry ids are unique per stream only (two streams can both hold "1-0"): key by both.
  const keyOf = (entry: RawDelivery) => `${entry.topic}\n${entry.entryId}`;
  // `checks`: the guard's outcomes for the read the entry came in, `at` its place among them.
  const start = (entry: RawDelivery, checks: Checks | undefined, at: number) => {
    if (running.has(keyOf(entry))) return;
    const r: Running = { entry, abort: new AbortController(), done: Promise.resolve(), holdsSlot: true };
    busy++;
    running.set(keyOf(entry), r);
    // Settling (ack, dead letter) overlaps the next read: the slot frees when the handler is done.
    r.done = handle(entry, checks, at, r.abort.signal, () => release(r))
      .catch((err: unknown) =>
        log.error(
          { err, entryId: entry.entryId },
          'bus bookkeeping failed; the entry stays pending and will be redelivered',
        ),
      )
      .finally(() => {
        running.delete(keyOf(entry));
        release(r);
      });
  };

  const waitForSlot = () => new Promise<void>((resolve) => (slotFreed = resolve));

  const handles = ({ event, onlyGroup }: RawDelivery) =>
    (onlyGroup === undefined || onlyGroup === opts.group) && opts.types.some((t) => typeMatches(t, event.type));

  /**
   * Starts a read's entries. With a guard, those this group handles are checked together
   * (one promise and one replay claim for the read, not per delivery), and each awaits the
   * outcome in its turn; those it skips are acked unchecked.
   */
  const begin = (entries: readonly RawDelivery[]) => {
    const { guard } = opts;
    if (guard === undefined) {
      for (const entry of entries) start(entry, undefined, -1);
      return;
    }
    const wanted: RawDelivery[] = [];
    const places = entries.map((entry) => (handles(entry) ? wanted.push(entry) - 1 : -1));
    const checks = wanted.length === 0 ? undefined : guard.verifyRead(opts.group, wanted);
    // Each delivery awaits it; a read that cannot be checked is each one's error, never unhandled.
    checks?.catch(() => undefined);
    entries.forEach((entry, i) => start(entry, checks, places[i] ?? -1));
  };

  async function handle(
    entry: RawDelivery,
    checks: Checks | undefined,
    at: number,
    signal: AbortSignal,
    settled: () => void,
  ): Promise<void> {
    const { event, topic } = entry;
    const keyed = opts.ordered && event.partitionkey !== undefined && entry.onlyGroup === undefined;
    // Even entries this group skips take their turn, or a skip could run ahead of a predecessor.
    if (keyed) {
      while (!(await port.isTurn(entry))) {
        if (signal.aborted) return;
        await port.waitTurnChange(signal);
      }
    }
    if (!handles(entry)) {
      await port.ack(entry);
      opts.observer.handled(opts.group, topic, 'skip', 0);
      return;
    }
    if (opts.guard !== undefined && !(await admitted(entry, checks, at))) {
      settled();
      return;
    }
    let attempt = entry.deliveryCount;
    if (attempt > opts.maxAttempts) {
      // Delivered again and again without an outcome: its consumers died while handling it.
      await deadLetter(entry, serializeError(createError('WOW_ERR_UNFINISHED', { attempts: attempt })), attempt - 1, 0);
      return;
    }
    for (;;) {
      const startedAt = performance.now();
      try {
        const value = await opts.handler(event, {
          entryId: entry.entryId,
          group: opts.group,
          consumer: opts.consumer,
          attempt,
          signal,
        });
        if (signal.aborted) return;
        settled();
        await port.ack(entry);
        opts.observer.handled(opts.group, topic, 'ack', (performance.now() - startedAt) / 1000);
        if (opts.answersRequests && event.replyto !== undefined && event.correlationid !== undefined)
          await port.reply(event.replyto, event.correlationid, { ok: true, value: value ?? null });
        return;
      } catch (err) {
        if (signal.aborted) return;
        const error = serializeError(err);
        const seconds = (performance.now() - startedAt) / 1000;
        if (!error.retryable || attempt >= opts.maxAttempts) {
          settled();
          await deadLetter(entry, error, attempt, seconds);
          return;
        }
        opts.observer.handled(opts.group, topic, 'retry', seconds);
        const delay = opts.retryDelay(attempt);
        log.info(
          { entryId: entry.entryId, type: event.type, attempt, delayMs: delay, err: error },
          'handler failed; retrying',
        );
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return;
        }
        attempt++;
      }
    }
  }

  /**
   * Whether the guard lets the delivery through. A refusal goes to the security dead
   * letters (a request is answered with it); a read the guard could not check throws, and
   * the entry stays pending: it never reaches the handler unverified.
   */
  async function admitted(entry: RawDelivery, checks: Checks | undefined, at: number): Promise<boolean> {
    if (checks === undefined || at < 0) throw new Error(`entry ${entry.entryId} was not given to the guard`);
    const refusal = (await checks)[at];
    return refusal === undefined ? true : refused(entry, refusal);
  }

  async function refused(entry: RawDelivery, err: unknown): Promise<false> {
    if (!isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')) throw err;
    const { event, topic, entryId } = entry;
    const error = serializeError(err);
    const given = error.data?.reason;
    const reason = typeof given === 'string' ? given : 'unknown';
    await port.deadLetter(entry, error, 0, securityDeadLetters);
    const signedBy = error.data?.signedBy;
    opts.observer.refused(opts.group, topic, reason, {
      type: event.type,
      source: event.source,
      ...(typeof signedBy === 'string' ? { signedBy } : {}),
    });
    log.warn({ entryId, type: event.type, source: event.source, reason, err: error }, 'message refused');
    const { replyto, correlationid } = event;
    if (opts.answersRequests && replyto !== undefined && correlationid !== undefined)
      await port.reply(replyto, correlationid, { ok: false, error });
    return false;
  }

  async function deadLetter(
    entry: RawDelivery,
    error: ReturnType<typeof serializeError>,
    attempts: number,
    seconds: number,
  ): Promise<void> {
    await port.deadLetter(entry, error, attempts);
    opts.observer.handled(opts.group, entry.topic, 'dead-letter', seconds);
    opts.observer.deadLettered(opts.group, entry.topic, { event: entry.event, error, attempts });
    log.warn({ entryId: entry.entryId, type: entry.event.type, attempts, err: error }, 'message dead-lettered');
    const { replyto, correlationid } = entry.event;
    if (opts.answersRequests && replyto !== undefined && correlationid !== undefined)
      await port.reply(replyto, correlationid, { ok: false, error });
  }

  const readLoop = (async () => {
    while (!stopping) {
      const free = opts.concurrency - busy;
      if (free <= 0) {
        await waitForSlot();
        // Let the rest of the batch finish too, so the next read fetches many entries, not one.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      try {
        begin(await port.read(free));
      } catch (err) {
        if (stopping) break;
        log.error({ err }, 'bus read failed; retrying in 1 s');
        await sleep(1000);
      }
    }
  })();

  // Recovery: take over entries whose consumers stopped responding.
  let claiming = false;
  const claimTimer = setInterval(() => {
    const free = opts.concurrency - busy;
    if (stopping || claiming || free <= 0) return;
    claiming = true;
    port
      .claim(free)
      .then((entries) => {
        if (!stopping) begin(entries);
      })
      .catch((err: unknown) => log.error({ err }, 'bus claim failed'))
      .finally(() => (claiming = false));
  }, opts.claimIntervalMs);

  // Long handlers keep their entries: renew well within the visibility timeout.
  const extendTimer = setInterval(
    () => {
      if (running.size === 0) return;
      port
        .extend([...running.values()].map((r) => r.entry))
        .catch((err: unknown) => log.error({ err }, 'bus claim renewal failed'));
    },
    Math.max(10, Math.floor(opts.visibilityTimeoutMs / 3)),
  );

  let stopped: Promise<StopResult> | undefined;
  return {
    group: opts.group,
    consumer: opts.consumer,
    inFlight: () => busy,
    stop({ timeoutMs = 10_000 } = {}) {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(claimTimer);
        port.interrupt();
        slotFreed?.();
        const all = Promise.all([...running.values()].map((r) => r.done));
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          all.then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
        clearTimeout(timer);
        const abandoned = running.size;
        for (const r of running.values())
          r.abort.abort(createError('WOW_ERR_SHUTDOWN_TIMEOUT', { abandoned, timeoutMs }));
        clearInterval(extendTimer);
        await readLoop;
        await port.close();
        return { drained, abandoned };
      })();
      return stopped;
    },
  };
}
