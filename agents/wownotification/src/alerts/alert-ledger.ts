import { randomUUID } from 'node:crypto';
import type { PgQueryable } from '#platform';
import { channelsAt, routeAlert, type Alert, type AlertChannels, type AlertRules } from './alert-rules.ts';

/** An alert as it comes in: what identifies it as the same one, and what a person reads. */
export interface AlertInput extends Alert {
  key: string;
  summary: string;
  /** The issue ("owner/repo#n") its GitHub mentions go to and /ack is read on. */
  issue?: string | undefined;
  /** The incident it is about (support_incidents): its issue, once opened, takes the mentions. */
  incidentId?: string | undefined;
}

export interface StoredAlert {
  id: string;
  rule: string;
  key: string;
  type: string;
  agent: string;
  severity: string;
  summary: string;
  issue: string | null;
  incidentId: string | null;
  firstAt: Date;
  fired: number;
  level: number;
  ackedAt: Date | null;
  ackedBy: string | null;
}

/** One message to send: the alerts of one rule, and who hears them. */
export interface AlertMessage {
  rule: string;
  level: number;
  channels: AlertChannels;
  alerts: StoredAlert[];
}

// A type, not an interface: the store's rows are records of columns.
type Row = {
  id: string;
  rule: string;
  alert_key: string;
  type: string;
  agent: string;
  severity: string;
  summary: string;
  issue: string | null;
  incident_id: string | null;
  first_at: Date;
  fired: number;
  level: number;
  acked_at: Date | null;
  acked_by: string | null;
};

const columns =
  'id, rule, alert_key, type, agent, severity, summary, issue, incident_id, first_at, fired, level, acked_at, acked_by';
const toAlert = (r: Row): StoredAlert => ({
  id: r.id,
  rule: r.rule,
  key: r.alert_key,
  type: r.type,
  agent: r.agent,
  severity: r.severity,
  summary: r.summary,
  issue: r.issue,
  incidentId: r.incident_id,
  firstAt: r.first_at,
  fired: r.fired,
  level: r.level,
  ackedAt: r.acked_at,
  ackedBy: r.acked_by,
});

/**
 * Records an alert under its rule: the same key still firing within the rules' dedupe
 * window (and not acknowledged) counts on the existing alert instead of making another.
 * Undefined when no rule takes it. In a transaction (the handler's `ctx.once`) a lock on
 * the key makes two deliveries of the same alert at once count on one row, not two.
 */
export async function recordAlert(
  db: PgQueryable,
  rules: AlertRules,
  input: AlertInput,
  now: Date,
): Promise<{ alert: StoredAlert; deduplicated: boolean } | undefined> {
  const rule = routeAlert(rules, input);
  if (rule === undefined) return undefined;
  const summary = input.summary.replace(/\s+/g, ' ').trim().slice(0, 500);
  await db.query(`select pg_advisory_xact_lock(hashtext('wow:alert:' || $1))`, [input.key]);
  const again = await db.query<Row>(
    `update operator_alerts set fired = fired + 1, last_at = $3 where id = (
       select id from operator_alerts where alert_key = $1 and rule = $2 and acked_at is null
         and last_at >= $3::timestamptz - make_interval(mins => $4) order by last_at desc limit 1)
     returning ${columns}`,
    [input.key, rule.name, now, rules.dedupeMinutes],
  );
  if (again.rows[0] !== undefined) return { alert: toAlert(again.rows[0]), deduplicated: true };
  const inserted = await db.query<Row>(
    `insert into operator_alerts (id, rule, alert_key, type, agent, severity, summary, issue, incident_id, first_at, last_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning ${columns}`,
    [
      randomUUID(),
      rule.name,
      input.key.slice(0, 300),
      input.type,
      input.agent,
      input.severity,
      summary,
      input.issue ?? null,
      input.incidentId ?? null,
      now,
    ],
  );
  const row = inserted.rows[0];
  if (row === undefined) throw new Error('insert returned no row');
  return { alert: toAlert(row), deduplicated: false };
}

/**
 * The messages due now: per rule, every alert not yet told once its oldest is `groupSeconds`
 * old, as one message; each is claimed (notified_at) in the same statement, so two
 * runtimes never send the same group.
 */
export async function claimDueGroups(db: PgQueryable, rules: AlertRules, now: Date): Promise<AlertMessage[]> {
  const { rows } = await db.query<Row>(
    `update operator_alerts a set notified_at = $1 where a.notified_at is null and a.acked_at is null and a.rule in (
       select rule from operator_alerts where notified_at is null and acked_at is null
       group by rule having min(first_at) <= $1::timestamptz - make_interval(secs => $2))
     returning ${columns
       .split(', ')
       .map((c) => `a.${c}`)
       .join(', ')}`,
    [now, rules.groupSeconds],
  );
  return messagesOf(rules, rows.map(toAlert));
}

