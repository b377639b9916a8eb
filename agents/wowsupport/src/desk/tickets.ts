import { randomUUID } from 'node:crypto';
import { createError, createEvent, enqueueOutbox, readSql, type PgQueryable } from '../../../runtime/src/index.ts';
import { transition, type TicketAction, type TicketStatus } from './ticket-status.ts';

const sql = {
  insertTicket: readSql(import.meta.url, 'insert-ticket'),
  insertMessage: readSql(import.meta.url, 'insert-message'),
  selectTicket: readSql(import.meta.url, 'select-ticket'),
  lockTicket: readSql(import.meta.url, 'lock-ticket'),
  updateState: readSql(import.meta.url, 'update-ticket-state'),
  selectMessages: readSql(import.meta.url, 'select-messages'),
};

export type Priority = 'urgent' | 'high' | 'normal' | 'low';
export type Tier = 'L1' | 'L2' | 'L3';

export interface Ticket {
  id: string;
  subject: string;
  status: TicketStatus;
  priority: Priority;
  tier: Tier;
  requester: { email: string | null; name: string | null };
  followsTicketId: string | null;
  createdAt: string;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  author: { kind: 'customer' | 'agent' | 'human' | 'system'; id: string };
  body: string;
  autoSubmitted: boolean;
  cites: string[];
  createdAt: string;
}

export interface NewTicket {
  subject: string;
  body: string;
  priority?: Priority;
  requester: { email?: string | undefined; name?: string | undefined };
  followsTicketId?: string | undefined;
}

/** Intake's events: the ticket and the message are committed before anyone hears of them. */
export const intakeSource = 'wow/support-intake';

/** Writes a ticket with the customer's first message, and `support.ticket.opened` in the same transaction. */
export async function openTicket(tx: PgQueryable, input: NewTicket): Promise<Ticket> {
  const id = randomUUID();
  await tx.query(sql.insertTicket, [id, input.subject, input.priority ?? 'normal', input.requester.email ?? null, input.requester.name ?? null, input.followsTicketId ?? null]);
  await tx.query(sql.insertMessage, [randomUUID(), id, 'inbound', 'customer', input.requester.email ?? 'customer', input.body, false, []]);
  await enqueueOutbox(tx, createEvent({ source: intakeSource, type: 'support.ticket.opened', subject: id, partitionkey: id, data: { ticketId: id } }));
  return (await findTicket(tx, id)) as Ticket;
}

/**
 * A customer's message on a ticket: it reopens a solved ticket, and on a closed one it
 * opens a follow-up ticket linked to it. Returns the ticket the message landed on.
 */
export async function receiveCustomerMessage(tx: PgQueryable, ticketId: string, message: { body: string; autoSubmitted?: boolean }): Promise<{ ticket: Ticket; followUp: boolean }> {
  const ticket = await lockTicket(tx, ticketId);
  const next = transition(ticket.status, 'customer_reply');
  if (!next.ok && next.followUp) {
    const follow = await openTicket(tx, { subject: `Re: ${ticket.subject}`, body: message.body, priority: ticket.priority, requester: { email: ticket.requester.email ?? undefined, name: ticket.requester.name ?? undefined }, followsTicketId: ticket.id });
    return { ticket: follow, followUp: true };
  }
  if (!next.ok) throw createError('WOW_ERR_TICKET_STATE', [ticketId, next.reason]);
  await tx.query(sql.insertMessage, [randomUUID(), ticketId, 'inbound', 'customer', ticket.requester.email ?? 'customer', message.body, message.autoSubmitted ?? false, []]);
  await tx.query(sql.updateState, [ticketId, next.status, ticket.tier]);
  await enqueueOutbox(tx, createEvent({ source: intakeSource, type: 'support.message.received', subject: ticketId, partitionkey: ticketId, data: { ticketId } }));
  return { ticket: { ...ticket, status: next.status }, followUp: false };
}

/** A message from the desk (outbound or internal) and the transition it makes, in the caller's transaction. */
export async function recordDeskMessage(tx: PgQueryable, ticketId: string, message: { direction: 'outbound' | 'internal'; author: Message['author']; body: string; autoSubmitted: boolean; cites?: string[]; action?: TicketAction; tier?: Tier }): Promise<Ticket> {
  const ticket = await lockTicket(tx, ticketId);
  let status = ticket.status;
  if (message.action !== undefined) {
    const next = transition(ticket.status, message.action);
    if (!next.ok) throw createError('WOW_ERR_TICKET_STATE', [ticketId, next.reason]);
    status = next.status;
  }
  await tx.query(sql.insertMessage, [randomUUID(), ticketId, message.direction, message.author.kind, message.author.id, message.body, message.autoSubmitted, message.cites ?? []]);
  await tx.query(sql.updateState, [ticketId, status, message.tier ?? ticket.tier]);
  return { ...ticket, status, tier: message.tier ?? ticket.tier };
}

export async function findTicket(db: PgQueryable, id: string): Promise<Ticket | undefined> {
  const row = (await db.query<{ id: string; subject: string; status: TicketStatus; priority: Priority; tier: Tier; requester_email: string | null; requester_name: string | null; follows_ticket_id: string | null; created_at: Date }>(sql.selectTicket, [id])).rows[0];
  return row === undefined ? undefined : { id: row.id, subject: row.subject, status: row.status, priority: row.priority, tier: row.tier, requester: { email: row.requester_email, name: row.requester_name }, followsTicketId: row.follows_ticket_id, createdAt: new Date(row.created_at).toISOString() };
}

export async function ticketMessages(db: PgQueryable, ticketId: string): Promise<Message[]> {
  const { rows } = await db.query<{ id: string; direction: Message['direction']; author_kind: Message['author']['kind']; author_id: string; body: string; auto_submitted: boolean; cites: string[]; created_at: Date }>(sql.selectMessages, [ticketId]);
  return rows.map((r) => ({ id: r.id, direction: r.direction, author: { kind: r.author_kind, id: r.author_id }, body: r.body, autoSubmitted: r.auto_submitted, cites: r.cites, createdAt: new Date(r.created_at).toISOString() }));
}

async function lockTicket(tx: PgQueryable, id: string): Promise<Ticket> {
  if ((await tx.query(sql.lockTicket, [id])).rows.length === 0) throw createError('WOW_ERR_TICKET_NOT_FOUND', [id]);
  return (await findTicket(tx, id)) as Ticket;
}
