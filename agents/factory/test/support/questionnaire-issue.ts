import type { GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../../test/support/github-webhooks.ts';
import type { IssuePayload } from '../../src/index.ts';

/** A questionnaire body as GitHub renders the issue form (CRLF), asking for "release-notes" named `name`. */
export const body = (name: string) =>
  [
    '### Agent id',
    '',
    'release-notes',
    '',
    '### Agent name',
    '',
    name,
    '',
    '### Tier / domain',
    '',
    'Platform CoE',
    '',
    '### Purpose and responsibilities',
    '',
    'Writes release notes from merged pull requests.',
    '',
    '### Events that wake it',
    '',
    'github.pull_request.closed',
    '',
    '### Events it emits',
    '',
    'release.notes.drafted',
    '',
    '### Data it stores',
    '',
    'release_notes - one row per merged pull request',
    '',
    '### Capabilities it needs',
    '',
    '- [X] github:contents:read',
    '- [X] store:write',
    '',
    '### Agents it depends on',
    '',
    '_No response_',
    '',
    '### Service level (response target)',
    '',
    'within 1 minute',
    '',
    '### Acceptance examples',
    '',
    'Given a github.pull_request.closed event for a merged pull request',
    'When the agent handles it',
    'Then it emits release.notes.drafted',
    '',
  ].join('\r\n');

/**
 * Who a payload is from: the issue's number and author, the person whose act sent the
 * event, and a label the issue carries besides `factory` and `new-agent` (the one a
 * `labeled` event adds).
 */
export interface PayloadPeople {
  number?: number;
  author?: string;
  sender?: string;
  label?: string;
}

/** The example's user objects with `login` in place of GitHub's sample login. */
const as = (user: unknown, login: string | undefined) => (login === undefined ? user : { ...(user as object), login });

/**
 * GitHub's published `issues` payload, for issue #31 of acme/platform with `text` as its body
 * (by default opened, edited and labelled by its author, the example's Codertocat).
 */
export function issuePayload(action: string, text: string, people: PayloadPeople = {}): IssuePayload {
  const p = examplePayload('issues', action) as IssuePayload & Record<string, unknown>;
  const issue = p.issue as Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = {
    ...issue,
    number: people.number ?? 31,
    body: text,
    labels: [...new Set(['factory', 'new-agent', people.label ?? 'factory'])].map((name) => ({ name })),
    user: as(issue.user, people.author) as { login: string },
  };
  p.sender = as(p.sender, people.sender ?? people.author) as IssuePayload['sender'];
  if (action === 'labeled') p.label = { name: people.label ?? 'factory' };
  return p;
}

/** Who comments on issue #31 (by default Codertocat, on their own issue), and how the comment's event came (default `created`). */
export interface CommentPeople {
  commenter?: string;
  author?: string;
  number?: number;
  action?: 'created' | 'edited' | 'deleted';
}

/** GitHub's published `issue_comment` payload: `commenter`'s `comment` on issue #31, whose body is `text`. */
export function commentPayload(comment: string, text: string, people: CommentPeople = {}): IssuePayload {
  const p = examplePayload('issue_comment', people.action ?? 'created') as IssuePayload & Record<string, unknown>;
  const issue = p.issue as Record<string, unknown>;
  const example = p.comment as Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = {
    ...issue,
    number: people.number ?? 31,
    body: text,
    labels: [{ name: 'factory' }],
    user: as(issue.user, people.author) as { login: string },
  };
  p.comment = { ...example, body: comment, user: as(example.user, people.commenter) as { login: string } };
  p.sender = as(p.sender, people.commenter) as IssuePayload['sender'];
  return p;
}

/**
 * A person's comment as GitHub has it when it sends the event: kept on the issue in the
 * double (where the Factory finds earlier approvals), and its `created` payload.
 */
export function postComment(github: GitHubDouble, comment: string, text: string, people: CommentPeople = {}) {
  const payload = commentPayload(comment, text, people);
  const id = 5000 + github.comments.length + 1;
  github.comments.push({ id, issue: people.number ?? 31, body: comment, user: people.commenter ?? 'Codertocat' });
  return { ...payload, comment: { ...payload.comment, id } } as IssuePayload;
}

/** The digest the Factory's comment on `issue` names for approval (`/factory approve <digest>`), if it names one. */
export function shownDigest(github: GitHubDouble, issue: number): string | undefined {
  const comment = github.comments.find(
    (c) => c.issue === issue && c.user === undefined && c.body.includes('<!-- waooaw-factory:questionnaire -->'),
  );
  return /\/factory approve ([0-9a-f]{16})/.exec(comment?.body ?? '')?.[1];
}
