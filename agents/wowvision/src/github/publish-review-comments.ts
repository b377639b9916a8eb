import { getOwnLogin, isWrittenBy } from '#platform';
import type { FileChange } from '../change/parse-diff.ts';
import type { Finding, Review } from '../engine/finding.ts';
import { inlineCode } from '../report/inline-code.ts';
import type { GitHubRepo } from './github-repo.ts';

/** GitHub rejects comments anchored outside the diff; reviewdog's caps keep clear of abuse limits. */
const fileLevelLimit = 10;
const markerPattern = /<!-- wowvision:([0-9a-f]{20}) -->/;
const icon = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;

export interface ReviewCommentsResult {
  inline: number;
  fileLevel: number;
  /** Findings that could be neither: listed in the review's body. */
  inBody: number;
  updated: number;
  resolved: number;
}

interface PostedComment {
  id: number;
  body: string;
  fingerprint: string;
}

/**
 * The optional pull request review: each finding once, found again by the fingerprint
 * hidden in its comment, so a re-run edits what changed instead of reposting. New findings
 * go inline when their line is inside a diff hunk (at most `maxInline`), else as
 * file-level comments, else into the review's body; threads of findings that are gone are
 * resolved. Only the App's own comments are found again: anyone can copy a marker.
 * Messages and paths come from the head (file names, imports, a model's advice), so they
 * are shown as inline code, where GitHub renders no mention, link, image or HTML.
 */
export async function publishReviewComments(
  at: GitHubRepo,
  pull: { number: number; headSha: string },
  review: Review,
  changes: readonly FileChange[],
  maxInline: number,
): Promise<ReviewCommentsResult> {
  const posted = await postedComments(at, pull.number);
  const current = new Map(review.findings.map((f) => [f.fingerprint, f]));
  const result: ReviewCommentsResult = { inline: 0, fileLevel: 0, inBody: 0, updated: 0, resolved: 0 };

  for (const comment of posted.values()) {
    const finding = current.get(comment.fingerprint);
    if (finding === undefined || comment.body === bodyOf(finding)) continue;
    await at.client.request('PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}', {
      owner: at.owner,
      repo: at.repo,
      comment_id: comment.id,
      body: bodyOf(finding),
    });
    result.updated++;
  }

  const inDiff = new Map(changes.filter((c) => c.status !== 'removed').map((c) => [c.path, c]));
  const inline: Finding[] = [];
  const fileLevel: Finding[] = [];
  const inBody: Finding[] = [];
  for (const finding of review.findings) {
    if (posted.has(finding.fingerprint)) continue;
    const change = inDiff.get(finding.path);
    if (
      change !== undefined &&
      inline.length < maxInline &&
      change.hunks.some((h) => finding.line >= h.start && finding.line <= h.end)
    )
      inline.push(finding);
    else if (change !== undefined && fileLevel.length < fileLevelLimit) fileLevel.push(finding);
    else inBody.push(finding);
  }
  if (inline.length > 0 || inBody.length > 0) {
    const lines = [
      `**WowVision** found ${inline.length + fileLevel.length + inBody.length} new finding(s) on this push; the check run has them all.`,
    ];
    if (inBody.length > 0)
      lines.push(
        '',
        'Not on lines of this diff:',
        ...inBody.map(
          (f) =>
            `- ${icon[f.severity]} ${inlineCode(`${f.path}:${f.line}`, 300)} ${inlineCode(f.message, 2000)} (\`${f.rule}\`)`,
        ),
      );
    await at.client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      owner: at.owner,
      repo: at.repo,
      pull_number: pull.number,
      commit_id: pull.headSha,
      // The check run blocks; the review only explains.
      event: 'COMMENT',
      body: lines.join('\n'),
      comments: inline.map((f) => ({ path: f.path, line: f.line, side: 'RIGHT' as const, body: bodyOf(f) })),
    });
  }
  for (const f of fileLevel) {
    await at.client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/comments', {
      owner: at.owner,
      repo: at.repo,
      pull_number: pull.number,
      commit_id: pull.headSha,
      path: f.path,
      subject_type: 'file',
      body: bodyOf(f),
    });
  }
  result.inline = inline.length;
  result.fileLevel = fileLevel.length;
  result.inBody = inBody.length;

  const gone = [...posted.values()].filter((c) => !current.has(c.fingerprint)).map((c) => c.id);
  if (gone.length > 0) result.resolved = await resolveThreads(at, pull.number, new Set(gone));
  return result;
}

function bodyOf(f: Finding): string {
  return [
    `${icon[f.severity]} **${f.rule}**: ${inlineCode(f.message, 2000)}`,
    '',
    ...(f.because === undefined ? [] : [`Why: ${f.because}`]),
    ...(f.fix === undefined ? [] : [`Fix: ${f.fix}`]),
    '',
    `<!-- wowvision:${f.fingerprint} -->`,
  ].join('\n');
}

/**
 * WowVision's own top-level comments on the pull request, by fingerprint: those this
 * client's login wrote (the marked-writes rule: a marker anyone copied is not ours).
 */
async function postedComments(at: GitHubRepo, pullNumber: number): Promise<Map<string, PostedComment>> {
  const login = await getOwnLogin(at.client);
  const comments = await at.client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', {
    owner: at.owner,
    repo: at.repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  const found = new Map<string, PostedComment>();
  for (const c of comments) {
    if (!isWrittenBy(c, login)) continue;
    const fingerprint = c.in_reply_to_id === undefined ? markerPattern.exec(c.body)?.[1] : undefined;
    if (fingerprint !== undefined) found.set(fingerprint, { id: c.id, body: c.body, fingerprint });
  }
  return found;
}

const threadsQuery = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const resolveMutation = `mutation($thread: ID!) {
  resolveReviewThread(input: { threadId: $thread }) { thread { id isResolved } }
}`;

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number | null }[] } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  } | null;
}

/** Threads can only be resolved through GraphQL; a thread is found by its first comment. */
async function resolveThreads(at: GitHubRepo, pullNumber: number, commentIds: ReadonlySet<number>): Promise<number> {
  let resolved = 0;
  let after: string | null = null;
  do {
    const response: { data: unknown } = await at.client.request('POST /graphql', {
      query: threadsQuery,
      variables: { owner: at.owner, repo: at.repo, number: pullNumber, after },
    });
    const page = (response.data as { data?: ThreadsPage }).data?.repository?.pullRequest?.reviewThreads;
    if (page === undefined) return resolved;
    for (const thread of page.nodes) {
      const first = thread.comments.nodes[0]?.databaseId;
      if (thread.isResolved || first === null || first === undefined || !commentIds.has(first)) continue;
      await at.client.request('POST /graphql', { query: resolveMutation, variables: { thread: thread.id } });
      resolved++;
    }
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return resolved;
}
