import { createError } from '../../../runtime/src/index.ts';
import type { Message } from '../desk/tickets.ts';
import { contentSha256 } from './content-sha256.ts';
import { originMarker, withoutMentions } from './issue-markers.ts';
import type { SyncTarget } from './open-ticket-issue.ts';
import { claimLedger, completeLedger } from './sync-store.ts';

export type MirrorOutcome = 'posted' | 'found' | 'already' | 'from-github';

/**
 * Puts one desk message on the ticket's issue as a comment, at most once: the ledger row
 * is written before the call, and a row left pending by a cut-off attempt is settled by
 * finding the comment's origin marker on the issue rather than by posting again. While
 * another attempt holds the row, this one fails with WOW_ERR_SYNC_BUSY and is retried.
 */
export async function mirrorMessage(target: SyncTarget, issueNumber: number, message: Message): Promise<MirrorOutcome> {
  // A comment made on the issue is there already.
  if (message.channel === 'github') return 'from-github';
  const entry = await claimLedger(target.db, message.id, 'to_github', contentSha256(message.body));
  if (entry.state === 'done') return 'already';
  if (entry.state === 'busy') throw createError('WOW_ERR_SYNC_BUSY', [message.id]);
  if (entry.state === 'retaken') {
    const found = await findMarkedComment(target, issueNumber, message.id);
    if (found !== undefined) {
      await completeLedger(target.db, message.id, found);
      return 'found';
    }
  }
  const { data } = await target.github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: target.owner, repo: target.repo, issue_number: issueNumber, body: commentBody(message) });
  await completeLedger(target.db, message.id, Number(data.id));
  return 'posted';
}

async function findMarkedComment(target: SyncTarget, issueNumber: number, messageId: string): Promise<number | undefined> {
  const marker = originMarker(messageId);
  for (let page = 1; ; page++) {
    const { data } = await target.github.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: target.owner, repo: target.repo, issue_number: issueNumber, per_page: 100, page });
    const hit = data.find((c) => c.body?.includes(marker) === true);
    if (hit !== undefined) return Number(hit.id);
    if (data.length < 100) return undefined;
  }
}

const channelName: Record<Message['channel'], string> = { api: 'the API', email: 'email', web: 'the web form', github: 'GitHub', desk: 'the desk' };

/** How a message reads on the issue: who, which way, and the text with nobody mentioned. */
export function commentBody(message: Message): string {
  const who = message.author.kind === 'customer' ? 'The customer' : message.author.kind === 'agent' ? `Agent \`${message.author.id}\`` : `@\u2060${message.author.id}`;
  const cites = message.cites.length === 0 ? '' : ` (citing ${message.cites.map((c) => `kb:${c}`).join(', ')})`;
  const heading = {
    inbound: `**${who}** wrote by ${channelName[message.channel]}${message.autoSubmitted ? ' (an automatic reply; nothing answers it)' : ''}:`,
    outbound: `**${who}** answered the customer by ${channelName[message.channel]}${cites}:`,
    internal: `**${who}** (internal note, not sent to the customer):`,
    draft: `**${who}** drafted this answer${cites}. It is **not sent**: an approver sends it by commenting \`/approve ${message.id}\`.`,
  }[message.direction];
  const quoted = withoutMentions(message.body).split('\n').map((l) => `> ${l}`).join('\n');
  return `${heading}\n\n${quoted}\n\n${originMarker(message.id)}`;
}
