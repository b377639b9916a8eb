import { readFile } from 'node:fs/promises';
import type { Logger, SetupContext, Store } from '#platform';
import { createError } from '../errors.ts';
import type { OpenCustomerChannels } from '../delivery/customer-channels.ts';
import type { NotificationSettings } from '../notification-settings.ts';
import { parseAlertRules, type AlertRules } from './alert-rules.ts';
import { createGitHubAlertWriter } from './github-alert-writer.ts';
import { queueAlertMessages, type AlertReach } from './queue-alert-messages.ts';
import { sendDueAlerts, type AlertSenders, type SentAlerts } from './send-due-alerts.ts';
import { createSlackSender } from './slack-sender.ts';

/** The operator alerts of an agent instance: the rules, and the ways out they are sent on. */
export interface OperatorAlerts {
  rules: AlertRules;
  senders: AlertSenders;
  reach: AlertReach;
}

/**
 * Reads the rules once at start (a bad file stops the agent with every problem named, as a
 * bad setting does) and opens the senders that are configured: Slack with a token, mail
 * with SMTP_URL, GitHub with the App. Undefined when WOWNOTIFICATION_ALERTS_FILE is empty.
 */
export async function createOperatorAlerts(
  ctx: Pick<SetupContext<NotificationSettings>, 'settings' | 'log' | 'githubApp'>,
  channels: Pick<OpenCustomerChannels, 'noticeEmail'>,
): Promise<OperatorAlerts | undefined> {
  const { alertsFile, slackToken, slackApiUrl, support } = ctx.settings;
  if (alertsFile === '') return undefined;
  let text: string;
  try {
    text = await readFile(alertsFile, 'utf8');
  } catch (err) {
    throw createError('WOW_ERR_ALERT_RULES', {
      problems:
        `${alertsFile}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
        'set WOWNOTIFICATION_ALERTS_FILE to the rules file, or to nothing for no operator alerts',
    });
  }
  const rules = parseAlertRules(text, alertsFile);
  const slack =
    slackToken === undefined ? undefined : createSlackSender({ token: slackToken, apiUrl: slackApiUrl, log: ctx.log });
  const github = ctx.githubApp === undefined ? undefined : createGitHubAlertWriter(ctx.githubApp, support.repo);
  return {
    rules,
    senders: { slack, email: channels.noticeEmail, github },
    reach: {
      slack: slack !== undefined,
      email: channels.noticeEmail !== undefined,
      newIssues: github !== undefined && support.repo !== undefined,
    },
  };
}

/**
 * One run of the alerts schedule at `now`: the groups and escalations due are claimed as
 * messages, then every send due (new ones, retries) goes out. A rule's channel this
 * instance cannot reach is said in the log, never silently dropped.
 */
export async function runOperatorAlerts(
  deps: { store: Store; log: Logger; alerts: OperatorAlerts },
  now: Date,
): Promise<SentAlerts & { messages: number }> {
  const queued = await queueAlertMessages(deps.store, deps.alerts.rules, deps.alerts.reach, now);
  if (queued.skipped.length > 0)
    deps.log.warn(
      { skipped: queued.skipped },
      'operator alert channels skipped: set WOWNOTIFICATION_SLACK_TOKEN, SMTP_URL, or SUPPORT_REPO with the GitHub App',
    );
  const sent = await sendDueAlerts({ store: deps.store, log: deps.log, senders: deps.alerts.senders }, now);
  return { messages: queued.messages, ...sent };
}
