import { findMarkedComment } from '#platform';
import { createError } from '../errors.ts';
import type { Message } from '#domains/support';
import { contentSha256 } from './content-sha256.ts';
import { cutNotice, fitText, githubLimits } from './fit-text.ts';
import { githubRefusal } from './github-refusal.ts';
import { originMarker, withoutMentions } from './issue-markers.ts';
import type { SyncTarget } from './open-ticket-issue.ts';
import { claimLedger, completeLedger, failLedger } from './sync-store.ts';

/** replaced: GitHub refused the text and a stand-in says where to read it; failed: GitHub refused even that. */
export type MirrorOutcome = 'posted' | 'found' | 'already' | 'from-github' | 'replaced' | 'failed';

/**
 * Puts one desk message on the ticket's issue as a comment, at most once: the ledger row
 * is written before the call, and a row left pending by a cut-off attempt is settled by
 * finding the comment's origin marker (on a comment the App wrote) rather than by posting
 * again. While another attempt holds the row, this one fails with WOW_ERR_SYNC_BUSY and is
 * retried.
 * A text longer than GitHub takes is cut with a marked tail. When GitHub refuses the
 * comment (400, 422), a stand-in saying where to read the message takes its place; when it
 * refuses that too, the message is marked failed and passed over, so it never blocks the
 * ticket's later messages. Other failures are thrown and retried, in order.
 */
export async function mirrorMessage(
  target: SyncTarget,
  where: { ticketId: string; issueNumber: number },
  message: Message,
): Promise<MirrorOutcome> {
  // A comment made on the issue is there already.
  if (message.channel === 'github') return 'from-github';
  const entry = await claimLedger(target.db, message.id, 'to_github', contentSha256(message.body));
  if (entry.state === 'done') return 'already';
  if (entry.state === 'failed') return 'failed';
  if (entry.state === 'busy') throw createError('WOW_ERR_SYNC_BUSY', { what: message.id });
  if (entry.state === 'retaken') {
    const found = await findMarkedComment(
      { client: target.github, owner: target.owner, repo: target.repo, issue: where.issueNumber },
      originMarker(message.id),
    );
    if (found !== undefined) {
      await completeLedger(target.db, message.id, found.id);
      return 'found';
    }
  }
  const post = async (body: string) => {
    const { data } = await target.github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: target.owner,
      repo: target.repo,
      issue_number: where.issueNumber,
      body,
    });
    await completeLedger(target.db, message.id, Number(data.id));
  };
  try {
    await post(commentBody(message, where.ticketId));
    return 'posted';
  } catch (err) {
    const refused = githubRefusal(err);
    if (refused === undefined) throw err;
    try {
      await post(standInBody(message, where.ticketId, refused));
      return 'replaced';
    } catch (again) {
      const refusedAgain = githubRefusal(again);
      if (refusedAgain === undefined) throw again;
      await failLedger(
        target.db,
        message.id,
        `GitHub refused the comment (${refused}) and its stand-in (${refusedAgain})`,
      );
      return 'failed';
    }
  }
}

const channelName: Record<Message['channel'], string> = {
  api: 'the API',
  email: 'email',
  web: 'the web form',
  github: 'GitHub',
  desk: 'the desk',
};

/**
 * How a message reads on the issue: who, which way, and the text with nobody mentioned,
 * cut with a marked tail where it is longer than a comment holds.
 */
function commentBody(message: Message, ticketId: string): string {
  const quote = (text: string) =>
    withoutMentions(text)
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
  return fitText(message.body, githubLimits.body, (shown, omitted) => {
    const tail = omitted === 0 ? '' : `\n>\n> ${cutNotice(omitted, ticketId)}`;
    return `${heading(message)}\n\n${quote(shown)}${tail}\n\n${originMarker(message.id)}`;
  });
}

/** What stands on the issue for a message whose comment GitHub refused: who wrote, and where to read it. */
function standInBody(message: Message, ticketId: string, refused: string): string {
  const note = `GitHub refused the text of this message (${refused}); the whole text is in ticket \`${ticketId}\``;
  return `${heading(message)}\n\n> … [${note}]\n\n${originMarker(message.id)}`;
}

function heading(message: Message): string {
  const who =
    message.author.kind === 'customer'
      ? 'The customer'
      : message.author.kind === 'agent'
        ? `Agent \`${message.author.id}\``
        : `@\u2060${message.author.id}`;
  const cites = message.cites.length === 0 ? '' : ` (citing ${message.cites.map((c) => `kb:${c}`).join(', ')})`;
  return {
    inbound: `**${who}** wrote by ${channelName[message.channel]}${message.autoSubmitted ? ' (an automatic reply; nothing answers it)' : ''}:`,
    outbound: `**${who}** answered the customer by ${channelName[message.channel]}${cites}:`,
    internal: `**${who}** (internal note, not sent to the customer):`,
    draft: `**${who}** drafted this answer${cites}. It is **not sent**: an approver sends it by commenting \`/approve ${message.id}\`.`,
  }[message.direction];
}
