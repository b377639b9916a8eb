import { cachedKillSwitch, findTicket, ticketMessages, waitingDrafts } from '#domains/support';
import { mirrorMessage, type MirrorOutcome } from './mirror-message.ts';
import { openTicketIssue, type SyncTarget } from './open-ticket-issue.ts';
import { syncIssueState } from './sync-issue-state.ts';

export type SyncOutcome =
  | { did: 'synced'; issue: number; mirrored: Record<MirrorOutcome, number> }
  | { did: 'stopped'; issue?: number; why: string };

/**
 * Brings the ticket's issue in step with the ticket: the issue exists, every message not
 * yet on it is commented in order, and labels and open/closed show the ticket. Any event
 * about the ticket runs it; what is already on GitHub is not written again, so a repeat
 * or a redelivery changes nothing.
 */
export async function syncTicket(target: SyncTarget, ticketId: string): Promise<SyncOutcome> {
  const stop = await cachedKillSwitch(target.cache, target.db);
  if (stop.on) return { did: 'stopped', why: `the kill switch is on (by ${stop.by ?? 'someone'})` };
  const ticket = await findTicket(target.db, ticketId);
  if (ticket === undefined) return { did: 'stopped', why: `no ticket ${ticketId}` };
  const messages = await ticketMessages(target.db, ticketId);
  const issue = await openTicketIssue(target, ticket, messages[0]);
  const drafts = await waitingDrafts(target.db, ticketId);
  const labelState = { ticket, paused: issue.paused !== null, awaitingApproval: drafts.length > 0 };
  // A tripped breaker lets through what was written before it tripped, its own note last.
  const pausedAt = issue.paused === null ? Infinity : Date.parse(issue.paused.at);
  const mirrored: Record<MirrorOutcome, number> = {
    posted: 0,
    found: 0,
    already: 0,
    'from-github': 0,
    replaced: 0,
    failed: 0,
  };
  for (const message of messages.slice(1)) {
    if (Date.parse(message.createdAt) > pausedAt) break;
    mirrored[await mirrorMessage(target, { ticketId, issueNumber: issue.issueNumber }, message)]++;
  }
  await syncIssueState(target, issue.issueNumber, labelState);
  if (issue.paused !== null)
    return { did: 'stopped', issue: issue.issueNumber, why: `the ticket's sync is paused: ${issue.paused.reason}` };
  return { did: 'synced', issue: issue.issueNumber, mirrored };
}
