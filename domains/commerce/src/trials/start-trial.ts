import { randomUUID } from 'node:crypto';
import { createEvent, enqueueOutbox, type AgentManifest, type Store } from '#platform';
import { createError } from '../errors.ts';
import { getMembership, organisationsOf, type Organisation } from '../organisations/organisations.ts';
import { customerFacingAgent, servesOrganisation } from './customer-agents.ts';
import { requestFirstTask, trialSource } from './request-first-task.ts';
import { parseTrialAnswers } from './trial-answers.ts';
import { dayOf, findTrial, trialColumns, trialDays, trialOf, type Trial, type TrialRow } from './trials.ts';

/**
 * Who starts a trial: a member (owner or member) of the organisation named by its slug
 * (none: their only organisation), or the organisation itself through one of its API keys.
 */
export type TrialStarter = { userId: string; organisation?: string | undefined } | { organisation: Organisation };

export interface StartedTrial {
  trial: Trial;
  /** The task of the personalised first deliverable; undefined when the agent declares no task type. */
  firstTask: { taskId: string; taskType: string } | undefined;
}

/** The organisation the starter acts for, checked: a member's, or WOW_ERR_NOT_MEMBER / a field error. */
async function organisationOf(store: Store, by: TrialStarter): Promise<Organisation & { userId: string | null }> {
  if (!('userId' in by)) return { ...by.organisation, userId: null };
  if (by.organisation !== undefined && by.organisation !== '')
    return { ...(await getMembership(store, by.organisation, by.userId)), userId: by.userId };
  const memberships = await organisationsOf(store, by.userId);
  const [only] = memberships;
  if (memberships.length === 1 && only !== undefined) return { ...only, userId: by.userId };
  if (memberships.length === 0) throw createError('WOW_ERR_NOT_MEMBER', { organisation: '(none)' });
  // Several: the form (or the API call) says which, as a field to fix.
  const message = 'Choose the organisation the trial is for';
  throw createError(
    'WOW_ERR_ACCOUNT_INPUT',
    { problems: `organisation: ${message}` },
    { data: { errors: [{ field: 'organisation', message }] } },
  );
}

/**
 * Starts the organisation's one 7-day trial of a customer-facing agent with the
 * questionnaire's answers, and asks the agent for its personalised first deliverable. One
 * transaction: the trial, `commerce.trial.started` and `customer.task.requested` are
 * written together or not at all. A second trial of the same agent is WOW_ERR_TRIAL_EXISTS,
 * decided by the table's unique key, so two requests at once start one trial.
 */
export async function startTrial(
  store: Store,
  request: {
    agents: readonly AgentManifest[];
    agentId: string;
    by: TrialStarter;
    fields: Record<string, unknown>;
    now: Date;
  },
): Promise<StartedTrial> {
  const agent = customerFacingAgent(request.agents, request.agentId);
  const organisation = await organisationOf(store, request.by);
  // Another organisation's custom agent is refused as an unknown one: its existence is that organisation's business.
  if (!servesOrganisation(agent, organisation.id))
    throw createError('WOW_ERR_TRIAL_AGENT', { agentId: request.agentId.slice(0, 64) });
  const answers = parseTrialAnswers(request.fields);
  const endsAt = new Date(request.now.getTime() + trialDays * 86_400_000);
  return store.transaction(async (tx) => {
    const inserted = await tx.query<TrialRow>(
      `insert into commerce_trials (id, organisation_id, agent_id, started_by, started_at, ends_at, industry, goals, audience, tone, good_result)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (organisation_id, agent_id) do nothing
       returning ${trialColumns}`,
      [
        randomUUID(),
        organisation.id,
        agent.id,
        organisation.userId,
        request.now,
        endsAt,
        answers.industry,
        answers.goals,
        answers.audience,
        answers.tone,
        answers.goodResult,
      ],
    );
    const row = inserted.rows[0];
    if (row === undefined) {
      // Another request's trial, committed first (the insert waited for it).
      const existing = await findTrial(tx, organisation.id, agent.id);
      throw createError('WOW_ERR_TRIAL_EXISTS', {
        organisation: organisation.name,
        agentId: agent.id,
        startedAt: existing === undefined ? 'earlier' : dayOf(existing.startedAt),
        ending:
          existing === undefined
            ? 'still on record'
            : `${new Date(existing.endsAt) > request.now ? 'ends' : 'ended'} ${dayOf(existing.endsAt)}`,
      });
    }
    const trial = trialOf(row);
    await enqueueOutbox(
      tx,
      createEvent({
        source: trialSource,
        type: 'commerce.trial.started',
        subject: trial.id,
        partitionkey: organisation.id,
        customer: organisation.slug,
        data: { trialId: trial.id, organisationId: organisation.id, agentId: agent.id, endsAt: trial.endsAt },
      }),
    );
    const task = await requestFirstTask(tx, {
      organisationId: organisation.id,
      organisationSlug: organisation.slug,
      agent,
      answers,
    });
    if (task === undefined) return { trial, firstTask: undefined };
    await tx.query('update commerce_trials set first_task_id = $2 where id = $1', [trial.id, task.taskId]);
    return {
      trial: { ...trial, firstTaskId: task.taskId },
      firstTask: { taskId: task.taskId, taskType: task.taskType },
    };
  });
}