/**
 * Alerts nobody acknowledged past their rule's next escalation level (minutes since they
 * were first told), moved to that level and returned as messages to its channels.
 */
export async function claimDueEscalations(db: PgQueryable, rules: AlertRules, now: Date): Promise<AlertMessage[]> {
  const due: StoredAlert[] = [];
  const open = await db.query<Row & { notified_at: Date }>(
    `select ${columns}, notified_at from operator_alerts where acked_at is null and notified_at is not null order by first_at`,
  );
  for (const row of open.rows) {
    const rule = rules.rules.find((r) => r.name === row.rule);
    const next = rule?.escalate[row.level];
    if (next === undefined || now.getTime() - row.notified_at.getTime() < next.afterMinutes * 60_000) continue;
    const moved = await db.query<Row>(
      `update operator_alerts set level = level + 1 where id = $1 and level = $2 and acked_at is null returning ${columns}`,
      [row.id, row.level],
    );
    if (moved.rows[0] !== undefined) due.push(toAlert(moved.rows[0]));
  }
  return messagesOf(rules, due);
}

function messagesOf(rules: AlertRules, alerts: StoredAlert[]): AlertMessage[] {
  const byRuleAndLevel = new Map<string, StoredAlert[]>();
  for (const a of alerts)
    byRuleAndLevel.set(`${a.rule}\u0000${a.level}`, [...(byRuleAndLevel.get(`${a.rule}\u0000${a.level}`) ?? []), a]);
  return [...byRuleAndLevel.values()].flatMap((group) => {
    const first = group[0];
    const rule = rules.rules.find((r) => r.name === first?.rule);
    const channels = rule === undefined || first === undefined ? undefined : channelsAt(rule, first.level);
    return channels === undefined || first === undefined
      ? []
      : [{ rule: first.rule, level: first.level, channels, alerts: group }];
  });
}

/** Acknowledges an alert (`wow alerts ack`, an /ack on its issue): it escalates no further. False: none open by that id. */
export async function ackAlert(db: PgQueryable, id: string, by: string, now: Date): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  const { rowCount } = await db.query(
    'update operator_alerts set acked_at = $2, acked_by = $3 where id = $1 and acked_at is null',
    [id, now, by.slice(0, 100)],
  );
  return (rowCount ?? 0) > 0;
}

/** The alerts, newest first: the open ones only unless `all`. */
export async function listAlerts(
  db: PgQueryable,
  opts: { all?: boolean; limit?: number } = {},
): Promise<StoredAlert[]> {
  const { rows } = await db.query<Row>(
    `select ${columns} from operator_alerts where $1 or acked_at is null order by last_at desc limit $2`,
    [opts.all ?? false, Math.min(opts.limit ?? 100, 1000)],
  );
  return rows.map(toAlert);
}

/**
 * Acknowledges the open alerts on an issue ("owner/repo#n", case aside), or only the one
 * named by `id`, for an /ack comment there. Returns the ids acknowledged.
 */
export async function ackAlertsOnIssue(
  db: PgQueryable,
  opts: { issue: string; id?: string | undefined; by: string; now: Date },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update operator_alerts set acked_at = $3, acked_by = $4
     where lower(issue) = lower($1) and acked_at is null and ($2::uuid is null or id = $2::uuid) returning id`,
    [opts.issue, opts.id ?? null, opts.now, opts.by.slice(0, 100)],
  );
  return rows.map((r) => r.id).sort();
}

/** The alerts by id, oldest first: what one message lists. */
export async function alertsByIds(db: PgQueryable, ids: readonly string[]): Promise<StoredAlert[]> {
  const { rows } = await db.query<Row>(
    `select ${columns} from operator_alerts where id = any($1::uuid[]) order by first_at, id`,
    [ids],
  );
  return rows.map(toAlert);
}

/** Gives alerts that have no issue yet the one opened for them, where later escalations and /ack go. */
export async function setAlertsIssue(db: PgQueryable, ids: readonly string[], issue: string): Promise<void> {
  await db.query('update operator_alerts set issue = $2 where id = any($1::uuid[]) and issue is null', [ids, issue]);
}

/** Acknowledges an incident's open alerts once it is resolved: what is fixed wakes nobody further. */
export async function ackIncidentAlerts(db: PgQueryable, incidentId: string, now: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update operator_alerts set acked_at = $2, acked_by = 'incident resolved'
     where incident_id = $1 and acked_at is null returning id`,
    [incidentId, now],
  );
  return rows.map((r) => r.id);
}
