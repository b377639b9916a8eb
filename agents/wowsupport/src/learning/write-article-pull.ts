import { withMarker, type RepoTarget } from '#platform';
import type { ArticleFileDraft } from './render-article.ts';

/** What writing a ticket's article pull request did; `left` when a person closed or merged it already. */
export interface ArticlePull {
  number: number;
  url: string;
  branch: string;
  pullWas: 'opened' | 'updated' | 'unchanged' | 'left';
}

/** The label every drafted article's pull request carries, for reviewers to find them. */
export const articleLabel = 'knowledge-base';

/** The branch of a ticket's article: one per ticket, in the repository itself (only writers make branches there). */
export const articleBranchOf = (ticketId: string) => `wowsupport/kb-${ticketId}`;
const markerOf = (ticketId: string) => `<!-- wowsupport:kb-article ticket=${ticketId} -->`;

const notFound = (err: unknown) => (err as { status?: unknown }).status === 404;

/**
 * The one pull request adding a ticket's drafted article, written as a marked write: the
 * first time, a branch off the default branch with the article as one commit (Git Data
 * API) and a pull request labelled `knowledge-base`; a redelivery or a later draft finds
 * it by its branch and the marker in its body and moves the branch and edits the request
 * in place, committing nothing when the file is already as drafted. A pull request a person
 * closed or merged is left as it is: it was decided.
 */
export async function writeArticlePull(
  at: RepoTarget,
  input: { ticketId: string; file: ArticleFileDraft; title: string; description: string },
): Promise<ArticlePull> {
  const { client, owner, repo } = at;
  const branch = articleBranchOf(input.ticketId);
  const marker = markerOf(input.ticketId);
  const body = withMarker(input.description, marker);
  const { data: repository } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
  const { data: pulls } = await client.request('GET /repos/{owner}/{repo}/pulls', {
    owner,
    repo,
    head: `${owner}:${branch}`,
    state: 'all',
    per_page: 100,
  });
  const found = pulls.find((p) => p.body?.includes(marker) === true);
  if (found !== undefined && found.state !== 'open')
    return { number: found.number, url: found.html_url, branch, pullWas: 'left' };

  const { data: base } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
    owner,
    repo,
    ref: `heads/${repository.default_branch}`,
  });
  const { data: baseCommit } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
    owner,
    repo,
    commit_sha: base.object.sha,
  });
  const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', {
    owner,
    repo,
    base_tree: baseCommit.tree.sha,
    tree: [{ path: input.file.path, mode: '100644', type: 'blob', content: input.file.markdown }],
  });
  const head = await client
    .request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo, ref: `heads/${branch}` })
    .then(
      (r) => r.data.object.sha,
      (err: unknown) => {
        if (notFound(err)) return undefined;
        throw err;
      },
    );
  const headTree =
    head === undefined
      ? undefined
      : (await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { owner, repo, commit_sha: head }))
          .data.tree.sha;
  let moved = false;
  if (headTree !== tree.sha) {
    const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', {
      owner,
      repo,
      message: `Knowledge base: ${input.file.title}\n\nDrafted by WowSupport from solved ticket ${input.ticketId}.`,
      tree: tree.sha,
      parents: [base.object.sha],
    });
    if (head === undefined)
      await client.request('POST /repos/{owner}/{repo}/git/refs', {
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha: commit.sha,
      });
    // The branch is the desk's own draft, redrafted from the ticket: it moves by force.
    else
      await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: true,
      });
    moved = true;
  }

  if (found !== undefined) {
    if (found.title === input.title && found.body === body)
      return { number: found.number, url: found.html_url, branch, pullWas: moved ? 'updated' : 'unchanged' };
    await client.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: found.number,
      title: input.title,
      body,
    });
    return { number: found.number, url: found.html_url, branch, pullWas: 'updated' };
  }
  const { data: opened } = await client.request('POST /repos/{owner}/{repo}/pulls', {
    owner,
    repo,
    title: input.title,
    head: branch,
    base: repository.default_branch,
    body,
  });
  await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
    owner,
    repo,
    issue_number: opened.number,
    labels: [articleLabel],
  });
  return { number: opened.number, url: opened.html_url, branch, pullWas: 'opened' };
}
