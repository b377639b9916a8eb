import type { HandlerContext, PgQueryable, ReplyOf } from '#platform';
import type { z } from 'zod';
import type { healthReportProtocol } from '../health-protocol.ts';
import { healthFigures } from '../incidents/health-figures.ts';
import { openIncidents } from '../incidents/incident-store.ts';
import { defaultHealthPolicy, describeHealth, judgeHealth } from '../incidents/judge-health.ts';

type Report = ReplyOf<typeof healthReportProtocol>;

/**
 * The health report of `agents` at `now`, from the figures and incidents this agent keeps;
 * of every agent with an incident open when `agents` is undefined.
 */
export async function healthReport(db: PgQueryable, agents: readonly string[] | undefined, now: Date): Promise<Report> {
  const figures = new Map((await healthFigures(db, now, defaultHealthPolicy)).map((f) => [f.agentId, f]));
  const incidents = new Map((await openIncidents(db)).map((i) => [i.agentId, i]));
  return {
    agents: [...new Set(agents ?? incidents.keys())].map((id) => {
      const f = figures.get(id);
      const incident = incidents.get(id);
      return {
        id,
        judgement:
          f === undefined ? { state: 'unknown', why: 'no handling on record in the last week' } : judgeHealth(f),
        incident:
          incident === undefined
            ? null
            : {
                openedAt: incident.openedAt.toISOString(),
                issueNumber: incident.issueNumber,
                signals: incident.signals,
                description: describeHealth(incident.latest, incident.signals),
              },
      };
    }),
  };
}

/** Answers analytics.health.report: read-only, so a redelivered request is answered again. */
export function answerHealthReport(
  ctx: HandlerContext<unknown, unknown>,
  request: z.output<typeof healthReportProtocol.input>,
): Promise<Report> {
  return healthReport(ctx.store, request.agents, ctx.clock());
}
