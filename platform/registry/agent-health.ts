import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const sql = { add: readSql(import.meta.url, 'add-health-minutes') };

/**
 * Each agent's handling, counted per minute in memory and added to agent_health_minutes
 * on each heartbeat. Prometheus figures live in one process; this is the record every
 * runtime shares, from which WowAnalytics judges an agent's baseline and regressions.
 */
export interface HealthRecorder {
  record(agentId: string, durationMs: number, ok: boolean, at?: Date): void;
  /** Adds what was counted since the last flush; on failure the counts are kept for the next. */
  flush(db: PgQueryable): Promise<void>;
}

interface Minute {
  agentId: string;
  minute: string;
  handled: number;
  failed: number;
  durationMs: number;
}

export function createHealthRecorder(): HealthRecorder {
  let pending = new Map<string, Minute>();
  return {
    record(agentId, durationMs, ok, at = new Date()) {
      const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
      const key = `${agentId} ${minute}`;
      const m = pending.get(key) ?? { agentId, minute, handled: 0, failed: 0, durationMs: 0 };
      m.handled += 1;
      if (!ok) m.failed += 1;
      m.durationMs += durationMs;
      pending.set(key, m);
    },
    async flush(db) {
      if (pending.size === 0) return;
      const batch = pending;
      pending = new Map();
      const rows = [...batch.values()];
      try {
        await db.query(sql.add, [
          rows.map((r) => r.agentId),
          rows.map((r) => r.minute),
          rows.map((r) => r.handled),
          rows.map((r) => r.failed),
          rows.map((r) => r.durationMs),
        ]);
      } catch (err) {
        for (const [key, m] of batch) {
          const later = pending.get(key);
          pending.set(
            key,
            later === undefined
              ? m
              : {
                  ...m,
                  handled: m.handled + later.handled,
                  failed: m.failed + later.failed,
                  durationMs: m.durationMs + later.durationMs,
                },
          );
        }
        throw err;
      }
    },
  };
}
