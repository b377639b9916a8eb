import { readSql, type PgQueryable } from '#platform';
import { storedWebhookSecret, type StoredWebhookSecret, type WebhookSecretColumns } from '#domains/support';
import type { HealthFigures, Signal } from './judge-health.ts';

const sql = {
  insert: readSql(import.meta.url, 'insert-incident'),
  open: readSql(import.meta.url, 'select-open-incidents'),
  claimCheck: readSql(import.meta.url, 'claim-incident-check'),
  judgement: readSql(import.meta.url, 'record-judgement'),
  close: readSql(import.meta.url, 'close-incident'),
  claimIssue: readSql(import.meta.url, 'claim-incident-issue'),
  setIssue: readSql(import.meta.url, 'set-incident-issue'),
  insertNotices: readSql(import.meta.url, 'insert-incident-notices'),
  claimNotices: readSql(import.meta.url, 'claim-incident-notices'),
  noticeSent: readSql(import.meta.url, 'mark-notice-sent'),
  customerAgent: readSql(import.meta.url, 'upsert-customer-agent'),
};

export interface Incident {
  id: string;
  agentId: string;
  signals: Signal[];
  latest: HealthFigures;
  openedAt: Date;
  repo: { owner: string; repo: string } | undefined;
  issueNumber: number | null;
}

type IncidentRow = {
  id: string;
  agent_id: string;
  signals: Signal[];
  latest_figures: HealthFigures;
  opened_at: Date | string;
  owner: string | null;
  repo: string | null;
  issue_number: number | null;
};

const incidentOf = (r: IncidentRow): Incident => ({
  id: r.id,
  agentId: r.agent_id,
  signals: r.signals,
  latest: r.latest_figures,
  openedAt: new Date(r.opened_at),
  repo: r.owner === null || r.repo === null ? undefined : { owner: r.owner, repo: r.repo },
  issueNumber: r.issue_number,
});

/** Opens the agent's incident as `id`; undefined when one is open already (another look was first). */
export async function insertIncident(
  db: PgQueryable,
  input: {
    id: string;
    agentId: string;
    signals: Signal[];
    figures: HealthFigures;
    now: Date;
    repo: { owner: string; repo: string } | undefined;
  },
): Promise<Incident | undefined> {
  const { id } = input;
  const { rows } = await db.query(sql.insert, [
    id,
    input.agentId,
    input.signals,
    JSON.stringify(input.figures),
    input.now.toISOString(),
    input.repo?.owner ?? null,
    input.repo?.repo ?? null,
  ]);
  if (rows.length === 0) return undefined;
  return {
    id,
    agentId: input.agentId,
    signals: input.signals,
    latest: input.figures,
    openedAt: input.now,
    repo: input.repo,
    issueNumber: null,
  };
}

export async function openIncidents(db: PgQueryable): Promise<Incident[]> {
  return (await db.query<IncidentRow>(sql.open)).rows.map(incidentOf);
}

/** True when this caller judges the incident now (no other did in the last 30 seconds). */
export async function claimIncidentCheck(
  db: PgQueryable,
  id: string,
  now: Date,
  leaseSeconds: number,
): Promise<boolean> {
  return (await db.query(sql.claimCheck, [id, now.toISOString(), leaseSeconds])).rows.length === 1;
}

/** Records the latest figures; returns the healthy judgements in a row. */
export async function recordJudgement(
  db: PgQueryable,
  id: string,
  figures: HealthFigures,
  judged: { healthy: true } | { healthy: false; signals: Signal[] },
): Promise<number> {
  const { rows } = await db.query<{ healthy_checks: number }>(sql.judgement, [
    id,
    judged.healthy ? null : judged.signals,
    JSON.stringify(figures),
    judged.healthy,
  ]);
  return rows[0]?.healthy_checks ?? 0;
}

/** False when it was closed already. */
export async function closeIncident(db: PgQueryable, id: string, now: Date): Promise<boolean> {
  return (await db.query(sql.close, [id, now.toISOString()])).rows.length === 1;
}

export async function claimIncidentIssue(db: PgQueryable, id: string, now: Date): Promise<boolean> {
  return (await db.query(sql.claimIssue, [id, now.toISOString()])).rows.length === 1;
}

export async function setIncidentIssue(db: PgQueryable, id: string, issueNumber: number): Promise<void> {
  await db.query(sql.setIssue, [id, issueNumber]);
}

/** Queues a notice of the incident for each customer using the agent. */
export async function queueIncidentNotices(
  db: PgQueryable,
  incident: Pick<Incident, 'id' | 'agentId'>,
  kind: 'opened' | 'resolved',
): Promise<void> {
  await db.query(sql.insertNotices, [incident.id, kind, incident.agentId]);
}

export interface IncidentNotice {
  incident: Incident & { closedAt: Date | null };
  kind: 'opened' | 'resolved';
  /** Its webhook secret as stored: opened with SUPPORT_SECRETS_KEY where it is sent. */
  customer: { id: string; webhookUrl: string; webhookSecret: StoredWebhookSecret };
}

/** Notices due to be sent (new, or an earlier attempt two minutes old), claimed by this caller: all, or one incident's. */
export async function claimIncidentNotices(
  db: PgQueryable,
  now: Date,
  incidentId: string | undefined,
): Promise<IncidentNotice[]> {
  const { rows } = await db.query<
    IncidentRow &
      WebhookSecretColumns & {
        incident_id: string;
        customer_id: string;
        kind: 'opened' | 'resolved';
        webhook_url: string;
        closed_at: Date | string | null;
      }
  >(sql.claimNotices, [now.toISOString(), incidentId ?? null]);
  // Only customers with a secret get notices (insert-incident-notices.sql).
  return rows.flatMap((r) => {
    const webhookSecret = storedWebhookSecret(r);
    return webhookSecret === null
      ? []
      : [
          {
            incident: {
              ...incidentOf({ ...r, id: r.incident_id }),
              closedAt: r.closed_at === null ? null : new Date(r.closed_at),
            },
            kind: r.kind,
            customer: { id: r.customer_id, webhookUrl: r.webhook_url, webhookSecret },
          },
        ];
  });
}

export async function markNoticeSent(db: PgQueryable, notice: IncidentNotice, now: Date): Promise<void> {
  await db.query(sql.noticeSent, [notice.incident.id, notice.customer.id, notice.kind, now.toISOString()]);
}

/**
 * The tag of every cached read of one customer's agents (WowSupport's L2 reads them for
 * each ticket it routes): whoever calls addCustomerAgent drops it, in each namespace of an
 * agent that uses support_customer_agents (`wow support customers uses`: cli/forget-cached.ts).
 */
export function customerAgentsTag(customerId: string): string {
  return `customer-agents:${customerId}`;
}

/** Records that a customer's integration uses an agent, so its incidents reach them; the caller drops customerAgentsTag. */
export async function addCustomerAgent(db: PgQueryable, customerId: string, agentId: string): Promise<void> {
  await db.query(sql.customerAgent, [customerId, agentId]);
}
