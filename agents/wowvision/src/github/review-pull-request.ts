import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { isWowError } from '#platform';
import type { Advisor } from '../kinds/index.ts';
import type { ReviewCache } from '../cache/review-cache.ts';
import type { Baseline } from '../engine/baseline.ts';
import { parseBaseline } from '../engine/parse-baseline.ts';
import { configReview } from '../engine/config-review.ts';
import type { FileChange } from '../change/parse-diff.ts';
import type { Review } from '../engine/finding.ts';
import { notReviewed } from '../engine/not-reviewed.ts';
import { reviewChange } from '../engine/review-change.ts';
import { findRulePack, packPaths } from '../pack/find-rule-pack.ts';
import type { PackProblem, RulePack } from '../pack/rule-pack.ts';
import { inlineCode } from '../report/inline-code.ts';
import {
  defaultTarballLimits,
  snapshotFromTarball,
  type SizedSnapshot,
  type TarballLimits,
} from '../repo/read-tarball.ts';
import { readRepoFile, type GitHubRepo } from './github-repo.ts';
import type { HeadSnapshots } from './head-snapshots.ts';
import { completeCheckRun, findCheckRun, startCheckRun } from './publish-check-run.ts';
import { publishReviewComments, type ReviewCommentsResult } from './publish-review-comments.ts';
import { changesOf, listedAtMost, listPullRequestFiles } from './pull-request-changes.ts';
import { readMissingFiles } from './read-missing-files.ts';

export interface PullRequestRef {
  number: number;
  headSha: string;
  /** The base branch: its rules judge the change. */
  baseRef: string;
}

/** What one process keeps between reviews: per-file results, and heads' contents (bounded). */
export interface VisionState {
  cache: ReviewCache;
  heads: HeadSnapshots;
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
    const limits = state.limits ?? defaultTarballLimits;
    let judged: { review: Review; changes: FileChange[] };
    try {
      judged = await state.heads.use(
        `${at.owner}/${at.repo}@${pull.headSha}`,
        () => downloadHead(at, pull.headSha, limits),
        (head) => judge(at, pull, head, rules, state, limits),
      );
    } catch (err) {
      // Over a cap the process stops reading and says so; what was not reviewed must not pass.
      if (!isWowError(err, 'WOW_ERR_VISION_TOO_LARGE')) throw err;
      const setting = typeof err.data?.setting === 'string' ? err.data.setting : 'a size cap';
      judged = { review: notReviewed(`Not reviewed: over a size cap (${setting})`, err.message), changes: [] };
    }
    const { review, changes } = judged;
    // Comments before the run completes: if posting fails, the retry redoes both, and the
    // fingerprints keep a comment from being posted twice. A change not reviewed has fixed
    // nothing, so its findings' threads stay as they are.
    const comments =
      'pack' in rules && rules.pack.review.comments && review.notReviewed === undefined
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
    // As Probot's config reads `_extends`: the owner and path default to this repository's, and
    // another repository is read on its default branch (only this one's base judges the change).
    repository: async (ref) => {
      const from = { ...at, owner: ref.owner ?? at.owner, repo: ref.repo };
      const path = ref.path ?? packPaths[0];
      const text = await readRepoFile(from, path);
      return text === undefined
        ? undefined
        : { file: `${from.owner}/${from.repo}:${path}`, text, home: { owner: from.owner, repo: from.repo } };
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

/**
 * The change judged on its head: every file GitHub lists for the pull request, each read
 * from the head's tarball or, when the tarball leaves it out, by its blob SHA. A listing
 * shorter than the pull request, or a file that cannot be read, is a failure that reviews
 * nothing, never a pass over what was not seen.
 */
async function judge(
  at: GitHubRepo,
  pull: PullRequestRef,
  head: SizedSnapshot,
  rules: BaseRules,
  state: VisionState,
  limits: TarballLimits,
): Promise<{ review: Review; changes: FileChange[] }> {
  const listing = await listPullRequestFiles(at, pull.number);
  if (listing.files.length < listing.changedFiles) {
    const [listed, changed] = [listing.files.length, listing.changedFiles].map((n) => n.toLocaleString('en-US'));
    const why =
      listing.files.length >= listedAtMost
        ? `GitHub's files API lists at most ${listed} files of a pull request, and this one changes ${changed}, ` +
          'so WowVision cannot see them all. Split the change into smaller pull requests, ' +
          'or review it with the WowVision Action or `wow review`, which read a checkout.'
        : `GitHub listed ${listed} of the ${changed} files this pull request changes. Comment \`/wowvision recheck\` to try again.`;
    return {
      review: notReviewed(`Not reviewed: GitHub listed ${listed} of the ${changed} changed files`, why),
      changes: [],
    };
  }
  const missing = listing.files.filter((f) => f.status !== 'removed' && !head.blobs.has(f.path));
  const { snapshot, unread } = await readMissingFiles(at, head, missing, limits);
  if (unread.length > 0) return { review: unreadFiles(unread), changes: [] };
  const changes = await changesOf(listing.files, async (path) =>
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
          readBase: (path) => readRepoFile(at, path, pull.baseRef),
        });
  return { review, changes };
}

/** A failure naming the changed files GitHub would not serve (at most 50 listed). */
function unreadFiles(unread: readonly { path: string; why: string }[]): Review {
  const one = unread.length === 1;
  const list = unread.slice(0, 50).map((u) => `- ${inlineCode(u.path, 300)}: ${u.why}`);
  if (unread.length > list.length) list.push(`- …and ${unread.length - list.length} more`);
  const [files, they, them] = one
    ? ['1 file', 'it is', 'it by its']
    : [`${unread.length} files`, 'they are', 'them by their'];
  return notReviewed(
    `Not reviewed: ${one ? '1 changed file' : `${unread.length} changed files`} could not be read`,
    [
      `it could not read ${files} this pull request changes: ${they} not in the tarball GitHub serves ` +
        "for the head commit (a path the head's `.gitattributes` marks `export-ignore`, or a submodule), " +
        `and GitHub's blob API did not serve ${them} SHA.`,
      '',
      ...list,
      '',
      'Comment `/wowvision recheck` to try again. A submodule cannot be read here: ' +
        'review such a change with the WowVision Action or `wow review`, which read a checkout.',
    ].join('\n'),
  );
}

/** The head commit as GitHub serves it, one download read as it arrives, under the caps. */
async function downloadHead(at: GitHubRepo, sha: string, limits: TarballLimits): Promise<SizedSnapshot> {
  const { data } = await at.client.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
    owner: at.owner,
    repo: at.repo,
    ref: sha,
    request: { parseSuccessResponseBody: false },
  });
  return snapshotFromTarball(Readable.fromWeb(data as ReadableStream<Uint8Array>), limits);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
