import { randomUUID } from 'node:crypto';
import { createEvent, enqueueOutbox, type AgentManifest, type PgQueryable } from '#platform';
import type { TrialAnswers } from './trial-answers.ts';

/** The trials' events (commerce.trial.*, and the first task they ask for): written by whichever process starts or ends a trial. */
export const trialSource = 'wow/commerce-trials';

export interface FirstTask {
  taskType: string;
  input: Record<string, string>;
}

// `goodResult`, `good_result`, `good-result` and `Goals`/`goal` name the same thing.
const keyOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/s$/, '');

/** The answer as the property's schema takes it: a string property, cut to its maxLength; undefined when it cannot fit. */
function fitted(schema: unknown, value: string): string | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const s = schema as {
    type?: unknown;
    enum?: unknown;
    pattern?: unknown;
    format?: unknown;
    maxLength?: unknown;
    minLength?: unknown;
  };
  const types = Array.isArray(s.type) ? s.type : [s.type ?? 'string'];
  if (!types.includes('string') || s.format !== undefined) return undefined;
  const text = typeof s.maxLength === 'number' ? Array.from(value).slice(0, s.maxLength).join('') : value;
  if (typeof s.minLength === 'number' && text.length < s.minLength) return undefined;
  if (Array.isArray(s.enum) && !s.enum.includes(text)) return undefined;
  if (typeof s.pattern === 'string') {
    try {
      if (!new RegExp(s.pattern, 'u').test(text)) return undefined;
    } catch {
      return undefined;
    }
  }
  return text;
}

/**
 * The agent's first task type (the first in its agent.yml `tasks:`) with the questionnaire's
 * answers put where its input schema has a field of the same name (industry, goals,
 * audience, tone, goodResult, in any case or separator) and a string fits; undefined when
 * the agent declares no task. Fields the answers do not fill stay for the agent to ask.
 */
export function firstTaskOf(agent: AgentManifest, answers: TrialAnswers): FirstTask | undefined {
  const [entry] = Object.entries(agent.tasks ?? {});
  if (entry === undefined) return undefined;
  const [taskType, terms] = entry;
  const byKey = new Map((Object.keys(answers) as (keyof TrialAnswers)[]).map((name) => [keyOf(name), answers[name]]));
  const input: Record<string, string> = {};
  for (const [property, schema] of Object.entries(terms.input.properties)) {
    const value = byKey.get(keyOf(property));
    const text = value === undefined ? undefined : fitted(schema, value);
    if (text !== undefined) input[property] = text;
  }
  return { taskType, input };
}

/**
 * Asks the agent for the trial's personalised first deliverable: `customer.task.requested`
 * through the outbox, in the caller's transaction (so it goes out exactly when the trial is
 * stored). The one place a trial creates work: the Service Flow's task creation can take
 * over here, keeping the signature. Returns the task, or undefined when the agent has no task type.
 */
export async function requestFirstTask(
  tx: PgQueryable,
  request: { organisationId: string; organisationSlug: string; agent: AgentManifest; answers: TrialAnswers },
): Promise<(FirstTask & { taskId: string }) | undefined> {
  const task = firstTaskOf(request.agent, request.answers);
  if (task === undefined) return undefined;
  const taskId = randomUUID();
  await enqueueOutbox(
    tx,
    createEvent({
      source: trialSource,
      type: 'customer.task.requested',
      subject: taskId,
      partitionkey: taskId,
      customer: request.organisationSlug,
      data: {
        taskId,
        organisationId: request.organisationId,
        agentId: request.agent.id,
        taskType: task.taskType,
        input: task.input,
      },
    }),
  );
  return { taskId, ...task };
}
