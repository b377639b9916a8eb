import type { PgQueryable } from '#platform';
import type { TrialAnswers } from './trial-answers.ts';

/** How long a trial lasts. */
export const trialDays = 7;

export type TrialState = 'active' | 'ended' | 'converted';

/** An organisation's trial of an agent, with the answers it started with. */
export interface Trial {
  id: string;
  organisationId: string;
  agentId: string;
  startedBy: string | null;
  startedAt: string;
  endsAt: string;
  state: TrialState;
  endedAt: string | null;
  firstTaskId: string | null;
  answers: TrialAnswers;
}

export interface TrialRow extends Record<string, unknown> {
  id: string;
  organisation_id: string;
  agent_id: string;
  started_by: string | null;
  started_at: Date;
  ends_at: Date;
  state: TrialState;
  ended_at: Date | null;
  first_task_id: string | null;
  industry: string;
  goals: string;
  audience: string;
  tone: string;
  good_result: string;
}

export const trialColumns =
  'id, organisation_id, agent_id, started_by, started_at, ends_at, state, ended_at, first_task_id, industry, goals, audience, tone, good_result';

const iso = (d: Date | string) => new Date(d).toISOString();

export const trialOf = (r: TrialRow): Trial => ({
  id: r.id,
  organisationId: r.organisation_id,
  agentId: r.agent_id,
  startedBy: r.started_by,
  startedAt: iso(r.started_at),
  endsAt: iso(r.ends_at),
  state: r.state,
  endedAt: r.ended_at === null ? null : iso(r.ended_at),
  firstTaskId: r.first_task_id,
  answers: { industry: r.industry, goals: r.goals, audience: r.audience, tone: r.tone, goodResult: r.good_result },
});

/** The organisation's trial of the agent, or undefined. */
export async function findTrial(db: PgQueryable, organisationId: string, agentId: string): Promise<Trial | undefined> {
  const { rows } = await db.query<TrialRow>(
    `select ${trialColumns} from commerce_trials where organisation_id = $1 and agent_id = $2`,
    [organisationId, agentId.slice(0, 64)],
  );
  return rows[0] === undefined ? undefined : trialOf(rows[0]);
}

/** The organisation's trials, newest first. */
export async function trialsOf(db: PgQueryable, organisationId: string): Promise<Trial[]> {
  const { rows } = await db.query<TrialRow>(
    `select ${trialColumns} from commerce_trials where organisation_id = $1 order by started_at desc, agent_id`,
    [organisationId],
  );
  return rows.map(trialOf);
}

/** A date as the pages and mails say it, in UTC: "8 December 2026". */
export const dayOf = (when: string | Date): string =>
  new Date(when).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
