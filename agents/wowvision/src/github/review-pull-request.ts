import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { isWowError } from '../../../runtime/src/index.ts';
import type { Advisor } from '../../../../rules/kinds/index.ts';
import type { ReviewCache } from '../cache/review-cache.ts';
import { parseBaseline, type Baseline } from '../engine/baseline.ts';
import { configReview } from '../engine/config-review.ts';
import type { Review } from '../engine/finding.ts';
import { notReviewed } from '../engine/not-reviewed.ts';
import { reviewChange } from '../engine/review-change.ts';
import { findRulePack, packPaths } from '../pack/find-rule-pack.ts';
import type { PackProblem, RulePack } from '../pack/rule-pack.ts';
import { defaultTarballLimits, snapshotFromTarball, type TarballLimits } from '../repo/read-tarball.ts';
import type { RepoSnapshot } from '../repo/repo-snapshot.ts';
import { readRepoFile, type GitHubRepo } from './github-repo.ts';
import { completeCheckRun, findCheckRun, startCheckRun } from './publish-check-run.ts';
import { publishReviewComments, type ReviewCommentsResult } from './publish-review-comments.ts';
import { pullRequestChanges } from './pull-request-changes.ts';

export interface PullRequestRef {
  number: number;
  headSha: string;
  /** The base branch: its rules judge the change. */
  baseRef: string;
}

/** What one process keeps between reviews: per-file results, and the last heads' contents. */
export interface VisionState {
  cache: ReviewCache;
  snapshots: Map<string, Promise<RepoSnapshot>>;
  /** The runtime's model, for advisory rules; undefined when none is configured. */
  advisor?: Advisor | undefined;
  /** How much of a head commit this process reads (default: the configuration's defaults). */
  limits?: TarballLimits | undefined;
}

export interface PullRequestReview {
  checkRunId: number;
  /** Undefined when this head was already reviewed under the same rules (a redelivery). */
  review: Review | undefined;
  /** What the optional pull request review posted, when the pack asks for one. */
  comments?: ReviewCommentsResult;
}

const keptSnapshots = 4;

/**
 * The App's review of a pull request: the rules of the base branch, one check run per
 * head SHA and rule pack (found again by its external id, so a redelivered webhook or a
 * retry never makes a second), the head's contents fetched once, annotations in batches.
 */
export async function reviewPullRequest(
  at: GitHubRepo,
  pull: PullRequestRef,
  state: VisionState,
  options: { rerun: boolean; lastAttempt: boolean },
): Promise<PullRequestReview> {
  const rules = await rulesOfBase(at, pull.baseRef);
  const externalId = `wowvision:${rules.key}`;
  const existing = await findCheckRun(at, pull.headSha, externalId);
  if (existing?.status === 'completed' && !options.rerun) return { checkRunId: existing.id, review: undefined };
  const checkRunId =
    existing !== undefined && existing.status !== 'completed'
      ? existing.id
      : await startCheckRun(at, pull.headSha, externalId);
  try {
    let snapshot: RepoSnapshot;
    try {
      snapshot = await headSnapshot(at, pull.headSha, state);
    } catch (err) {
      // Over a cap the process stops reading and says so; the gate neither passes nor blocks.
      if (!isWowError(err, 'WOW_ERR_VISION_TOO_LARGE')) throw err;
      const review = notReviewed(err.message);
      await completeCheckRun(at, checkRunId, review);
      return { checkRunId, review };
    }
    const changes = await pullRequestChanges(at, pull.number, async (path) =>
      snapshot.blobs.has(path) ? (await snapshot.read(path)).split('\n').length : 0,
    );
    const review =
      'problems' in rules
        ? configReview(rules.problems, changes.length)
        : await reviewChange({
            snapshot,
            changes,
            pack: rules.pack,
            baseline: rules.baseline,
            cache: state.cache,
            advisor: state.advisor,
          });
    // Comments before the run completes: if posting fails, the retry redoes both, and the
    // fingerprints keep a comment from being posted twice.
    const comments =
      'pack' in rules && rules.pack.review.comments
        ? await publishReviewComments(
            at,
            { number: pull.number, headSha: pull.headSha },
            review,
            changes,
            rules.pack.review.maxComments,
          )
        : undefined;
    await completeCheckRun(at, checkRunId, review);
    return { checkRunId, review, ...(comments === undefined ? {} : { comments }) };
  } catch (err) {
    // The bus retries; after the last attempt the run must not stay "in progress" forever,
    // and a gate that could not look must not pass.
    if (options.lastAttempt)
      await completeCheckRun(
        at,
        checkRunId,
        configReview(
          [
            {
              file: '.github/wowvision.yml',
              line: 1,
              column: 1,
              message: `WowVision could not review this change: ${(err as Error).message}. Comment "/wowvision recheck" to try again.`,
            },
          ],
          0,
        ),
      ).catch(() => undefined);
    throw err;
  }
}

type BaseRules = ({ pack: RulePack; baseline: Baseline | undefined } | { problems: PackProblem[] }) & { key: string };

/** The base branch's rule pack (or the org's, or the built-in) and baseline. */
export async function rulesOfBase(at: GitHubRepo, baseRef: string): Promise<BaseRules> {
  const found = await findRulePack((path) => readRepoFile(at, path, baseRef), {
    org: async () => {
      const text = await readRepoFile({ ...at, repo: '.github' }, packPaths[0]);
      return text === undefined ? undefined : { file: `${at.owner}/.github:${packPaths[0]}`, text };
    },
  });
  if ('problems' in found)
    return { problems: found.problems, key: `invalid:${digest(JSON.stringify(found.problems))}` };
  const baselineText =
    found.pack.baseline === undefined ? undefined : await readRepoFile(at, found.pack.baseline, baseRef);
  if (found.pack.baseline !== undefined && baselineText !== undefined) {
    try {
      return {
        pack: found.pack,
        baseline: parseBaseline(baselineText, found.pack.baseline),
        key: `${found.pack.hash}:${digest(baselineText)}`,
      };
    } catch (err) {
      const problems = [{ file: found.pack.baseline, line: 1, column: 1, message: (err as Error).message }];
      return { problems, key: `invalid:${digest(JSON.stringify(problems))}` };
    }
  }
  return { pack: found.pack, baseline: undefined, key: found.pack.hash };
}

/** One download of the head commit per SHA, shared by reruns and concurrent events, read as it arrives. */
async function headSnapshot(at: GitHubRepo, sha: string, state: VisionState): Promise<RepoSnapshot> {
  const key = `${at.owner}/${at.repo}@${sha}`;
  let snapshot = state.snapshots.get(key);
  if (snapshot === undefined) {
    snapshot = at.client
      .request('GET /repos/{owner}/{repo}/tarball/{ref}', {
        owner: at.owner,
        repo: at.repo,
        ref: sha,
        request: { parseSuccessResponseBody: false },
      })
      .then(({ data }) =>
        snapshotFromTarball(Readable.fromWeb(data as ReadableStream<Uint8Array>), state.limits ?? defaultTarballLimits),
      );
    snapshot.catch(() => state.snapshots.delete(key));
    state.snapshots.set(key, snapshot);
    for (const old of [...state.snapshots.keys()].slice(0, Math.max(0, state.snapshots.size - keptSnapshots)))
      state.snapshots.delete(old);
  }
  return snapshot;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
