import { randomUUID } from 'node:crypto';
import { doubleAppLogin } from '../../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../../test/support/github-webhooks.ts';

// Deliveries from the support repository acme/support, built on GitHub's published
// example payloads, as the App's door puts them on the bus (github.<event>.<action>).
export const supportRepo = { owner: 'acme', repo: 'support' } as const;
export const installationId = 7;
export const appId = 1;

const repository = (payload: Record<string, unknown>, where: { owner: string; repo: string } = supportRepo) => ({
  ...(payload.repository as object),
  name: where.repo,
  full_name: `${where.owner}/${where.repo}`,
  owner: { ...(payload.repository as { owner: object }).owner, login: where.owner },
});
const user = (login: string, type: 'User' | 'Bot') => ({ login, id: login.length * 1000, type, site_admin: false });

export interface CommentBy {
  issue: number;
  commentId: number;
  body: string;
  login: string;
  type?: 'User' | 'Bot';
  /** The App a comment was made through (GitHub sets it on an App's comments). */
  viaApp?: number;
  /** The repository as the payload spells it; default the support repository as configured. */
  repository?: { owner: string; repo: string };
}

/** GitHub's issue_comment.created payload for a comment on an issue of the support repository. */
export function commentPayload(c: CommentBy): Record<string, unknown> {
  const example = examplePayload('issue_comment', 'created');
  const issue = { ...(example.issue as object), number: c.issue, pull_request: undefined };
  delete (issue as { pull_request?: unknown }).pull_request;
  return {
    ...example,
    repository: repository(example, c.repository),
    issue,
    sender: user(c.login, c.type ?? 'User'),
    comment: {
      ...(example.comment as object),
      id: c.commentId,
      body: c.body,
      user: user(c.login, c.type ?? 'User'),
      performed_via_github_app:
        c.viaApp === undefined ? null : { id: c.viaApp, slug: doubleAppLogin.replace(/\[bot\]$/, '') },
    },
    installation: { id: installationId },
  };
}

export function commentDelivery(c: CommentBy) {
  return {
    type: 'github.issue_comment.created',
    data: { name: 'issue_comment', id: randomUUID(), installationId, payload: commentPayload(c) },
  };
}

export function issueDelivery(
  action: 'closed' | 'reopened' | 'labeled',
  issueNumber: number,
  login: string,
  label?: string,
) {
  // The examples have no issues.closed; reopened is the same shape with the other state.
  const example = examplePayload('issues', action === 'labeled' ? 'labeled' : 'reopened');
  const payload = {
    ...example,
    action,
    repository: repository(example),
    issue: { ...(example.issue as object), number: issueNumber, state: action === 'closed' ? 'closed' : 'open' },
    sender: user(login, 'User'),
    ...(label === undefined ? {} : { label: { id: 1, name: label, color: 'ededed', default: false } }),
    installation: { id: installationId },
  };
  return { type: `github.issues.${action}`, data: { name: 'issues', id: randomUUID(), installationId, payload } };
}
