import { getRepositoryRole, hasRepositoryRole } from '#platform';
import type { Review } from '../engine/finding.ts';
import { explainRule } from '../report/explain-rule.ts';
import { isNotFound, type GitHubRepo } from './github-repo.ts';
import type { ReviewCommentsResult } from './publish-review-comments.ts';
import { reviewPullRequest, rulesOfBase, type PullRequestRef, type VisionState } from './review-pull-request.ts';

/** The parts of GitHub's webhook payloads WowVision reads. */
export interface VisionPayload {
  action?: string;
  repository?: { name: string; owner: { login: string } };
  sender?: { type?: string; login?: string };
  pull_request?: { number: number; head: { sha: string }; base: { ref: string } };
  check_suite?: { head_sha: string; pull_requests?: { number: number }[] };
  check_run?: { head_sha: string; name?: string; pull_requests?: { number: number }[] };
  issue?: { number: number; pull_request?: unknown };
  comment?: { body: string };
}

export type VisionOutcome =
  | { did: 'reviewed'; pull: number; checkRunId: number; review: Review; comments?: ReviewCommentsResult }
  | { did: 'already-reviewed'; pull: number; checkRunId: number }
  | { did: 'explained' | 'answered' | 'refused'; pull: number }
  | { did: 'ignored'; why: string };

const reviewedActions = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/**
 * Routes one GitHub event to what WowVision does with it. Plain data in, GitHub calls
 * out through the installation client: the App's webhook, a replay or a test all drive it.
 */
export async function handleGitHubEvent(
  client: GitHubRepo['client'],
  name: string,
  payload: VisionPayload,
  state: VisionState,
  options: { lastAttempt: boolean },
): Promise<VisionOutcome> {
  if (payload.repository === undefined) return { did: 'ignored', why: 'no repository in the payload' };
  const at: GitHubRepo = { client, owner: payload.repository.owner.login, repo: payload.repository.name };
  const review = async (pull: PullRequestRef, rerun: boolean): Promise<VisionOutcome> => {
    const result = await reviewPullRequest(at, pull, state, { rerun, lastAttempt: options.lastAttempt });
    return result.review === undefined
      ? { did: 'already-reviewed', pull: pull.number, checkRunId: result.checkRunId }
      : {
          did: 'reviewed',
          pull: pull.number,
          checkRunId: result.checkRunId,
          review: result.review,
          ...(result.comments === undefined ? {} : { comments: result.comments }),
        };
  };

  if (name === 'pull_request' && payload.pull_request !== undefined && reviewedActions.has(payload.action ?? '')) {
    const pr = payload.pull_request;
    return review({ number: pr.number, headSha: pr.head.sha, baseRef: pr.base.ref }, false);
  }
  if ((name === 'check_suite' || name === 'check_run') && payload.action === 'rerequested') {
    const suite = name === 'check_suite' ? payload.check_suite : payload.check_run;
    if (suite === undefined) return { did: 'ignored', why: `${name} without its object` };
    const number = suite.pull_requests?.[0]?.number ?? (await pullForHead(at, suite.head_sha));
    if (number === undefined) return { did: 'ignored', why: `no open pull request has head ${suite.head_sha}` };
    const pull = await pullRequest(at, number);
    return review({ ...pull, headSha: suite.head_sha }, true);
  }
  if (
    name === 'issue_comment' &&
    payload.action === 'created' &&
    payload.issue?.pull_request !== undefined &&
    payload.comment !== undefined
  ) {
    // Our own comments (and other bots') never start a review: no loops.
    if (payload.sender?.type === 'Bot') return { did: 'ignored', why: 'comment by a bot' };
    const command = /^\/wowvision\s+(\S+)(?:\s+(\S+))?/m.exec(payload.comment.body.trim());
    if (command === null) return { did: 'ignored', why: 'not a /wowvision command' };
    const number = payload.issue.number;
    if (command[1] === 'recheck') {
      const pull = await pullRequest(at, number);
      // A recheck spends the App's time and API quota: the author's, or a triager's, call (docs/security.md).
      const login = payload.sender?.login ?? '';
      if (login !== pull.author && !hasRepositoryRole(await getRepositoryRole(client, at, login), 'triage')) {
        await comment(
          at,
          number,
          "Only the pull request's author or someone with the triage role or more on this repository " +
            'may ask for `/wowvision recheck`; nothing was rechecked. ' +
            'Every push to the pull request is reviewed anyway, or a maintainer can re-run the WowVision check.',
        );
        return { did: 'refused', pull: number };
      }
      return review(pull, true);
    }
    if (command[1] === 'explain' && command[2] !== undefined) {
      const pull = await pullRequest(at, number);
      const rules = await rulesOfBase(at, pull.baseRef);
      const body =
        'problems' in rules
          ? `The rule pack on \`${pull.baseRef}\` is invalid, ` +
            `so no rule can be explained: ${rules.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`
          : explainRule(rules.pack, command[2]);
      await comment(at, number, body);
      return { did: 'explained', pull: number };
    }
    await comment(
      at,
      number,
      'WowVision understands `/wowvision recheck` (review the latest commit again) and `/wowvision explain <rule>` (what a rule checks and why).',
    );
    return { did: 'answered', pull: number };
  }
  return { did: 'ignored', why: `${name}.${payload.action ?? ''} is not reviewed` };
}

async function pullRequest(at: GitHubRepo, number: number): Promise<PullRequestRef & { author: string }> {
  const { data } = await at.client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: at.owner,
    repo: at.repo,
    pull_number: number,
  });
  return { number, headSha: data.head.sha, baseRef: data.base.ref, author: data.user.login };
}

/**
 * A fork's pushes are not seen by the Checks API, so rerequests of its runs arrive with
 * no pull requests: find the open one whose head is this commit.
 */
async function pullForHead(at: GitHubRepo, sha: string): Promise<number | undefined> {
  try {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner: at.owner,
      repo: at.repo,
      commit_sha: sha,
    });
    const found = data.find((p) => p.state === 'open' && p.head.sha === sha);
    if (found !== undefined) return found.number;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // The open pull requests, newest first, up to a thousand: a head pushed long ago is not looked for.
  let pages = 0;
  const [found] = await at.client.paginate(
    'GET /repos/{owner}/{repo}/pulls',
    { owner: at.owner, repo: at.repo, state: 'open', per_page: 100 },
    (response, done) => {
      const hit = response.data.find((p) => p.head.sha === sha);
      if (hit !== undefined || ++pages === 10) done();
      return hit === undefined ? [] : [hit.number];
    },
  );
  return found;
}

async function comment(at: GitHubRepo, number: number, body: string): Promise<void> {
  await at.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: at.owner,
    repo: at.repo,
    issue_number: number,
    body,
  });
}
