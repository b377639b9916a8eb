// WowVision's public entry: the agent the runtime hosts (the App's door: GitHub events
// from the bus) and the engine the CLI and the Action use (also alone in engine.ts, for
// doors that must start fast). Anything not exported here is internal to agents/wowvision.
import { z } from 'zod';
import { defineAgent, githubDelivery, type HandlerContext, type SetupContext } from '#platform';
import { createMemoryCache } from './engine.ts';
import { handleGitHubEvent } from './github/handle-github-event.ts';
import { createHeadSnapshots } from './github/head-snapshots.ts';
import type { VisionState } from './github/review-pull-request.ts';
import { defaultTarballLimits } from './repo/read-tarball.ts';

export * from './engine.ts';
export { fetchMissingCommits } from './repo/fetch-missing-commits.ts';
export { checkName, startCheckRun, completeCheckRun } from './github/publish-check-run.ts';
export type { GitHubRepo } from './github/github-repo.ts';
export { handleGitHubEvent, type VisionOutcome, type VisionPayload } from './github/handle-github-event.ts';
export type { VisionState } from './github/review-pull-request.ts';
export { createHeadSnapshots, type HeadSnapshots, type HeadSnapshotsOptions } from './github/head-snapshots.ts';

/** Positive whole numbers up to `max`, from the agent's WOWVISION_* variables. */
const cap = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * The caps on the head commit the App downloads (the Action and the CLI read a checkout):
 * WOWVISION_TARBALL_MAX_BYTES, WOWVISION_TARBALL_MAX_FILES, WOWVISION_FILE_MAX_BYTES.
 */
const settings = z.object({
  tarballMaxBytes: cap(4 * 1024 ** 3, defaultTarballLimits.maxBytes),
  tarballMaxFiles: cap(10_000_000, defaultTarballLimits.maxFiles),
  fileMaxBytes: cap(1024 ** 3, defaultTarballLimits.maxFileBytes),
});
type Settings = z.infer<typeof settings>;

async function review(
  ctx: HandlerContext<Settings, VisionState>,
  delivery: z.infer<typeof githubDelivery>,
): Promise<{ did: string }> {
  if (ctx.github === undefined) {
    ctx.log.warn(
      { event: ctx.delivery.type },
      'WowVision needs the GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET) and an installation to review; skipped',
    );
    return { did: 'ignored' };
  }
  const outcome = await handleGitHubEvent(ctx.github, delivery.name, delivery.payload, ctx.state, {
    lastAttempt: ctx.delivery.isLastAttempt,
  });
  if (outcome.did === 'reviewed') {
    const { review } = outcome;
    await ctx.emit({
      type: 'vision.review.completed',
      ...(ctx.event.subject === undefined ? {} : { subject: ctx.event.subject }),
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
}

export default defineAgent({
  settings,
  // Per-file results and heads' contents outlive one event. The heads are bounded across the
  // agent (github/head-snapshots.ts): two in use at once, finished ones kept up to
  // WOWVISION_TARBALL_MAX_BYTES, so at most three times that cap.
  setup: (ctx: SetupContext<Settings>): VisionState => ({
    cache: createMemoryCache(),
    heads: createHeadSnapshots({ keptBytes: ctx.settings.tarballMaxBytes, inUse: 2 }),
    limits: {
      maxBytes: ctx.settings.tarballMaxBytes,
      maxFiles: ctx.settings.tarballMaxFiles,
      maxFileBytes: ctx.settings.fileMaxBytes,
    },
    advisor: ctx.llm,
  }),
  on: { 'github.*': { input: githubDelivery, handle: review } },
});
