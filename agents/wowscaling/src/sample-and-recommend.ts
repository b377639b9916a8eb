import { fileURLToPath } from 'node:url';
import type { ScheduleContext } from '#platform';
import { openScalingPull } from './apply/scaling-apply.ts';
import { recommendScaling, type RecommendRound } from './decide/recommend-scaling.ts';
import { openRecommendations } from './recommendations.ts';
import type { ScalingSettings } from './scaling-settings.ts';
import { pruneSamples } from './sampling/sample-store.ts';
import { readServiceLevels } from './sampling/service-levels.ts';
import { takeSamples } from './sampling/take-samples.ts';

/** The agents' folders in this checkout, where each one's questionnaire (its service level) is read. */
export const checkoutAgentsDir = fileURLToPath(new URL('../../', import.meta.url));

export type ScalingContext = ScheduleContext<ScalingSettings, unknown>;

/**
 * The schedule's round: every registered agent sampled (the registry, the bus, the health
 * figures), recommendations decided and announced as `scaling.recommended`, and — with a
 * repository configured and WOWSCALING_AUTO_PULL — each open recommendation without a pull
 * request gets one (a failure is logged and tried again next round). Old samples are pruned.
 */
export async function sampleAndRecommend(ctx: ScalingContext, agentsDir = checkoutAgentsDir): Promise<RecommendRound> {
  const now = ctx.clock();
  const agents = await ctx.agents();
  const samples = await takeSamples(
    {
      db: ctx.store,
      agents,
      busStats: await ctx.busStats(),
      serviceLevels: await readServiceLevels(
        agentsDir,
        agents.map((a) => a.id),
      ),
      latencyWindowMinutes: ctx.settings.latencyWindowMinutes,
    },
    now,
  );
  const round = await recommendScaling(ctx.store, samples, ctx.settings, now, (tx, rec) =>
    ctx.emit(
      {
        type: 'scaling.recommended',
        subject: rec.agentId,
        data: {
          id: rec.id,
          agent: rec.agentId,
          direction: rec.direction,
          reason: rec.reason.slice(0, 500),
          current: rec.current,
          proposed: rec.proposed,
          samples: rec.evidence.length,
          at: rec.createdAt,
        },
      },
      { tx },
    ),
  );
  for (const rec of round.recommended)
    ctx.log.info(
      { agent: rec.agentId, direction: rec.direction, proposed: rec.proposed },
      `scaling recommended: ${rec.reason}`,
    );
  for (const c of round.closed)
    ctx.log.info({ agent: c.agentId, recommendation: c.id }, `scaling recommendation ${c.state}`);
  if (ctx.settings.autoPull && ctx.settings.repository !== undefined)
    for (const rec of await openRecommendations(ctx.store))
      if (rec.pull === null)
        await openScalingPull(ctx, rec).catch((err: unknown) =>
          ctx.log.warn(
            { err, agent: rec.agentId, recommendation: rec.id },
            'scaling pull request not opened; next round tries again',
          ),
        );
  const pruned = await pruneSamples(ctx.store, new Date(now.getTime() - ctx.settings.retentionDays * 86_400_000));
  if (pruned > 0) ctx.log.info({ pruned }, 'pruned scaling samples past their retention');
  return round;
}
