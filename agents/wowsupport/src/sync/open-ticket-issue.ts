import { createError, type GitHubClient, type PgQueryable, type SupportSettings } from '../../../runtime/src/index.ts';
import type { Message, Ticket } from '../desk/tickets.ts';
import { ticketMarker, withoutMentions } from './issue-markers.ts';
import { ticketLabels } from './ticket-labels.ts';
import { claimLedger, claimTicketIssue, completeLedger, setIssueNumber, type TicketIssue } from './sync-store.ts';
import { contentSha256 } from './content-sha256.ts';

export interface SyncTarget {
  github: GitHubClient;
  db: PgQueryable;
  settings: Pick<SupportSettings, 'personalDataInIssues'>;
  owner: string;
  repo: string;
}

/**
 * The ticket's issue, created once. GitHub has no idempotency key for issues, so the row is
 * claimed before the call and the body carries the ticket's marker: after a crash between
 * GitHub's answer and ours, the attempt that takes the claim over finds the issue by its
 * marker instead of opening a second one. The customer's first message is the issue body.
 */
export async function openTicketIssue(target: SyncTarget, ticket: Ticket, first: Message | undefined): Promise<TicketIssue & { issueNumber: number }> {
  const row = await claimTicketIssue(target.db, ticket.id, target.owner, target.repo);
  if (row.issueNumber !== null) return { ...row, issueNumber: row.issueNumber };
  if (row.claim === 'busy') throw createError('WOW_ERR_SYNC_BUSY', [`the issue of ticket ${ticket.id}`]);
  const found = row.claim === 'retaken' ? await findMarkedIssue(target, ticket.id) : undefined;
  const number = found ?? (await createIssue(target, ticket, first));
  await setIssueNumber(target.db, ticket.id, number);
  // The first message is on GitHub as the issue body; it is never mirrored as a comment.
  if (first !== undefined) {
    await claimLedger(target.db, first.id, 'to_github', contentSha256(first.body));
    await completeLedger(target.db, first.id, null);
  }
  return { ...row, issueNumber: number };
}

async function findMarkedIssue(target: SyncTarget, ticketId: string): Promise<number | undefined> {
  const marker = ticketMarker(ticketId);
  // Newest first: a cut-off creation is recent.
  const { data } = await target.github.request('GET /repos/{owner}/{repo}/issues', { owner: target.owner, repo: target.repo, labels: 'support', state: 'all', sort: 'created', direction: 'desc', per_page: 100 });
  return data.find((issue) => issue.body?.includes(marker) === true)?.number;
}

async function createIssue(target: SyncTarget, ticket: Ticket, first: Message | undefined): Promise<number> {
  const { data } = await target.github.request('POST /repos/{owner}/{repo}/issues', {
    owner: target.owner,
    repo: target.repo,
    title: ticket.subject,
    body: issueBody(ticket, first, target.settings.personalDataInIssues),
    labels: ticketLabels({ ticket, paused: false, awaitingApproval: false }),
  });
  return data.number;
}

export function issueBody(ticket: Ticket, first: Message | undefined, personalData: boolean): string {
  const who = personalData && (ticket.requester.name !== null || ticket.requester.email !== null)
    ? `${ticket.requester.name ?? ''}${ticket.requester.email === null ? '' : ` <${ticket.requester.email}>`}`.trim()
    : 'the customer (personal data is kept out of issues)';
  return [
    withoutMentions(first?.body ?? ''),
    '',
    '---',
    `Support ticket \`${ticket.id}\` from ${who}, by ${ticket.channel}.`,
    'Comments here stay internal. People with the triage role or stronger answer the customer by starting a comment with `/reply`, and solve the ticket with `/solve`; at L3, or while a draft waits, only an approver may, and an approver sends a draft with the `/approve <draft-id>` shown under it. Labels `tier:*` and `priority:*` change the ticket.',
    ticketMarker(ticket.id),
  ].join('\n');
}
