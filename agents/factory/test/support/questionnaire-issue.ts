import { examplePayload } from '../../../../test/support/github-webhooks.ts';
import type { IssuePayload } from '../../src/index.ts';

/** A questionnaire body as GitHub renders the issue form (CRLF), asking for "release-notes" named `name`. */
export const body = (name: string) => [
  '### Agent id', '', 'release-notes', '', '### Agent name', '', name, '', '### Tier / domain', '', 'Platform CoE', '',
  '### Purpose and responsibilities', '', 'Writes release notes from merged pull requests.', '',
  '### Events that wake it', '', 'github.pull_request.closed', '', '### Events it emits', '', 'release.notes.drafted', '',
  '### Data it stores', '', 'release_notes - one row per merged pull request', '', '### Capabilities it needs', '', '- [X] github:contents:read', '',
  '### Agents it depends on', '', '_No response_', '', '### Service level (response target)', '', 'within 1 minute', '',
  '### Acceptance examples', '', 'Given a github.pull_request.closed event for a merged pull request', 'When the agent handles it', 'Then it emits release.notes.drafted', '',
].join('\r\n');

/** GitHub's published `issues` payload, for issue #31 of acme/platform with `text` as its body. */
export function issuePayload(action: string, text: string): IssuePayload {
  const p = examplePayload('issues', action) as IssuePayload & Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = { ...(p.issue as object), number: 31, body: text, labels: [{ name: 'factory' }, { name: 'new-agent' }] };
  if (action === 'labeled') p.label = { name: 'factory' };
  return p;
}

/** GitHub's published `issue_comment.created` payload: a person's `comment` on issue #31. */
export function commentPayload(comment: string, text: string): IssuePayload {
  const p = examplePayload('issue_comment', 'created') as IssuePayload & Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = { number: 31, body: text, labels: [{ name: 'factory' }] };
  p.comment = { body: comment };
  p.sender = { type: 'User' };
  return p;
}
