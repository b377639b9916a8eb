import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createEvent, enqueueOutbox, readSql, type Store } from '#platform';
import { createError } from '../errors.ts';
import { agentRequestView, type AgentRequestRow, type AgentRequestView } from './agent-request-view.ts';

const sql = {
  insert: readSql(import.meta.url, 'insert-request'),
  recent: readSql(import.meta.url, 'count-recent'),
};

/** Where the requests' events come from. */
export const agentRequestSource = 'wow/customer-agent-requests';

/** A day's requests per organisation: each opens an issue that people read. */
export const requestsPerDay = 5;

// One line of words: these land unfenced in a GitHub issue (the questionnaire's name and
// specialty), where an @, #, < or backtick would mention, link or mark up.
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[\p{L}\p{N} .,&'()/+:–-]*$/u, "expected one line of letters, digits, spaces and . , & ' ( ) / + : -");
const prose = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(/^[^\p{Cc}]*(?:[\r\n\t][^\p{Cc}]*)*$/u, 'expected text without control characters');

/** What a customer tells us of the agent they need; bounded, as the questionnaire's answers are. */
export const agentRequestBody = z.strictObject({
  name: line(60),
  purpose: prose(20, 2000),
  industry: line(80).optional(),
  task: z.strictObject({
    title: line(80),
    input: prose(5, 300),
    output: prose(5, 300),
    minutesSaved: z.coerce.number().int().min(1).max(10_000),
  }),
});
export type AgentRequestBody = z.output<typeof agentRequestBody>;

/**
 * An organisation's request for an agent the marketplace lacks: checked, bounded to
 * `requestsPerDay`, written with its customer.agent.requested in one transaction.
 * WowAgentFactory answers the event with a New-agent questionnaire issue.
 */
export async function requestAgent(
  store: Store,
  request: {
    organisation: { id: string; slug: string };
    userId: string;
    body: unknown;
    now: Date;
    /** Where the organisation follows its requests (the page), linked from the issue. */
    link: string;
  },
): Promise<AgentRequestView> {
  const parsed = agentRequestBody.safeParse(request.body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      field: i.path.join('.') || 'body',
      message: i.message.slice(0, 200),
    }));
    const problems = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw createError('WOW_ERR_AGENT_REQUEST_INPUT', { problems: problems.slice(0, 1000) }, { data: { errors } });
  }
  const body = parsed.data;
  return store.transaction(async (tx) => {
    // Counted inside the transaction, under a lock on the organisation's row, so racing requests count each other.
    await tx.query('select 1 from commerce_organisations where id = $1 for update', [request.organisation.id]);
    const since = new Date(request.now.getTime() - 24 * 3600_000);
    const recent = (await tx.query<{ n: number }>(sql.recent, [request.organisation.id, since])).rows[0]?.n ?? 0;
    if (recent >= requestsPerDay) throw createError('WOW_ERR_AGENT_REQUESTS_LIMIT', { limit: requestsPerDay });
    const id = randomUUID();
    await tx.query(sql.insert, [
      id,
      request.organisation.id,
      request.userId,
      body.name,
      body.purpose,
      body.industry ?? null,
      JSON.stringify(body.task),
      request.now,
    ]);
    await enqueueOutbox(
      tx,
      createEvent({
        source: agentRequestSource,
        type: 'customer.agent.requested',
        subject: id,
        partitionkey: id,
        customer: request.organisation.slug,
        data: {
          requestId: id,
          organisationId: request.organisation.id,
          organisationSlug: request.organisation.slug,
          name: body.name,
          purpose: body.purpose,
          ...(body.industry === undefined ? {} : { industry: body.industry }),
          task: body.task,
          link: request.link,
        },
      }),
    );
    const row: AgentRequestRow = {
      id,
      name: body.name,
      purpose: body.purpose,
      industry: body.industry ?? null,
      task: body.task,
      status: 'requested',
      issue_number: null,
      issue_url: null,
      created_at: request.now,
    };
    return agentRequestView(row);
  });
}
