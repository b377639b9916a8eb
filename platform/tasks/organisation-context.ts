import type { AgentMemory } from '../memory/create-agent-memory.ts';
import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';
import type { TaskDeliverable } from './encode-deliverables.ts';

const sql = {
  past: readSql(import.meta.url, 'select-past-deliverables'),
  feedback: readSql(import.meta.url, 'select-feedback'),
  business: readSql(import.meta.url, 'select-business-context'),
  parent: readSql(import.meta.url, 'select-parent-deliverables'),
};

/** What an agent knows of the organisation it works for: its business (the trial's questionnaire), its past deliverables and its ratings. */
export interface OrganisationContext {
  industry?: string;
  goals?: string;
  audience?: string;
  tone?: string;
  goodResult?: string;
  pastDeliverables: { taskId: string; taskType: string; name: string; excerpt: string }[];
  feedback: { taskId: string; stars: number }[];
}

/** The customer memory fact the trial's questionnaire is kept under (WowMemory's `forCustomer().remember(...)`). */
export const businessContextKey = 'business-context';

// Bounded so that a prompt built from the context stays small whatever the organisation has done.
export const contextLimits = { answerChars: 500, pastDeliverables: 5, excerptChars: 500, feedback: 10 } as const;

const answers = ['industry', 'goals', 'audience', 'tone', 'goodResult'] as const;
const lenient = new TextDecoder('utf-8');

/**
 * The organisation's context for one task of `agentId`, read as the platform, not as the
 * agent: the customer domain's views span every organisation, and it is the runner, not
 * the agent's code, that decides whose rows are read. The questionnaire's answers come from
 * the organisation's trial, and from its memory when the host has WowMemory and the task names its customer.
 */
export async function readOrganisationContext(
  db: PgQueryable,
  memory: AgentMemory | undefined,
  task: { organisationId: string; agentId: string },
): Promise<OrganisationContext> {
  const context: OrganisationContext = { pastDeliverables: [], feedback: [] };
  // The trial's questionnaire as answered; the organisation's memory, where it holds the fact, says it newer.
  const trial = await db.query<{
    industry: string;
    goals: string;
    audience: string;
    tone: string;
    good_result: string;
  }>(sql.business, [task.organisationId, task.agentId]);
  const given = trial.rows[0];
  if (given !== undefined)
    for (const [key, answer] of [
      ['industry', given.industry],
      ['goals', given.goals],
      ['audience', given.audience],
      ['tone', given.tone],
      ['goodResult', given.good_result],
    ] as const)
      if (answer.trim() !== '') context[key] = answer.trim().slice(0, contextLimits.answerChars);
  if (memory?.customer !== undefined) {
    const fact = await memory.forCustomer().fact(businessContextKey);
    const value = fact?.value;
    if (typeof value === 'object' && value !== null)
      for (const key of answers) {
        const answer = (value as Record<string, unknown>)[key];
        if (typeof answer === 'string' && answer.trim() !== '')
          context[key] = answer.trim().slice(0, contextLimits.answerChars);
      }
  }
  const past = await db.query<{ task_id: string; task_type: string; name: string; head: Uint8Array }>(sql.past, [
    task.organisationId,
    task.agentId,
    contextLimits.pastDeliverables,
    // Four bytes a character at most: enough bytes for the excerpt whatever the script.
    contextLimits.excerptChars * 4,
  ]);
  context.pastDeliverables = past.rows.map((r) => ({
    taskId: r.task_id,
    taskType: r.task_type,
    name: r.name,
    excerpt: excerptOf(lenient.decode(r.head)),
  }));
  const feedback = await db.query<{ task_id: string; stars: number }>(sql.feedback, [
    task.organisationId,
    task.agentId,
    contextLimits.feedback,
  ]);
  context.feedback = feedback.rows.map((r) => ({ taskId: r.task_id, stars: r.stars }));
  return context;
}

/** The first characters of a text, never ending in half a surrogate pair. */
function excerptOf(text: string): string {
  const cut = text.slice(0, contextLimits.excerptChars);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const isText = (mediaType: string) => mediaType.startsWith('text/') || mediaType.startsWith('application/json');

/** A follow-up's parent deliverables: text as strings, anything else as bytes. Only the organisation's own. */
export async function readParentDeliverables(
  db: PgQueryable,
  task: { organisationId: string; parentTaskId: string },
): Promise<TaskDeliverable[]> {
  const { rows } = await db.query<{ name: string; media_type: string; bytes: Uint8Array }>(sql.parent, [
    task.parentTaskId,
    task.organisationId,
  ]);
  return rows.map((r) => ({
    name: r.name,
    mediaType: r.media_type,
    content: isText(r.media_type) ? lenient.decode(r.bytes) : new Uint8Array(r.bytes),
  }));
}
