// WowSecurity: watches every security violation the platform refuses, opens one incident
// per burst, suspends an agent that keeps offending, and records capability approvals from
// /approve comments. The platform publishes each violation it counts as `security.violation`
// (platform/identity/report-violations.ts); this agent keeps them per offender in bursts,
// with an issue in WOWSECURITY_REPO each, and suspends through `ctx.identity`.
import {
  defineAgent,
  githubEvent,
  securityViolationSource,
  type HandlerContext,
  type ScheduleContext,
  type SecurityViolationData,
} from '#platform';
import { answerApproveComment } from './approvals/answer-approve-comment.ts';
import { endQuietIncidents } from './incidents/end-incidents.ts';
import { handleViolation } from './incidents/handle-violation.ts';
import { pruneViolations } from './incidents/incident-store.ts';
import { openMissingIssues } from './incidents/open-missing-issues.ts';
import type { IssueRepo } from './incidents/incident-issue.ts';
import { violationInput } from './incidents/violation-input.ts';
import { securitySettings, type SecuritySettings } from './security-settings.ts';

// Tests drive the work directly, as the schedule and the handlers do.
export { handleViolation, type ViolationDeps, type ViolationOutcome } from './incidents/handle-violation.ts';
export { endQuietIncidents } from './incidents/end-incidents.ts';
export { openMissingIssues } from './incidents/open-missing-issues.ts';
export { pruneViolations } from './incidents/incident-store.ts';
export { answerApproveComment, type ApproveComment, type ApproveOutcome } from './approvals/answer-approve-comment.ts';
export { securitySettings, type SecuritySettings } from './security-settings.ts';

type Context = HandlerContext<SecuritySettings, undefined> | ScheduleContext<SecuritySettings, undefined>;

/** WOWSECURITY_REPO through the App's installation there (no webhook started this work); undefined without either. */
async function incidentRepo(ctx: Context): Promise<IssueRepo | undefined> {
  const { repo } = ctx.settings;
  if (repo === undefined || ctx.githubApp === undefined) return undefined;
  return { client: await ctx.githubApp.forRepository(repo.owner, repo.repo), ...repo };
}

async function receiveViolation(ctx: HandlerContext<SecuritySettings, undefined>, data: SecurityViolationData) {
  // Only the platform reports violations: an agent declaring the type could otherwise have another suspended.
  if (ctx.event.source !== securityViolationSource) {
    ctx.log.warn({ source: ctx.event.source.slice(0, 120) }, 'security.violation not from the platform; ignored');
    return { did: 'ignored' };
  }
  return handleViolation(
    {
      store: ctx.store,
      log: ctx.log,
      once: ctx.once,
      identity: ctx.identity,
      github: await incidentRepo(ctx),
      settings: ctx.settings,
      self: ctx.agentId,
    },
    ctx.event.id,
    data,
    ctx.clock(),
  );
}

export default defineAgent({
  settings: securitySettings,
  on: {
    'security.violation': { input: violationInput, handle: receiveViolation },
    'github.issue_comment.created': {
      input: githubEvent<'issue_comment.created'>(),
      async handle(ctx, { payload }) {
        if (ctx.github === undefined) return { did: 'ignored' };
        return answerApproveComment(
          {
            github: ctx.github,
            identity: ctx.identity,
            approvers: ctx.settings.approvers,
            deskRepo: ctx.settings.support.repo,
          },
          {
            owner: payload.repository.owner.login,
            repo: payload.repository.name,
            issue: payload.issue.number,
            commentId: payload.comment.id,
            login: payload.comment.user?.login ?? '',
            isBot: payload.comment.user?.type === 'Bot' || payload.sender.type === 'Bot',
            body: payload.comment.body,
          },
        );
      },
    },
  },
  every: {
    // Ends bursts quiet for WOWSECURITY_QUIET_SECONDS and closes their issues; opens the
    // issue of a burst whose first delivery could not.
    issues: {
      interval: 60_000,
      async handle(ctx) {
        const deps = {
          db: ctx.store,
          log: ctx.log,
          github: await incidentRepo(ctx),
          quietSeconds: ctx.settings.quietSeconds,
        };
        const now = ctx.clock();
        const closed = await endQuietIncidents(deps, now);
        const opened = await openMissingIssues(deps, now);
        if (closed.length + opened.length > 0)
          ctx.log.info({ closed, opened }, 'security incident issues brought up to date');
      },
    },
    // Violations of ended bursts are kept 30 days: the issues keep the story, the window needs minutes.
    prune: {
      interval: 3_600_000,
      async handle(ctx) {
        const dropped = await pruneViolations(ctx.store, new Date(ctx.clock().getTime() - 30 * 86_400_000));
        if (dropped > 0) ctx.log.info({ dropped }, 'pruned security violations of ended bursts');
      },
    },
  },
});
