import { withMarker, type RepoTarget } from '#platform';
import { createError } from '../errors.ts';
import type { Recommendation } from '../recommendations.ts';
import { changeOf, describeRecommendation } from './describe-recommendation.ts';
import { editScalingBlock } from './edit-scaling-block.ts';

/** What writing a recommendation's pull request did. */
export type ScalingPull =
  | { did: 'opened' | 'found'; number: number; url: string; branch: string }
  /** Another recommendation's pull request for the agent is open: no second one while it is. */
  | { did: 'open-already'; number: number; url: string; recommendation: string }
  /** The manifest on the default branch already has the proposed bounds. */
  | { did: 'not-needed'; why: string };

/** The label every scaling pull request carries, for reviewers to find them. */
export const scalingLabel = 'scaling';

export const scalingBranchOf = (rec: Pick<Recommendation, 'agentId' | 'id'>) =>
  `wowscaling/${rec.agentId}-${rec.id.slice(0, 8)}`;
const agentMarker = (agentId: string) => `<!-- wowscaling:scaling agent=${agentId}`;
const markerOf = (rec: Pick<Recommendation, 'agentId' | 'id'>) =>
  `${agentMarker(rec.agentId)} recommendation=${rec.id} -->`;

const notFound = (err: unknown) => (err as { status?: unknown }).status === 404;

/**
 * The one pull request changing the agent's `scaling:` to the recommendation's bounds. Its
 * description carries a marker naming the agent and the recommendation: while any pull
 * request with the agent's marker is open, none other is opened (a redelivery finds its
 * own; another recommendation's is reported). Otherwise a branch off the default branch
 * gets one commit (Git Data API) editing only the block (editScalingBlock), and the pull
 * request is opened and labelled `scaling`.
 */
export async function writeScalingPull(at: RepoTarget, rec: Recommendation, agentsDir: string): Promise<ScalingPull> {
  const { client, owner, repo } = at;
  const marker = markerOf(rec);
  const open = await client.paginate('GET /repos/{owner}/{repo}/pulls', { owner, repo, state: 'open', per_page: 100 });
  const own = open.find((p) => p.body?.includes(marker) === true);
  const branch = scalingBranchOf(rec);
  if (own !== undefined) return { did: 'found', number: own.number, url: own.html_url, branch };
  const other = open.find((p) => p.body?.includes(`${agentMarker(rec.agentId)} `) === true);
  if (other !== undefined) {
    const named = /recommendation=([0-9a-f-]{36})/.exec(other.body ?? '')?.[1] ?? 'unknown';
    return { did: 'open-already', number: other.number, url: other.html_url, recommendation: named };
  }

  const { data: repository } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
  const path = `${agentsDir}/${rec.agentId}/agent.yml`;
  const { data: base } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
    owner,
    repo,
    ref: `heads/${repository.default_branch}`,
  });
  const { data: file } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', {
    owner,
    repo,
    path,
    ref: base.object.sha,
  });
  if (Array.isArray(file) || file.type !== 'file' || !('content' in file))
    throw createError('WOW_ERR_SCALING_MANIFEST', { path: `${owner}/${repo}:${path}`, problem: 'it is not a file' });
  const text = Buffer.from(file.content, 'base64').toString('utf8');
  const edited = editScalingBlock(text, rec.agentId, rec.proposed, `${changeOf(rec)}, recommended by WowScaling`);
  if (edited === text)
    return { did: 'not-needed', why: `${path} on ${repository.default_branch} already has the proposed bounds` };

  const { data: baseCommit } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
    owner,
    repo,
    commit_sha: base.object.sha,
  });
  const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', {
    owner,
    repo,
    base_tree: baseCommit.tree.sha,
    tree: [{ path, mode: '100644', type: 'blob', content: edited }],
  });
  const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', {
    owner,
    repo,
    message: `Scaling: ${rec.agentId} ${changeOf(rec)}\n\nRecommended by WowScaling (${rec.id}): ${rec.reason}.`,
    tree: tree.sha,
    parents: [base.object.sha],
  });
  // A branch left by an earlier try whose pull request was not opened is the same recommendation's: it moves.
  const exists = await client
    .request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo, ref: `heads/${branch}` })
    .then(
      () => true,
      (err: unknown) => {
        if (notFound(err)) return false;
        throw err;
      },
    );
  if (exists)
    await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      owner,
      repo,
      ref: `heads/${branch}`,
      sha: commit.sha,
      force: true,
    });
  else
    await client.request('POST /repos/{owner}/{repo}/git/refs', {
      owner,
      repo,
      ref: `refs/heads/${branch}`,
      sha: commit.sha,
    });
  const { data: opened } = await client.request('POST /repos/{owner}/{repo}/pulls', {
    owner,
    repo,
    title: `Scaling: ${rec.agentId} ${changeOf(rec)}`,
    head: branch,
    base: repository.default_branch,
    body: withMarker(describeRecommendation(rec, agentsDir), marker),
  });
  await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
    owner,
    repo,
    issue_number: opened.number,
    labels: [scalingLabel],
  });
  return { did: 'opened', number: opened.number, url: opened.html_url, branch };
}
