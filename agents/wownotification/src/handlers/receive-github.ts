import { ackFromComment, type AckOutcome } from '../alerts/ack-from-comment.ts';
import type { NotificationContext } from '../notification-settings.ts';
import type { IssueCommentDelivery, IssueEventDelivery } from '../sync/github-payloads.ts';
import { receiveIssueComment, type CommentDeps, type CommentOutcome } from '../sync/receive-issue-comment.ts';
import { receiveIssueEvent, type IssueEventOutcome } from '../sync/receive-issue-event.ts';
import type { SyncOutcome } from '../sync/sync-ticket.ts';
import { syncWithGitHub } from './sync-with-github.ts';

export type GitHubOutcome =
  | { did: 'ignored'; why: string }
  | Exclude<AckOutcome, { did: 'ignored' }>
  | ((CommentOutcome | IssueEventOutcome) & { sync: SyncOutcome });

/**
 * A comment on an issue: `/ack` on an operator alert's issue (in any repository the App is
 * on) acknowledges its alerts; on the support repository, a note or a command on its ticket.
 */
export async function receiveComment(ctx: NotificationContext, delivery: IssueCommentDelivery): Promise<GitHubOutcome> {
  if (ctx.github !== undefined) {
    const ack = await ackFromComment({ store: ctx.store, github: ctx.github, now: ctx.clock() }, delivery.payload);
    if (ack.did !== 'ignored') return ack;
  }
  return receive(ctx, (deps) => receiveIssueComment(deps, delivery.payload));
}

/**
 * An issue closed, reopened or labelled in the support repository. A label that moves the
 * ticket is announced by receiveIssueEvent, in the transaction that moves it.
 */
export function receiveIssue(ctx: NotificationContext, delivery: IssueEventDelivery): Promise<GitHubOutcome> {
  return receive(ctx, (deps) => receiveIssueEvent({ ...deps, emit: ctx.emit }, delivery.payload));
}

/**
 * What people do on the support repository, as the App's door put it on the bus
 * (`ctx.github` is the installation it came from): brought to the ticket, then the
 * ticket's issue follows, through the same installation.
 */
async function receive(
  ctx: NotificationContext,
  take: (deps: CommentDeps) => Promise<CommentOutcome | IssueEventOutcome>,
): Promise<GitHubOutcome> {
  const { support } = ctx.settings;
  if (support.repo === undefined) return { did: 'ignored', why: 'no SUPPORT_REPO is configured' };
  if (ctx.github === undefined)
    return { did: 'ignored', why: 'the GitHub App is not configured, or the delivery names no installation' };
  const outcome = await take({ store: ctx.store, github: ctx.github, settings: support });
  if (outcome.did === 'ignored') return outcome;
  const ticketId = 'ticketId' in outcome ? outcome.ticketId : outcome.ticket.id;
  return { ...outcome, sync: await syncWithGitHub(ctx, ticketId, ctx.github) };
}
