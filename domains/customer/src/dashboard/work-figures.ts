import type { PgQueryable } from '#platform';
import {
  completedCounts,
  dailyCounts,
  organisationWork,
  type AgentWork,
  type CompletedCount,
  type DailyCount,
} from './organisation-work.ts';

/** The dashboard's figures of an organisation's work: per agent, per task type, and per day over `range`. */
export interface WorkFigures {
  work: Map<string, AgentWork>;
  counts: CompletedCount[];
  daily: DailyCount[];
}

export interface DayRange {
  /** YYYY-MM-DD, both included, in `timeZone` (an IANA zone the caller checked). */
  from: string;
  to: string;
  timeZone: string;
}

interface SnapshotRow extends Record<string, unknown> {
  version: string | null;
  snapshot_version: string | null;
  days_from: string | null;
  days_to: string | null;
  time_zone: string | null;
  work: AgentWork[] | null;
  counts: CompletedCount[] | null;
  daily: DailyCount[] | null;
}

// The organisation's version (0 before its first task) beside its snapshot, in one round trip.
const readSql = `
select coalesce(v.version, 0)::text as version, s.version::text as snapshot_version,
       to_char(s.days_from, 'YYYY-MM-DD') as days_from, to_char(s.days_to, 'YYYY-MM-DD') as days_to,
       s.time_zone, s.work, s.counts, s.daily
from (select $1::uuid as id) o
left join customer_work_versions v on v.organisation_id = o.id
left join customer_work_snapshots s on s.organisation_id = o.id`;

// Never replaces a snapshot of a later version with an older one (two computations racing).
const writeSql = `
insert into customer_work_snapshots as s (organisation_id, version, days_from, days_to, time_zone, work, counts, daily)
select $1, $2::bigint, $3::date, $4::date, $5, $6::jsonb, $7::jsonb, $8::jsonb
where exists (select 1 from commerce_organisations where id = $1)
on conflict (organisation_id) do update
  set version = excluded.version, days_from = excluded.days_from, days_to = excluded.days_to,
      time_zone = excluded.time_zone, work = excluded.work, counts = excluded.counts, daily = excluded.daily,
      computed_at = now()
  where s.version <= excluded.version`;

// Computations under way in this process, by organisation and version: a burst of page views
// after a change computes once.
const computing = new Map<string, Promise<WorkFigures>>();

/**
 * The organisation's work figures, from its snapshot while nothing it counts has changed
 * (customer_work_versions, bumped by triggers on its tasks and ratings) and the days asked
 * for are the snapshot's; otherwise computed from its tasks and kept as the new snapshot.
 * The version is read before computing, so a change made meanwhile makes the next read
 * compute again rather than hide behind this snapshot.
 */
export async function workFigures(db: PgQueryable, organisationId: string, range: DayRange): Promise<WorkFigures> {
  const row = (await db.query<SnapshotRow>(readSql, [organisationId])).rows[0];
  const version = row?.version ?? '0';
  if (
    row !== undefined &&
    row.snapshot_version === version &&
    row.days_from === range.from &&
    row.days_to === range.to &&
    row.time_zone === range.timeZone
  )
    return {
      work: new Map((row.work ?? []).map((w) => [w.agentId, w])),
      counts: row.counts ?? [],
      daily: row.daily ?? [],
    };
  const key = `${organisationId}:${version}:${range.from}:${range.to}:${range.timeZone}`;
  const running = computing.get(key);
  if (running !== undefined) return running;
  const computed = compute(db, organisationId, version, range).finally(() => computing.delete(key));
  computing.set(key, computed);
  return computed;
}

async function compute(db: PgQueryable, organisationId: string, version: string, range: DayRange) {
  const [work, counts, daily] = await Promise.all([
    organisationWork(db, organisationId),
    completedCounts(db, organisationId),
    dailyCounts(db, organisationId, range),
  ]);
  await db.query(writeSql, [
    organisationId,
    version,
    range.from,
    range.to,
    range.timeZone,
    JSON.stringify([...work.values()]),
    JSON.stringify(counts),
    JSON.stringify(daily),
  ]);
  return { work, counts, daily };
}
