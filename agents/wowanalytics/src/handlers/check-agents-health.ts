import type { ScheduleContext } from '#platform';
import type { AnalyticsSettings, AnalyticsState } from '../analytics-settings.ts';
import { checkIncidents } from '../incidents/check-incidents.ts';

/**
 * The `check` schedule: one look at every agent's health, run once per interval across
 * every runtime hosting WowAnalytics. Incident issues open in SUPPORT_REPO through the
 * App's installation there (no webhook started this work); without either, incidents are
 * still kept, announced and told to customers.
 */
export async function checkAgentsHealth(ctx: ScheduleContext<AnalyticsSettings, AnalyticsState>): Promise<void> {
  const { repo } = ctx.settings.support;
  const client =
    repo === undefined || ctx.githubApp === undefined
      ? undefined
      : await ctx.githubApp.forRepository(repo.owner, repo.repo);
  await checkIncidents(
    {
      store: ctx.store,
      log: ctx.log,
      once: ctx.once,
      emit: ctx.emit,
      reportFailureRate: ctx.reportFailureRate,
      github: client === undefined || repo === undefined ? undefined : { client, ...repo },
      send: ctx.state.send,
      recheckSeconds: Math.min(30, ctx.settings.checkSeconds / 2),
    },
    ctx.clock(),
  );
}
