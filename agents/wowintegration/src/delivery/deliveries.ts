import type { PgQueryable } from '#platform';
import type { ApiRequest } from './send-request.ts';

export interface FailedDelivery extends ApiRequest {
  integration: string;
  eventId: string;
  eventType: string;
  source: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeliveryOutcome {
  integration: string;
  eventId: string;
  eventType: string;
  source: string;
  request: ApiRequest;
  attempts: number;
  /** Undefined: delivered. */
  failure?: { status: number | undefined; reason: string } | undefined;
  now: Date;
}

/**
 * Whether the event already reached the connector, or a retry is sending it again now:
 * either way this delivery of it (a redelivery, a redrive) sends nothing.
 */
export async function isDeliveredOrRetrying(
  db: PgQueryable,
  integration: string,
  eventId: string,
  now: Date,
): Promise<boolean> {
  const { rows } = await db.query(
    `select 1 from integration_deliveries where integration = $1 and event_id = $2
       and (state = 'delivered' or retry_claimed_until > $3)`,
    [integration, eventId, now],
  );
  return rows.length > 0;
}

/** Records a delivery's outcome: a failure kept for retry (attempts added up), or its success. */
export async function recordDelivery(db: PgQueryable, o: DeliveryOutcome): Promise<void> {
  const values = [
    o.integration,
    o.eventId,
    o.eventType,
    o.source,
    o.request.method,
    o.request.path,
    JSON.stringify(o.request.body),
    o.failure === undefined ? 'delivered' : 'failed',
    o.attempts,
    o.failure?.status ?? null,
    o.failure?.reason ?? null,
    o.now,
  ];
  await db.query(
    `insert into integration_deliveries
       (integration, event_id, event_type, source, method, path, body, state, attempts, last_status, last_error, created_at, updated_at, delivered_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, case when $8 = 'delivered' then $12::timestamptz end)
     on conflict (integration, event_id) do update set state = excluded.state, attempts = integration_deliveries.attempts + excluded.attempts,
       last_status = coalesce(excluded.last_status, integration_deliveries.last_status),
       last_error = coalesce(excluded.last_error, integration_deliveries.last_error),
       updated_at = excluded.updated_at, delivered_at = excluded.delivered_at, retry_claimed_until = null`,
    values,
  );
}

type Row = {
  integration: string;
  event_id: string;
  event_type: string;
  source: string;
  method: ApiRequest['method'];
  path: string;
  body: unknown;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
};

/** A connector's failed deliveries, the oldest first. */
export async function failedDeliveries(db: PgQueryable, integration: string, limit: number): Promise<FailedDelivery[]> {
  const { rows } = await db.query<Row>(
    `select integration, event_id, event_type, source, method, path, body, attempts, last_status, last_error from integration_deliveries
     where integration = $1 and state = 'failed' order by created_at, event_id limit $2`,
    [integration, limit],
  );
  return rows.map(toFailed);
}

const toFailed = (r: Row): FailedDelivery => ({
  integration: r.integration,
  eventId: r.event_id,
  eventType: r.event_type,
  source: r.source,
  method: r.method,
  path: r.path,
  body: r.body,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
});

/**
 * Claims up to `limit` of a connector's failed deliveries, the oldest first, that no other
 * retry holds, until `until`: two retries at once (a refresh and the schedule, in two
 * runtimes) each send a different kept delivery, never the same one twice.
 */
export async function claimFailed(
  db: PgQueryable,
  integration: string,
  opts: { limit: number; now: Date; until: Date },
): Promise<FailedDelivery[]> {
  const { rows } = await db.query<Row & { created_at: Date }>(
    `update integration_deliveries d set retry_claimed_until = $3
     from (select integration, event_id from integration_deliveries
           where integration = $1 and state = 'failed' and (retry_claimed_until is null or retry_claimed_until <= $2)
           order by created_at, event_id limit $4 for update skip locked) c
     where d.integration = c.integration and d.event_id = c.event_id
     returning d.integration, d.event_id, d.event_type, d.source, d.method, d.path, d.body, d.attempts, d.last_status,
       d.last_error, d.created_at`,
    [integration, opts.now, opts.until, opts.limit],
  );
  return rows
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.event_id.localeCompare(b.event_id))
    .map(toFailed);
}

/** How many deliveries of each connector are waiting for a retry. */
export async function countFailed(db: PgQueryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ integration: string; n: number }>(
    "select integration, count(*)::int as n from integration_deliveries where state = 'failed' group by integration",
  );
  return new Map(rows.map((r) => [r.integration, r.n]));
}

/** The connectors that have carried events from `source` (urn:wow:agent:<id>). */
export async function connectorsCarrying(db: PgQueryable, source: string): Promise<Set<string>> {
  const { rows } = await db.query<{ integration: string }>(
    'select distinct integration from integration_deliveries where source = $1',
    [source],
  );
  return new Set(rows.map((r) => r.integration));
}
