import { findMarkedIssue, type AgentCache, type GitHubClient, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import type { Message, SupportSettings, Ticket } from '#domains/support';
import { cutNotice, fitText, githubLimits } from './fit-text.ts';
import { githubRefusal } from './github-refusal.ts';
import { ticketMarker, withoutMentions } from './issue-markers.ts';
import { ticketLabels } from './ticket-labels.ts';
import { claimLedger, claimTicketIssue, completeLedger, setIssueNumber, type TicketIssue } from './sync-store.ts';
import { contentSha256 } from './content-sha256.ts';

export interface SyncTarget {
  github: GitHubClient;
  db: PgQueryable;
  /** The agent's `ctx.cache`: the kill switch, read on every sync, comes from it. */
  cache: Pick<AgentCache, 'getOrSet'>;
  settings: Pick<SupportSettings, 'personalDataInIssues'>;
  owner: string;
  repo: string;
}

/**
 * The ticket's issue, created once. GitHub has no idempotency key for issues, so the row is
 * claimed before the call and the body carries the ticket's marker: after a crash between
 * GitHub's answer and ours, the attempt that takes the claim over finds the issue by its
 * marker (on an issue the App opened) instead of opening a second one. The customer's
 * first message is the issue body.
 */
export async function openTicketIssue(
  target: SyncTarget,
  ticket: Ticket,
  first: Message | undefined,
): Promise<TicketIssue & { issueNumber: number }> {
  const row = await claimTicketIssue(target.db, ticket.id, target.owner, target.repo);
  if (row.issueNumber !== null) return { ...row, issueNumber: row.issueNumber };
  if (row.claim === 'busy') throw createError('WOW_ERR_SYNC_BUSY', { what: `the issue of ticket ${ticket.id}` });
  const found =
    row.claim === 'retaken'
      ? await findMarkedIssue(
          { client: target.github, owner: target.owner, repo: target.repo },
          ticketMarker(ticket.id),
          { labels: ['support'] },
        )
      : undefined;
  const number = found?.number ?? (await createIssue(target, ticket, first));
  await setIssueNumber(target.db, ticket.id, number);
  // The first message is on GitHub as the issue body; it is never mirrored as a comment.
  if (first !== undefined) {
    await claimLedger(target.db, first.id, 'to_github', contentSha256(first.body));
    await completeLedger(target.db, first.id, null);
  }
  return { ...row, issueNumber: number };
}

/**
 * Opens the issue with the ticket's subject as its title and the customer's first message
 * as its body, each cut to what GitHub holds. When GitHub refuses them (400, 422), the issue
 * opens with a title and body of the desk's own that say where to read the text, so a text
 * GitHub will not take never keeps the ticket off GitHub.
 */
async function createIssue(target: SyncTarget, ticket: Ticket, first: Message | undefined): Promise<number> {
  const create = async (title: string, body: string) =>
    (
      await target.github.request('POST /repos/{owner}/{repo}/issues', {
        owner: target.owner,
        repo: target.repo,
        title,
        body,
        labels: ticketLabels({ ticket, paused: false, awaitingApproval: false }),
      })
    ).data.number;
  const title = fitText(ticket.subject, githubLimits.title, (shown, omitted) => (omitted === 0 ? shown : `${shown}…`));
  try {
    return await create(title, issueBody(ticket, first, target.settings.personalDataInIssues));
  } catch (err) {
    const refused = githubRefusal(err);
    if (refused === undefined) throw err;
    const standIn = `… [GitHub refused this ticket's subject or text (${refused}); the whole text is in ticket \`${ticket.id}\`]`;
    return create(`Support ticket ${ticket.id}`, footer(ticket, standIn, target.settings.personalDataInIssues));
  }
}

/**
 * The customer's first message (nobody mentioned), cut with a marked tail where the body
 * would be longer than GitHub holds, then what the desk says of the ticket. When the title
 * had to be cut, the whole subject is there too.
 */
export function issueBody(ticket: Ticket, first: Message | undefined, personalData: boolean): string {
  const subject =
    ticket.subject.length <= githubLimits.title
      ? undefined
      : fitText(
          ticket.subject,
          1_000,
          (shown, omitted) => `${withoutMentions(shown)}${omitted === 0 ? '' : ` ${cutNotice(omitted, ticket.id)}`}`,
        );
  return fitText(first?.body ?? '', githubLimits.body, (shown, omitted) => {
    const text = `${withoutMentions(shown)}${omitted === 0 ? '' : `\n\n${cutNotice(omitted, ticket.id)}`}`;
    return footer(ticket, text, personalData, subject);
  });
}

function footer(ticket: Ticket, above: string, personalData: boolean, wholeSubject?: string): string {
  const who =
    personalData && (ticket.requester.name !== null || ticket.requester.email !== null)
      ? `${ticket.requester.name ?? ''}${ticket.requester.email === null ? '' : ` <${ticket.requester.email}>`}`.trim()
      : 'the customer (personal data is kept out of issues)';
  return [
    above,
    '',
    '---',
    ...(wholeSubject === undefined ? [] : [`The whole subject: ${wholeSubject}`]),
    `Support ticket \`${ticket.id}\` from ${who}, by ${ticket.channel}.`,
    'Comments here stay internal. People with the triage role or stronger answer the customer by starting a comment ' +
      'with `/reply`, and solve the ticket with `/solve`; at L3, or while a draft waits, only an approver may, and an ' +
      'approver sends a draft with the `/approve <draft-id>` shown under it. Labels `tier:*` and `priority:*` change ' +
      'the ticket.',
    ticketMarker(ticket.id),
  ].join('\n');
}
