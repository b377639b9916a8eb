import type { GitHubClient, Store, SupportSettings } from '../../../runtime/src/index.ts';
import { approveDraft } from '../desk/drafts.ts';
import { findByChannelId, recordDeskMessage } from '../desk/tickets.ts';
import { inSupportRepo, type IssueCommentPayload } from './github-payloads.ts';
import { isApprover } from './is-approver.ts';
import { hasOriginMarker } from './issue-markers.ts';
import { isLedgerComment, resumeTicketSync, ticketOfIssue } from './sync-store.ts';

export interface CommentDeps {
  store: Store;
  github: GitHubClient;
  settings: Pick<SupportSettings, 'repo' | 'approvers'>;
  /** The App's id: comments it made through any installation are its own echo. */
  appId: string | undefined;
}

export type CommentOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'noted' | 'replied' | 'solved' | 'approved' | 'resumed' | 'refused'; ticketId: string; why?: string };

/**
 * A comment on a ticket's issue. Only people's comments count: the desk's own (by the
 * App, with its origin marker, or in the ledger) and every bot's are dropped, so nothing
 * the desk writes can come back as a message. A comment is internal unless it starts
 * with `/reply` (sent to the customer); `/solve`, `/approve` (an L3 draft, approvers
 * only) and `/resume` (a tripped breaker, approvers only) act on the ticket.
 */
export async function receiveIssueComment(deps: CommentDeps, payload: IssueCommentPayload): Promise<CommentOutcome> {
  const { comment, sender } = payload;
  const body = comment.body ?? '';
  if (payload.action !== 'created') return { did: 'ignored', why: `comments ${payload.action} are not messages` };
  if (!inSupportRepo(payload, deps.settings.repo)) return { did: 'ignored', why: 'not the support repository' };
  if (payload.issue.pull_request !== undefined) return { did: 'ignored', why: 'a pull request, not a ticket' };
  if (comment.performed_via_github_app?.id !== undefined && String(comment.performed_via_github_app.id) === deps.appId) return { did: 'ignored', why: 'the desk\'s own comment (made by this App)' };
  if (hasOriginMarker(body)) return { did: 'ignored', why: 'the desk\'s own comment (origin marker)' };
  if (sender.type === 'Bot') return { did: 'ignored', why: `a bot's comment (${sender.login}); the desk never answers bots` };
  if (await isLedgerComment(deps.store, comment.id)) return { did: 'ignored', why: 'the desk\'s own comment (in the sync ledger)' };
  const ticketId = await ticketOfIssue(deps.store, payload.repository.owner.login, payload.repository.name, payload.issue.number);
  if (ticketId === undefined) return { did: 'ignored', why: 'not a ticket\'s issue' };
  const channelMsgId = String(comment.id);
  if ((await findByChannelId(deps.store, 'github', channelMsgId)) !== undefined) return { did: 'ignored', why: 'this comment is on the ticket already' };

  const command = parseCommand(body);
  const author = { kind: 'human', id: sender.login } as const;
  const note = (text: string) => ({ direction: 'internal' as const, author, body: text, autoSubmitted: false, channel: 'github' as const, channelMsgId });
  const privileged = command.name === 'approve' || command.name === 'resume';
  const allowed = privileged && (await isApprover(deps.github, deps.settings.approvers, sender.login));
  return deps.store.transaction(async (tx): Promise<CommentOutcome> => {
    switch (command.name) {
      case 'reply':
        if (command.text === '') {
          await recordDeskMessage(tx, ticketId, note(body));
          return { did: 'refused', ticketId, why: '/reply needs the answer after it; nothing was sent' };
        }
        await recordDeskMessage(tx, ticketId, { ...note(command.text), direction: 'outbound', action: 'ask_customer' });
        return { did: 'replied', ticketId };
      case 'solve':
        await recordDeskMessage(tx, ticketId, command.text === '' ? { ...note(body), action: 'solve' } : { ...note(command.text), direction: 'outbound', action: 'solve' });
        return { did: 'solved', ticketId };
      case 'approve': {
        await recordDeskMessage(tx, ticketId, note(body));
        if (!allowed) return { did: 'refused', ticketId, why: `${sender.login} is not among SUPPORT_APPROVERS; the draft stays unsent` };
        const approved = await approveDraft(tx, ticketId, sender.login);
        return approved === undefined ? { did: 'refused', ticketId, why: 'no draft is waiting for approval' } : { did: 'approved', ticketId };
      }
      case 'resume':
        await recordDeskMessage(tx, ticketId, note(body));
        if (!allowed) return { did: 'refused', ticketId, why: `${sender.login} is not among SUPPORT_APPROVERS; the sync stays paused` };
        await resumeTicketSync(tx, ticketId);
        return { did: 'resumed', ticketId };
      case undefined:
        await recordDeskMessage(tx, ticketId, note(body));
        return { did: 'noted', ticketId };
    }
  });
}

const commands = ['reply', 'solve', 'approve', 'resume'] as const;

/** `/reply text…` → { name: 'reply', text }; a comment that starts with no command → { name: undefined }. */
export function parseCommand(body: string): { name: (typeof commands)[number] | undefined; text: string } {
  const match = /^\s*\/([a-z]+)\b[ \t]*([\s\S]*)$/.exec(body);
  const name = commands.find((c) => c === match?.[1]);
  return name === undefined ? { name: undefined, text: body } : { name, text: (match?.[2] ?? '').trim() };
}
