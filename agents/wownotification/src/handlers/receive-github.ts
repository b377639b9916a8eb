import { githubDelivery, type AgentContext, type CloudEvent } from '#platform';
import { issueCommentPayload, issueEventPayload } from '../sync/github-payloads.ts';
import { receiveIssueComment, type CommentOutcome } from '../sync/receive-issue-comment.ts';
import { receiveIssueEvent, type IssueEventOutcome } from '../sync/receive-issue-event.ts';

/** A comment or an issue event from the support repository, as the App's door put it on the bus. */
export async function receiveGitHub(ctx: AgentContext, event: CloudEvent): Promise<CommentOutcome | IssueEventOutcome> {
  const delivery = githubDelivery.parse(event.data);
  const settings = ctx.config.support;
  if (settings.repo === undefined) return { did: 'ignored', why: 'no SUPPORT_REPO is configured' };
  if (ctx.github === undefined || delivery.installationId === undefined)
    return { did: 'ignored', why: 'the GitHub App is not configured, or the delivery names no installation' };
  const github = ctx.github.forInstallation(delivery.installationId);
  if (delivery.name === 'issue_comment') {
    return receiveIssueComment(
      { store: ctx.store, github, settings, appId: ctx.config.github?.appId },
      issueCommentPayload.parse(delivery.payload),
    );
  }
  return receiveIssueEvent({ store: ctx.store, github, settings }, issueEventPayload.parse(delivery.payload));
}
