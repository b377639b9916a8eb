import { randomUUID } from 'node:crypto';
import { readSql, type PgQueryable } from '#platform';
import type { IncidentDeps, IncidentOutcome } from './check-incidents.ts';
import { judgeHealth, type HealthPolicy, type Judgement } from './judge-health.ts';
import { decidingWindows, remedyVerdict } from './remedy-verdict.ts';

const sql = {
  applied: readSql(import.meta.url, 'select-applied-remedies'),
  windows: readSql(import.meta.url, 'select-remedy-windows'),
};

/** A playbook's remedy WowSupport applied, waiting for this agent's verdict. */
export interface AppliedRemedy {
  /** The run's id: its incident's, or the error's it was run for. */
  incidentId: string;
  agentId: string;
  playbook: string;
  remedy: string;
  appliedAt: Date;
  /** How many windows after it the agent has to be back within its baseline. */
  verifyWindows: number;
  /** Run for an incident of this agent's (still open), rather than for an error with none. */
  incident: boolean;
}

async function appliedRemedies(db: PgQueryable): Promise<AppliedRemedy[]> {
  const { rows } = await db.query<{
    incident_id: string;
    agent_id: string;
    playbook: string;
    remedy: string;
    applied_at: Date;
    verify_windows: number;
    incident: boolean;
  }>(sql.applied);
  return rows.map((r) => ({
    incidentId: r.incident_id,
    agentId: r.agent_id,
    playbook: r.playbook,
    remedy: r.remedy,
    appliedAt: new Date(r.applied_at),
    verifyWindows: r.verify_windows,
    incident: r.incident,
  }));
}

/** The agent's judgement in each of the first `count` whole windows after the remedy. */
async function judgedWindows(
  db: PgQueryable,
  remedy: AppliedRemedy,
  count: number,
  policy: HealthPolicy,
): Promise<Judgement[]> {
  const { rows } = await db.query<{
    base_handled: number;
    base_failed: number;
    base_ms: number;
    cur_handled: number;
    cur_failed: number;
    cur_ms: number;
  }>(sql.windows, [remedy.agentId, remedy.appliedAt.toISOString(), policy.windowMinutes, count, policy.baselineHours]);
  const span = (handled: number, failed: number, ms: number) => ({
    handled,
    errorRate: handled === 0 ? 0 : failed / handled,
    meanMs: handled === 0 ? 0 : ms / handled,
  });
  return rows.map((r) =>
    judgeHealth(
      {
        agentId: remedy.agentId,
        baseline: span(r.base_handled, r.base_failed, r.base_ms),
        current: span(r.cur_handled, r.cur_failed, r.cur_ms),
      },
      policy,
    ),
  );
}

const inWords = (j: Judgement) => (j.state === 'unknown' ? `too little traffic to tell recovery: ${j.why}` : j.summary);

/**
 * Every remedy WowSupport applied and WowAnalytics has not judged, over the whole windows
 * after it, by one rule (remedyVerdict). No recovery: support.incident.unrecovered, for
 * WowSupport to undo it and take it to L3. Recovery of a remedy no incident stands behind
 * (a dead letter's redrive): support.remedy.recovered; an incident's remedy that helped is
 * told by the incident closing (support.incident.resolved names the fix). Each verdict once,
 * however many looks reach it; the run then leaves `applied`, and the looks stop judging it.
 */
export async function judgeRemedies(deps: IncidentDeps, now: Date, policy: HealthPolicy): Promise<IncidentOutcome[]> {
  const outcomes: IncidentOutcome[] = [];
  for (const remedy of await appliedRemedies(deps.store)) {
    const whole = Math.floor((now.getTime() - remedy.appliedAt.getTime()) / (policy.windowMinutes * 60_000));
    const count = Math.min(whole, decidingWindows({ ...policy, verifyWindows: remedy.verifyWindows }));
    if (count < 1) continue;
    const windows = await judgedWindows(deps.store, remedy, count, policy);
    const verdict = remedyVerdict(
      windows.map((w) => w.state),
      { verifyWindows: remedy.verifyWindows, healthyChecksToClose: policy.healthyChecksToClose },
    );
    if (verdict.verdict === 'pending' || (verdict.verdict === 'recovered' && remedy.incident)) continue;
    const last = windows[verdict.window - 1];
    const judgement = (last === undefined ? 'not judged' : inWords(last)).slice(0, 1000);
    const type = verdict.verdict === 'unrecovered' ? 'support.incident.unrecovered' : 'support.remedy.recovered';
    const token = randomUUID();
    const toldBy = await deps.once(`incident:${remedy.incidentId}:${verdict.verdict}`, async (tx) => {
      await deps.emit(
        {
          type,
          subject: remedy.incidentId,
          partitionkey: remedy.agentId,
          data: {
            incidentId: remedy.incidentId,
            agentId: remedy.agentId,
            playbook: remedy.playbook,
            remedy: remedy.remedy,
            windows: remedy.verifyWindows,
            judgement,
          },
        },
        { tx },
      );
      return token;
    });
    if (toldBy !== token) continue;
    const base = { agentId: remedy.agentId, incidentId: remedy.incidentId, remedy: remedy.remedy };
    if (verdict.verdict === 'unrecovered') {
      deps.log.warn(
        { agent: remedy.agentId, incident: remedy.incidentId, remedy: remedy.remedy },
        'remedy did not help',
      );
      outcomes.push({ ...base, did: 'unrecovered' });
    } else {
      deps.log.info({ agent: remedy.agentId, run: remedy.incidentId, remedy: remedy.remedy }, 'remedy helped');
      outcomes.push({ ...base, did: 'remedy-recovered' });
    }
  }
  return outcomes;
}
