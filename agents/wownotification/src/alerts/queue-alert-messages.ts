import { randomUUID } from 'node:crypto';
import type { PgQueryable, Store } from '#platform';
import { claimDueEscalations, claimDueGroups, type AlertMessage } from './alert-ledger.ts';
import type { AlertRules } from './alert-rules.ts';

/** Which channels this instance can send on; a rule's channel it cannot reach is skipped and said. */
export interface AlertReach {
  slack: boolean;
  email: boolean;
  /** Whether an issue can be opened (SUPPORT_REPO and the App) for alerts that have none of their own. */
  newIssues: boolean;
}

export interface QueuedMessages {
  messages: number;
  /** "slack #ops", "email a@b.example", "github (no issue)": what a rule names that this instance cannot reach. */
  skipped: string[];
}

/**
 * The messages due now (groups whose window closed, escalations past their minutes),
 * claimed from the ledger and written as one row per message and one per place it goes, in
 * one transaction: a crash before the commit leaves them unclaimed, after it they are sent
 * (at least once) by `sendDueAlerts`. An incident's alert takes the incident's issue here,
 * once WowAnalytics has opened it.
 */
export async function queueAlertMessages(
  store: Store,
  rules: AlertRules,
  reach: AlertReach,
  now: Date,
): Promise<QueuedMessages> {
  return store.transaction(async (tx) => {
    const messages = [...(await claimDueGroups(tx, rules, now)), ...(await claimDueEscalations(tx, rules, now))];
    const issues = await takeIncidentIssues(
      tx,
      messages.flatMap((m) => m.alerts.filter((a) => a.issue === null && a.incidentId !== null).map((a) => a.id)),
    );
    const skipped = new Set<string>();
    for (const message of messages) {
      const alerts = message.alerts.map((a) => ({ ...a, issue: a.issue ?? issues.get(a.id) ?? null }));
      const targets = targetsOf({ ...message, alerts }, reach, skipped);
      if (targets.length === 0) continue;
      const id = randomUUID();
      await tx.query(
        `insert into operator_alert_messages (id, rule, level, alert_ids, mentions, created_at) values ($1, $2, $3, $4, $5, $6)`,
        [id, message.rule, message.level, alerts.map((a) => a.id), message.channels.github, now],
      );
      await tx.query(
        `insert into operator_alert_sends (message_id, channel, target, next_at)
         select $1, t.channel, t.target, $4 from unnest($2::text[], $3::text[]) as t(channel, target)`,
        [id, targets.map((t) => t.channel), targets.map((t) => t.target), now],
      );
    }
    return { messages: messages.length, skipped: [...skipped] };
  });
}

type Target = { channel: 'slack' | 'email' | 'github'; target: string };

/**
 * Where a message goes: each Slack channel and address its level names, and for GitHub
 * mentions each distinct issue of its alerts, plus "new" (an issue to open) for alerts
 * with none. What this instance cannot reach is added to `skipped` instead.
 */
function targetsOf(message: AlertMessage, reach: AlertReach, skipped: Set<string>): Target[] {
  const { slack, email, github } = message.channels;
  const targets: Target[] = [];
  const add = (can: boolean, target: Target, unreachable: string) => {
    if (can) targets.push(target);
    else skipped.add(unreachable);
  };
  for (const c of slack) add(reach.slack, { channel: 'slack', target: c }, `slack ${c}`);
  for (const a of email) add(reach.email, { channel: 'email', target: a }, `email ${a}`);
  if (github.length === 0) return targets;
  for (const issue of new Set(message.alerts.flatMap((a) => (a.issue === null ? [] : [a.issue]))))
    targets.push({ channel: 'github', target: issue });
  if (message.alerts.some((a) => a.issue === null))
    add(reach.newIssues, { channel: 'github', target: 'new' }, 'github (no issue)');
  return targets;
}

/** The incident issues ("owner/repo#n") of these alerts, written on them: where their mentions and /ack go. */
async function takeIncidentIssues(tx: PgQueryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ id: string; issue: string }>(
    `update operator_alerts a set issue = i.owner || '/' || i.repo || '#' || i.issue_number
     from support_incidents i
     where a.id = any($1::uuid[]) and a.issue is null and i.id = a.incident_id and i.issue_number is not null
       and i.owner is not null and i.repo is not null
     returning a.id, a.issue`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.issue]));
}
