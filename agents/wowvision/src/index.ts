// WowVision's public entry: the agent the runtime hosts (the App's door: GitHub events
// from the bus) and the engine the CLI and the Action use. Anything not exported here is
// internal to agents/wowvision.
import { defineAgent, githubDelivery } from '#platform';
import { createMemoryCache } from './cache/review-cache.ts';
import { handleGitHubEvent } from './github/handle-github-event.ts';
import { createHeadSnapshots } from './github/head-snapshots.ts';
import type { VisionState } from './github/review-pull-request.ts';

export { reviewLocalRepo, type LocalReview, type LocalReviewOptions } from './local/review-local-repo.ts';
export { reviewChange, type ReviewChangeInput } from './engine/review-change.ts';
export { baselineOf, parseBaseline, type Baseline } from './engine/baseline.ts';
export type { Conclusion, Finding, Review, WaivedFinding } from './engine/finding.ts';
export { formatText, summaryLine } from './report/format-text.ts';
export { inlineCode } from './report/inline-code.ts';
export { toSarif } from './report/to-sarif.ts';
export { checkRunOutput, checkLimits, type Annotation, type CheckRunOutput } from './report/check-run-output.ts';
export { loadRulePack, builtinPackNames } from './pack/load-rule-pack.ts';
export { findRulePack, packPaths } from './pack/find-rule-pack.ts';
export type { Rule, RulePack, PackProblem } from './pack/rule-pack.ts';
export { explainRule } from './report/explain-rule.ts';
export { workingTreeSnapshot } from './repo/open-git-change.ts';
export { snapshotFromTarball, type SizedSnapshot, type TarballLimits } from './repo/read-tarball.ts';
export { snapshotOf, type RepoSnapshot } from './repo/repo-snapshot.ts';
export { overlaySnapshot } from './repo/overlay-snapshot.ts';
export type { FileChange } from './change/parse-diff.ts';
export { fetchMissingCommits } from './repo/fetch-missing-commits.ts';
export { checkName, startCheckRun, completeCheckRun } from './github/publish-check-run.ts';
export type { GitHubRepo } from './github/github-repo.ts';
export { handleGitHubEvent, type VisionOutcome, type VisionPayload } from './github/handle-github-event.ts';
export type { VisionState } from './github/review-pull-request.ts';
export { createHeadSnapshots, type HeadSnapshots, type HeadSnapshotsOptions } from './github/head-snapshots.ts';
export { createMemoryCache, type ReviewCache } from './cache/review-cache.ts';

// Per process: per-file results and heads' contents outlive one event. The heads are bounded
// across the process (github/head-snapshots.ts): two in use at once, finished ones kept up to
// VISION_TARBALL_MAX_BYTES, so at most three times that cap.
let state: VisionState | undefined;

export default defineAgent({
  input: { 'github.*': githubDelivery },
  async handle(ctx, event) {
    const delivery = githubDelivery.parse(event.data);
    if (ctx.github === undefined || delivery.installationId === undefined) {
      ctx.log.warn(
        { event: event.type },
        'WowVision needs the GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET) and an installation to review; skipped',
      );
      return { did: 'ignored' };
    }
    state ??= {
      cache: createMemoryCache(),
      heads: createHeadSnapshots({ keptBytes: ctx.config.vision.tarballMaxBytes, inUse: 2 }),
      limits: {
        maxBytes: ctx.config.vision.tarballMaxBytes,
        maxFiles: ctx.config.vision.tarballMaxFiles,
        maxFileBytes: ctx.config.vision.fileMaxBytes,
      },
    };
    state.advisor = ctx.llm;
    const lastAttempt = ctx.attempt >= ctx.config.bus.maxAttempts;
    const outcome = await handleGitHubEvent(
      ctx.github.forInstallation(delivery.installationId),
      delivery.name,
      delivery.payload,
      state,
      { lastAttempt },
    );
    if (outcome.did === 'reviewed') {
      const { review } = outcome;
      await ctx.emit({
        type: 'vision.review.completed',
        ...(event.subject === undefined ? {} : { subject: event.subject }),
        data: {
          pull: outcome.pull,
          checkRunId: outcome.checkRunId,
          conclusion: review.conclusion,
          findings: review.findings.length,
          errors: review.findings.filter((f) => f.severity === 'error').length,
          waived: review.waived.length,
          baselined: review.baselined.length,
          packHash: review.packHash,
        },
      });
    }
    ctx.log.info(
      {
        outcome: outcome.did,
        ...('pull' in outcome ? { pull: outcome.pull } : {}),
        ...('why' in outcome ? { why: outcome.why } : {}),
      },
      'WowVision handled the event',
    );
    return { did: outcome.did };
  },
});
