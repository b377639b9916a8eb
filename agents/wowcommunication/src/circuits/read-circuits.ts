import type { PgQueryable } from '#platform';
import type { CircuitRecord } from '../map/build-protocol-map.ts';

/** The circuits of runtimes still running (an instance row not marked stopped), by type and runtime. */
export async function readCircuits(db: PgQueryable): Promise<CircuitRecord[]> {
  const { rows } = await db.query<{
    instance: string;
    type: string;
    state: CircuitRecord['state'];
    reason: string | null;
    changed_at: Date | string;
    openings: number;
  }>(
    `select c.instance, c.type, c.state, c.reason, c.changed_at, c.openings
       from communication_circuits c
      where exists (select 1 from agent_instances i where i.instance_id = c.instance and i.stopped_at is null)
      order by c.type, c.instance`,
  );
  return rows.map((r) => ({
    type: r.type,
    instance: r.instance,
    state: r.state,
    since: new Date(r.changed_at).toISOString(),
    reason: r.reason,
    openings: r.openings,
  }));
}

/** Forgets the circuits of runtimes the registry no longer lists as running; returns how many. */
export async function pruneCircuits(db: PgQueryable): Promise<number> {
  const { rowCount } = await db.query(
    `delete from communication_circuits c
      where not exists (select 1 from agent_instances i where i.instance_id = c.instance and i.stopped_at is null)`,
  );
  return rowCount ?? 0;
}
