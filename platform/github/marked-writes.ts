import type { GitHubClient } from './github-client.ts';
import { getOwnLogin, isWrittenBy } from './own-login.ts';

// Marked writes: what an agent writes on GitHub and must find again (its one comment on an
// issue, the issue it opened for a ticket) carries a hidden marker, an HTML comment GitHub
// does not render. GitHub has no idempotency key for comments or issues, so the marker is
// how a retry, a redelivery or a later edit finds what was written instead of writing it
// twice. Anyone can copy a marker into their own comment, so only what this client's own
// login wrote counts: a stranger's copy is never edited, returned or counted.

export interface RepoTarget {
  client: GitHubClient;
  owner: string;
  repo: string;
}

export interface IssueTarget extends RepoTarget {
  issue: number;
}

export interface MarkedComment {
  id: number;
  body: string;
}

export interface MarkedIssue {
  number: number;
  title: string;
  body: string;
}

/** What a marked write did: `created` the first time, else found, and `edited` when its text changed. */
export interface MarkedWrite {
  created: boolean;
  edited: boolean;
}

/** `body` with `marker` at its end, unless the caller placed it already (inside a text cut to GitHub's limits). */
export const withMarker = (body: string, marker: string): string =>
  body.includes(marker) ? body : `${body}\n\n${marker}`;

/** The comment on the issue that this client wrote with `marker`, searched through every page. */
export async function findMarkedComment(on: IssueTarget, marker: string): Promise<MarkedComment | undefined> {
  const login = await getOwnLogin(on.client);
  let found: MarkedComment | undefined;
  await on.client.paginate(
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    { owner: on.owner, repo: on.repo, issue_number: on.issue, per_page: 100 },
    (response, done) => {
      const hit = response.data.find((c) => isWrittenBy(c, login) && c.body?.includes(marker) === true);
      if (hit !== undefined) {
        found = { id: hit.id, body: hit.body ?? '' };
        done();
      }
      return [];
    },
  );
  return found;
}

/**
 * The one comment carrying `marker` on the issue: created the first time, then edited in
 * place when `body` changed, so no event makes the writer say a thing twice.
 */
export async function writeMarkedComment(
  on: IssueTarget,
  marker: string,
  body: string,
): Promise<MarkedWrite & { id: number }> {
  const text = withMarker(body, marker);
  const found = await findMarkedComment(on, marker);
  if (found !== undefined) {
    if (found.body === text) return { id: found.id, created: false, edited: false };
    await on.client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: on.owner,
      repo: on.repo,
      comment_id: found.id,
      body: text,
    });
    return { id: found.id, created: false, edited: true };
  }
  const { data } = await on.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: on.owner,
    repo: on.repo,
    issue_number: on.issue,
    body: text,
  });
  return { id: Number(data.id), created: true, edited: false };
}

/**
 * The issue (not pull request) this client opened with `marker` in its body, newest first,
 * among those with all of `labels` (none: every issue), open or closed.
 */
export async function findMarkedIssue(
  on: RepoTarget,
  marker: string,
  opts: { labels?: readonly string[] } = {},
): Promise<MarkedIssue | undefined> {
  const login = await getOwnLogin(on.client);
  let found: MarkedIssue | undefined;
  await on.client.paginate(
    'GET /repos/{owner}/{repo}/issues',
    {
      owner: on.owner,
      repo: on.repo,
      state: 'all',
      sort: 'created',
      direction: 'desc',
      per_page: 100,
      ...(opts.labels === undefined || opts.labels.length === 0 ? {} : { labels: opts.labels.join(',') }),
    },
    (response, done) => {
      const hit = response.data.find(
        (i) => i.pull_request === undefined && isWrittenBy(i, login) && i.body?.includes(marker) === true,
      );
      if (hit !== undefined) {
        found = { number: hit.number, title: hit.title, body: hit.body ?? '' };
        done();
      }
      return [];
    },
  );
  return found;
}

/**
 * The one issue carrying `marker`: opened the first time (with `labels`, and found again
 * among issues that have them), then its title and body edited in place when they changed.
 */
export async function writeMarkedIssue(
  on: RepoTarget,
  marker: string,
  issue: { title: string; body: string; labels: readonly string[] },
): Promise<MarkedWrite & { number: number }> {
  const body = withMarker(issue.body, marker);
  const found = await findMarkedIssue(on, marker, { labels: issue.labels });
  if (found !== undefined) {
    if (found.title === issue.title && found.body === body)
      return { number: found.number, created: false, edited: false };
    await on.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      owner: on.owner,
      repo: on.repo,
      issue_number: found.number,
      title: issue.title,
      body,
    });
    return { number: found.number, created: false, edited: true };
  }
  const { data } = await on.client.request('POST /repos/{owner}/{repo}/issues', {
    owner: on.owner,
    repo: on.repo,
    title: issue.title,
    body,
    labels: [...issue.labels],
  });
  return { number: data.number, created: true, edited: false };
}
