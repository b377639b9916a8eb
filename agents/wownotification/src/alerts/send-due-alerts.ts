import { createHash } from 'node:crypto';
import type { Logger, Store } from '#platform';
import { alertsByIds, setAlertsIssue } from './alert-ledger.ts';
import type { GitHubAlertWriter } from './github-alert-writer.ts';
import {
  emailMessage,
  githubBody,
  githubIssueTitle,
  slackMessage,
  type AlertMessageContent,
} from './render-alert-message.ts';
import { failureOf, type SendResult } from './send-result.ts';
import type { SlackSender } from './slack-sender.ts';

/** The ways out this instance has; undefined: not configured. */
export interface AlertSenders {
  slack: SlackSender | undefined;
  /** WowNotification's notice mail (SMTP_URL): `id` makes the Message-ID. */
  email: ((mail: { id: string; to: string; subject: string; body: string }) => Promise<void>) | undefined;
  github: GitHubAlertWriter | undefined;
}

export interface SentAlerts {
  sent: number;
  /** Tried again later (Slack's Retry-After, a backoff). */
  retrying: number;
  /** Given up: a permanent refusal, or too many attempts; logged as an error. */
  failed: number;
}

// Sends claimed per run; a claim holds a send for the lease, so a runtime that dies
// mid-send leaves it to another after that.
const batch = 50;
const leaseMinutes = 5;
const maxAttempts = 10;
const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);

type SendRow = { message_id: string; channel: 'slack' | 'email' | 'github'; target: string; attempts: number };

/**
 * Sends what `queueAlertMessages` wrote and is due: each place a message goes on its own,
 * so a Slack channel that refuses holds up neither the mail nor the GitHub mention. A
 * send is marked sent with what the service answered; a failure is tried again after a
 * backoff (or Slack's Retry-After) unless it is permanent or has had its attempts.
 */
export async function sendDueAlerts(
  deps: { store: Store; log: Logger; senders: AlertSenders },
  now: Date,
): Promise<SentAlerts> {
  const { rows } = await deps.store.query<SendRow>(
    `update operator_alert_sends s set attempts = s.attempts + 1, next_at = $1::timestamptz + make_interval(mins => $3)
     from (select message_id, channel, target from operator_alert_sends where state = 'pending' and next_at <= $1
           order by next_at limit $2 for update skip locked) due
     where s.message_id = due.message_id and s.channel = due.channel and s.target = due.target
     returning s.message_id, s.channel, s.target, s.attempts`,
    [now, batch, leaseMinutes],
  );
  const outcome: SentAlerts = { sent: 0, retrying: 0, failed: 0 };
  for (const row of rows) {
    const result = await sendOne(deps, row).catch(failureOf);
    const key = [row.message_id, row.channel, row.target];
    if (result.ok) {
      await deps.store.query(
        `update operator_alert_sends set state = 'sent', sent_at = $4, result = $5 where message_id = $1 and channel = $2 and target = $3`,
        [...key, now, result.result.slice(0, 300)],
      );
      outcome.sent++;
      continue;
    }
    const giveUp = result.permanent || row.attempts >= maxAttempts;
    const retryAt = new Date(now.getTime() + (result.retryAfterMs ?? backoffMs(row.attempts)));
    await deps.store.query(
      `update operator_alert_sends set state = $4, next_at = $5, result = $6 where message_id = $1 and channel = $2 and target = $3`,
      [...key, giveUp ? 'failed' : 'pending', retryAt, result.error.slice(0, 300)],
    );
    const about = { message: row.message_id, channel: row.channel, target: row.target, error: result.error };
    if (giveUp) {
      deps.log.error(
        { ...about, attempts: row.attempts },
        'an operator alert could not be sent; fix the channel in the alert rules',
      );
      outcome.failed++;
    } else {
      deps.log.warn({ ...about, retryAt: retryAt.toISOString() }, 'an operator alert send failed; it is tried again');
      outcome.retrying++;
    }
  }
  return outcome;
}

async function sendOne(deps: { store: Store; senders: AlertSenders }, row: SendRow): Promise<SendResult> {
  const message = (
    await deps.store.query<{ rule: string; level: number; alert_ids: string[]; mentions: string[] }>(
      'select rule, level, alert_ids, mentions from operator_alert_messages where id = $1',
      [row.message_id],
    )
  ).rows[0];
  if (message === undefined) return { ok: false, error: 'the message is gone', permanent: true };
  const alerts = await alertsByIds(deps.store, message.alert_ids);
  const content: AlertMessageContent = { id: row.message_id, rule: message.rule, level: message.level, alerts };
  const { slack, email, github } = deps.senders;
  const absent = (what: string): SendResult => ({
    ok: false,
    error: `${what} is no longer configured`,
    permanent: true,
  });
  switch (row.channel) {
    case 'slack':
      return slack === undefined
        ? absent('Slack (WOWNOTIFICATION_SLACK_TOKEN)')
        : slack.post(row.target, slackMessage(content));
    case 'email': {
      if (email === undefined) return absent('mail (SMTP_URL)');
      // One Message-ID per message and address: a retried send is the same mail.
      const id = `alert-${row.message_id}-${createHash('sha256').update(row.target).digest('hex').slice(0, 12)}`;
      await email({ id, to: row.target, ...emailMessage(content) });
      return { ok: true, result: id };
    }
    case 'github': {
      if (github === undefined) return absent('GitHub (the App)');
      const marker = `<!-- wow-alert:message=${row.message_id} -->`;
      if (row.target !== 'new') {
        const onIssue = {
          ...content,
          alerts: alerts.filter((a) => a.issue?.toLowerCase() === row.target.toLowerCase()),
        };
        return github.comment(row.target, githubBody(onIssue, message.mentions, marker), marker);
      }
      // The alerts that had no issue when the message was claimed get one; it takes their escalations and /ack.
      // (All of them when a retry finds every one given an issue already: the issue is found again by its marker.)
      const without = alerts.filter((a) => a.issue === null);
      const homeless = { ...content, alerts: without.length === 0 ? alerts : without };
      const opened = await github.open(
        githubIssueTitle(content),
        githubBody(homeless, message.mentions, marker),
        marker,
      );
      if (opened.ok)
        await setAlertsIssue(
          deps.store,
          homeless.alerts.map((a) => a.id),
          opened.result,
        );
      return opened;
    }
  }
}
