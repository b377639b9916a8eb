import type { z } from 'zod';
import { approvalWaitingSource, securityViolationSource, type ScheduleContext } from '#platform';
import type { NotificationContext, NotificationSettings, NotificationState } from '../notification-settings.ts';
import { ackIncidentAlerts, recordAlert, type AlertInput } from './alert-ledger.ts';
import { tellCustomersFixed, type IncidentResolved } from '../incidents/tell-customers-fixed.ts';
import {
  approvalAlert,
  deployAlert,
  incidentAlert,
  remedyAlert,
  slaAlert,
  violationAlert,
  type approvalWaiting,
  type deployFailed,
  type incidentOpened,
  type remedyWaiting,
  type slaBreached,
  type violation,
} from './alert-events.ts';
import { runOperatorAlerts } from './operator-alerts.ts';

export type RecordOutcome =
  { did: 'ignored'; why: string } | { did: 'recorded' | 'deduplicated'; alert: string; rule: string };

/**
 * An event that means an operator alert, into the ledger through the rules: once per
 * event (a redelivery counts nothing again), the same key within the dedupe window on the
 * existing alert. The schedule sends it when its rule's group window closes.
 */
async function record(ctx: NotificationContext, input: AlertInput): Promise<RecordOutcome> {
  const alerts = ctx.state.alerts;
  if (alerts === undefined) return { did: 'ignored', why: 'no alert rules (WOWNOTIFICATION_ALERTS_FILE is empty)' };
  const now = ctx.clock();
  const recorded = await ctx.once(`alert:${ctx.delivery.eventId}`, (tx) => recordAlert(tx, alerts.rules, input, now));
  if (recorded === undefined) return { did: 'ignored', why: `no rule takes ${input.type} on ${input.agent}` };
  return {
    did: recorded.deduplicated ? 'deduplicated' : 'recorded',
    alert: recorded.alert.id,
    rule: recorded.alert.rule,
  };
}

/** A breached SLA's alert goes to its ticket's issue, where the desk works it. */
async function ticketIssue(ctx: NotificationContext, ticketId: string): Promise<string | undefined> {
  const { rows } = await ctx.store.query<{ owner: string; repo: string; issue_number: number }>(
    'select owner, repo, issue_number from support_ticket_issues where ticket_id = $1 and issue_number is not null',
    [ticketId],
  );
  const row = rows[0];
  return row === undefined ? undefined : `${row.owner}/${row.repo}#${row.issue_number}`;
}

type Data<T extends z.ZodType> = z.infer<T>;

// The handlers of the events that mean an operator alert; index.ts pairs each with its schema.
export const onIncidentOpened = (ctx: NotificationContext, data: Data<typeof incidentOpened>) =>
  record(ctx, incidentAlert(data));
export const onSlaBreached = async (ctx: NotificationContext, data: Data<typeof slaBreached>) =>
  record(ctx, { ...slaAlert(data), issue: await ticketIssue(ctx, data.ticketId) });
export const onRemedyWaiting = (ctx: NotificationContext, data: Data<typeof remedyWaiting>) =>
  record(ctx, remedyAlert(data));
export const onDeployFailed = (ctx: NotificationContext, data: Data<typeof deployFailed>) =>
  record(ctx, deployAlert(data));
export async function onApprovalWaiting(
  ctx: NotificationContext,
  data: Data<typeof approvalWaiting>,
): Promise<RecordOutcome> {
  // Only the platform's identity says what waits for approval: anyone else's word would page the operators.
  if (ctx.event.source !== approvalWaitingSource)
    return {
      did: 'ignored',
      why: `identity.approval.waiting from ${ctx.event.source.slice(0, 120)}, not the platform`,
    };
  return record(ctx, approvalAlert(data));
}
export async function onViolation(ctx: NotificationContext, data: Data<typeof violation>): Promise<RecordOutcome> {
  // Only the platform reports violations: anyone else's would alert the operators on their word.
  if (ctx.event.source !== securityViolationSource)
    return { did: 'ignored', why: `security.violation from ${ctx.event.source.slice(0, 120)}, not the platform` };
  return record(ctx, violationAlert(data));
}

/**
 * An incident resolved: its alerts (the incident's, an approval it waited for) stop
 * escalating, since nobody needs waking for what is fixed; then the customers it touched
 * are told what was fixed.
 */
export async function onIncidentResolved(ctx: NotificationContext, data: IncidentResolved): Promise<void> {
  const acked = await ackIncidentAlerts(ctx.store, data.incidentId, ctx.clock());
  if (acked.length > 0)
    ctx.log.info({ incident: data.incidentId, alerts: acked }, 'resolved incident: its alerts acknowledged');
  await tellCustomersFixed(ctx, data);
}

/** The schedule that sends due alert messages, escalates unacknowledged alerts and retries failed sends. */
export const alertsSchedule = {
  interval: (settings: NotificationSettings) => (settings.alertsFile === '' ? 0 : settings.alertsIntervalMs),
  async handle(ctx: ScheduleContext<NotificationSettings, NotificationState>): Promise<void> {
    const alerts = ctx.state.alerts;
    if (alerts === undefined) return;
    const run = await runOperatorAlerts({ store: ctx.store, log: ctx.log, alerts }, ctx.clock());
    if (run.messages + run.sent + run.failed > 0) ctx.log.info(run, 'operator alerts sent');
  },
};
