import type { Logger } from '../log/logger.ts';
import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';

const sql = {
  upsert: readSql(import.meta.url, 'upsert-schedule'),
  claim: readSql(import.meta.url, 'claim-schedule'),
  finish: readSql(import.meta.url, 'finish-schedule'),
};

export interface ScheduleRunnerOptions {
  store: Store;
  log: Logger;
  agentId: string;
  /** This runtime; a claim names it, so only it can finish its run. */
  instanceId: string;
  /** Each schedule's interval in milliseconds, by name. */
  intervals: ReadonlyMap<string, number>;
  run(name: string, dueAt: Date, signal: AbortSignal): Promise<void>;
}

export interface ScheduleRunner {
  start(): Promise<void>;
  /** Stops looking, and waits for runs in progress up to `timeoutMs` before aborting them. */
  stop(opts: { timeoutMs: number }): Promise<void>;
}

/** How often a runtime looks whether a schedule is due: often enough to be on time, rarely enough to be cheap. */
export const pollIntervalMs = (intervalMs: number) => Math.min(Math.max(Math.floor(intervalMs / 4), 25), 5_000);
/** A failed run is tried again this soon, unless the next interval comes first. */
export const retryDelayMs = (intervalMs: number) => Math.min(intervalMs, 30_000);
/** How long a claim holds: a runtime that dies mid-run frees its schedule after this. */
const leaseMs = (intervalMs: number) => Math.max(intervalMs * 2, 5 * 60_000);

/**
 * Runs an agent's declared schedules (`every`). Every runtime hosting the agent looks at
 * each schedule's row; the one whose claim succeeds runs it, so a schedule runs once per
 * interval however many runtimes there are. A failure is logged, recorded on the row and
 * retried after `retryDelayMs`.
 */
export function createScheduleRunner(opts: ScheduleRunnerOptions): ScheduleRunner {
  const { store, log, agentId, instanceId } = opts;
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let stopped = false;

  const attempt = async (name: string, intervalMs: number) => {
    const claimed = await store.query<{ due_at: Date }>(sql.claim, [agentId, name, instanceId, leaseMs(intervalMs)]);
    const dueAt = claimed.rows[0]?.due_at;
    if (dueAt === undefined) return;
    let error: string | null = null;
    try {
      await opts.run(name, new Date(dueAt), abort.signal);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      log.error({ err, agent: agentId, schedule: name }, 'scheduled run failed; it will be tried again');
    }
    await store.query(sql.finish, [agentId, name, instanceId, error, retryDelayMs(intervalMs)]);
  };

  const look = (name: string, intervalMs: number) => {
    if (stopped || running.has(name)) return;
    const run = attempt(name, intervalMs)
      .catch((err: unknown) => log.warn({ err, agent: agentId, schedule: name }, 'could not look at a schedule'))
      .finally(() => running.delete(name));
    running.set(name, run);
  };

  return {
    async start() {
      for (const [name, intervalMs] of opts.intervals) await store.query(sql.upsert, [agentId, name, intervalMs]);
      for (const [name, intervalMs] of opts.intervals) {
        look(name, intervalMs);
        timers.push(setInterval(() => look(name, intervalMs), pollIntervalMs(intervalMs)));
      }
    },
    async stop({ timeoutMs }) {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      const drained = Promise.all(running.values());
      let timeout: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timeout = setTimeout(() => resolve('late'), timeoutMs)));
      if ((await Promise.race([drained, late])) === 'late') {
        abort.abort();
        await drained;
      }
      clearTimeout(timeout);
    },
  };
}
