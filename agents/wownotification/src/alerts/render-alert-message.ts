import { withoutMentions } from '../sync/issue-markers.ts';
import type { StoredAlert } from './alert-ledger.ts';
import type { SlackBlock } from './slack-sender.ts';

/** What a message says, on every channel: its rule, its escalation level, its alerts. */
export interface AlertMessageContent {
  id: string;
  rule: string;
  level: number;
  alerts: readonly StoredAlert[];
}

// A message lists this many alerts at most; the rest are counted ("and 3 more"), so a
// storm of alerts is one readable message within every service's limits.
const listed = 20;

const heading = (m: AlertMessageContent) =>
  `${m.alerts.length === 1 ? 'Operator alert' : `${m.alerts.length} operator alerts`} (rule ${m.rule}` +
  `${m.level === 0 ? '' : `, escalation level ${m.level}: nobody acknowledged`})`;
const fired = (a: StoredAlert) => (a.fired > 1 ? ` (fired ${a.fired} times)` : '');
const more = (m: AlertMessageContent) => m.alerts.length - Math.min(m.alerts.length, listed);

/** Text as Slack's mrkdwn reads it: `&`, `<` and `>` are its control characters and are escaped, as Slack documents. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** chat.postMessage's `text` (the notification and fallback) and Block Kit `blocks`. */
export function slackMessage(m: AlertMessageContent): { text: string; blocks: SlackBlock[] } {
  const lines = m.alerts
    .slice(0, listed)
    .map((a) => `*${a.severity}* \`${a.type}\` on \`${slackEscape(a.agent)}\`${fired(a)}\n${slackEscape(a.summary)}`);
  const rest = more(m);
  const blocks: SlackBlock[] = [
    // A header is plain text of at most 150 characters.
    { type: 'header', text: { type: 'plain_text', text: heading(m).slice(0, 150) } },
    ...lines.map((text): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...(rest === 0 ? [] : [{ type: 'section', text: { type: 'mrkdwn', text: `… and ${rest} more` } } as const]),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: slackEscape(
            `Acknowledge with \`wow alerts ack <id>\` or \`/ack\` on the alert's issue. Ids: ${m.alerts
              .slice(0, listed)
              .map((a) => `\`${a.id}\``)
              .join(', ')}`.slice(0, 2000),
          ),
        },
      ],
    },
  ];
  const first = m.alerts[0];
  // Cut before escaping, so no entity is cut in half.
  const text = slackEscape(`${heading(m)}: ${first?.summary ?? ''}${m.alerts.length > 1 ? ' …' : ''}`.slice(0, 3000));
  return { text, blocks };
}

/** The mail to each address: one line subject, the alerts as plain text. */
export function emailMessage(m: AlertMessageContent): { subject: string; body: string } {
  const first = m.alerts[0];
  const subject = `[WAOOAW] ${heading(m)}: ${first?.summary ?? ''}`.slice(0, 200);
  const body = [
    `${heading(m)}.`,
    '',
    ...m.alerts
      .slice(0, listed)
      .flatMap((a) => [`- ${a.severity} ${a.type} on ${a.agent}${fired(a)}: ${a.summary}`, `  alert ${a.id}`]),
    ...(more(m) === 0 ? [] : [`- … and ${more(m)} more (wow alerts list)`]),
    '',
    `Acknowledge with \`wow alerts ack <id>\`${m.alerts.some((a) => a.issue !== null) ? ", or /ack on the alert's issue" : ''}.`,
    'Until then the rule escalates to its next level.',
  ].join('\n');
  return { subject, body };
}

/**
 * Text set in Markdown so it renders as written: nobody mentioned, no HTML, link, image,
 * emphasis or table pipe out of it (event data can carry a stranger's words).
 */
function markdownText(text: string): string {
  return withoutMentions(text).replace(/[\\`*_{}[\]()<>#+!|~]/g, '\\$&');
}

/** The comment (or new issue's body) mentioning who is told, with the marker that finds it again. */
export function githubBody(m: AlertMessageContent, mentions: readonly string[], marker: string): string {
  return [
    `**${heading(m)}** ${mentions.join(' ')}`,
    '',
    ...m.alerts
      .slice(0, listed)
      .map(
        (a) =>
          `- **${a.severity}** \`${a.type}\` on \`${a.agent}\`${fired(a)}: ${markdownText(a.summary)} (alert \`${a.id}\`)`,
      ),
    ...(more(m) === 0 ? [] : [`- … and ${more(m)} more (\`wow alerts list\`)`]),
    '',
    'Acknowledge with `/ack` in a comment here (anyone with triage access or more to this repository; ' +
      '`/ack <alert id>` for one), or `wow alerts ack <id>`. Until then the rule escalates to its next level.',
    '',
    marker,
  ].join('\n');
}

/** The title of an issue opened for alerts that have none of their own. */
export function githubIssueTitle(m: AlertMessageContent): string {
  const first = m.alerts[0];
  return withoutMentions(`Operator alert: ${first?.summary ?? m.rule}${m.alerts.length > 1 ? ' …' : ''}`).slice(0, 256);
}
