import { randomUUID } from 'node:crypto';
import { createEvent, enqueueOutbox, readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { stripQuotedReply } from './strip-quoted-reply.ts';
import type { TicketStatus } from './ticket-status.ts';
import type { TicketChannel } from './tickets.ts';

const sql = {
  insertMessage: readSql(import.meta.url, 'insert-message'),
  insertRequest: readSql(import.meta.url, 'insert-csat-request'),
  lockTicket: readSql(import.meta.url, 'lock-ticket'),
  latest: readSql(import.meta.url, 'select-csat-for-rating'),
  rate: readSql(import.meta.url, 'rate-csat'),
  select: readSql(import.meta.url, 'select-csat'),
};

export type CsatRating = 'good' | 'bad';

export interface Csat {
  id: string;
  /** The survey message sent to the customer; null when the ticket was solved before surveys. */
  messageId: string | null;
  requestedAt: string;
  rating: CsatRating | null;
  comment: string | null;
  ratedAt: string | null;
}

/** Who asks: the desk itself, not an agent's answer (L1 tells its own answers by author). */
export const csatAuthor = { kind: 'system', id: 'wowsupport-csat' } as const;
const csatSource = 'wow/support-csat';
const maxComment = 2_000;

/**
 * After a solve: asks the customer, on the ticket's channel, to rate the support they got.
 * Once per solve, in the solve's transaction; the message is automatic (RFC 3834), so an
 * out-of-office never answers it. The survey goes out as any answer does
 * (`support.message.outbound`, with the survey's id).
 */
export async function requestCsat(
  tx: PgQueryable,
  ticket: { id: string; channel: TicketChannel },
  at: Date | undefined,
): Promise<string> {
  const csatId = randomUUID();
  const messageId = randomUUID();
  // The reference, not the subject: a web-form ticket's subject is a stranger's words until its address is verified.
  const body = `Your request ${ticket.id} is solved. How would you rate the support you received: good or bad? A comment helps us improve.`;
  await tx.query(sql.insertMessage, [
    messageId,
    ticket.id,
    'outbound',
    csatAuthor.kind,
    csatAuthor.id,
    body,
    true,
    [],
    ticket.channel,
    null,
  ]);
  await tx.query(sql.insertRequest, [csatId, ticket.id, messageId, at ?? null]);
  await enqueueOutbox(
    tx,
    createEvent({
      source: csatSource,
      type: 'support.message.outbound',
      subject: ticket.id,
      partitionkey: ticket.id,
      data: { ticketId: ticket.id, messageId, csatId },
    }),
  );
  return csatId;
}

/**
 * The customer's rating of a solved (or since closed) ticket, for its latest solve; a
 * second answer replaces the first. `support.csat.received` goes out with it (the
 * comment stays in the desk: it may hold personal data).
 */
export async function rateTicket(
  tx: PgQueryable,
  ticketId: string,
  input: { rating: CsatRating; comment?: string | undefined; at?: Date | undefined },
): Promise<Csat> {
  if (input.rating !== 'good' && input.rating !== 'bad')
    throw createError('WOW_ERR_CSAT_RATING', { rating: String(input.rating), problem: 'expected good or bad' });
  const comment = input.comment?.trim() === '' ? undefined : input.comment?.trim();
  if (comment !== undefined && comment.length > maxComment)
    throw createError('WOW_ERR_CSAT_RATING', {
      rating: input.rating,
      problem: `the comment has ${comment.length} characters, more than ${maxComment}`,
    });
  const status = (await tx.query<{ status: TicketStatus }>(sql.lockTicket, [ticketId])).rows[0]?.status;
  if (status === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: ticketId });
  if (status !== 'solved' && status !== 'closed')
    throw createError('WOW_ERR_CSAT_UNSOLVED', { ticket: ticketId, status: status.replace('_', ' ') });
  let csatId = (await tx.query<{ id: string }>(sql.latest, [ticketId])).rows[0]?.id;
  if (csatId === undefined) {
    csatId = randomUUID();
    await tx.query(sql.insertRequest, [csatId, ticketId, null, input.at ?? null]);
  }
  await tx.query(sql.rate, [csatId, input.rating, comment ?? null, input.at ?? null]);
  await enqueueOutbox(
    tx,
    createEvent({
      source: csatSource,
      type: 'support.csat.received',
      subject: ticketId,
      partitionkey: ticketId,
      data: { ticketId, csatId, rating: input.rating, commented: comment !== undefined },
    }),
  );
  const rated = (await ticketCsat(tx, ticketId)).find((c) => c.id === csatId);
  if (rated === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: ticketId });
  return rated;
}

/** Every survey of a ticket, oldest first, with its answer if any. */
export async function ticketCsat(db: PgQueryable, ticketId: string): Promise<Csat[]> {
  const { rows } = await db.query<{
    id: string;
    message_id: string | null;
    requested_at: Date;
    rating: CsatRating | null;
    comment: string | null;
    rated_at: Date | null;
  }>(sql.select, [ticketId]);
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    requestedAt: new Date(r.requested_at).toISOString(),
    rating: r.rating,
    comment: r.comment,
    ratedAt: r.rated_at === null ? null : new Date(r.rated_at).toISOString(),
  }));
}

/**
 * A customer's answer to the survey, when that is what the reply is: it starts with "good"
 * or "bad", alone or followed by punctuation and a comment ("Bad - it took three days").
 * "Good morning, it broke again" is not one: it goes on as a reply.
 */
export function readRating(reply: string): { rating: CsatRating; comment: string | undefined } | undefined {
  const text = stripQuotedReply(reply);
  const m = /^(good|bad)(?:$|[\s]*[,.:;!\-–—]+\s*([\s\S]*)$)/i.exec(text);
  if (m?.[1] === undefined) return undefined;
  const comment = m[2]?.trim();
  return {
    rating: m[1].toLowerCase() as CsatRating,
    comment: comment === undefined || comment === '' ? undefined : comment,
  };
}

/** Whether the latest survey of the ticket waits for its answer. */
export async function surveyAwaiting(db: PgQueryable, ticketId: string): Promise<boolean> {
  const latest = (await ticketCsat(db, ticketId)).at(-1);
  return latest !== undefined && latest.messageId !== null && latest.rating === null;
}
