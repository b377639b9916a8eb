import { randomUUID } from 'node:crypto';
import { createEvent, enqueueOutbox, readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { rateTicket, readRating, requestCsat, surveyAwaiting, type CsatRating } from './csat.ts';
import { retargetSla, trackSla } from './sla.ts';
import { transition, type TicketAction, type TicketStatus } from './ticket-status.ts';

const sql = {
  insertTicket: readSql(import.meta.url, 'insert-ticket'),
  insertMessage: readSql(import.meta.url, 'insert-message'),
  selectTicket: readSql(import.meta.url, 'select-ticket'),
  lockTicket: readSql(import.meta.url, 'lock-ticket'),
  updateState: readSql(import.meta.url, 'update-ticket-state'),
  selectMessages: readSql(import.meta.url, 'select-messages'),
  selectByChannelId: readSql(import.meta.url, 'select-message-by-channel-id'),
  updateRouting: readSql(import.meta.url, 'update-ticket-routing'),
};

export type Priority = 'urgent' | 'high' | 'normal' | 'low';
export type Tier = 'L1' | 'L2' | 'L3';
/** Where a customer writes to the desk and is answered. */
export type TicketChannel = 'api' | 'email' | 'web';
/** Where a message came from or goes: the ticket's channel, the ticket's issue, or the desk itself (internal notes). */
export type MessageChannel = TicketChannel | 'github' | 'desk';

export interface Ticket {
  id: string;
  subject: string;
  status: TicketStatus;
  priority: Priority;
  tier: Tier;
  /** The specialist topic L2 routed it to (integration, performance, billing …). */
  topic: string | null;
  /** Who holds it at L2/L3: a specialist agent's id or a team. */
  assignee: string | null;
  customerId: string | null;
  channel: TicketChannel;
  requester: { email: string | null; name: string | null };
  followsTicketId: string | null;
  createdAt: string;
}

export interface Message {
  id: string;
  /** draft: an L3 answer waiting for a person's approval; it never leaves until approved. */
  direction: 'inbound' | 'outbound' | 'internal' | 'draft';
  author: { kind: 'customer' | 'agent' | 'human' | 'system'; id: string };
  body: string;
  autoSubmitted: boolean;
  cites: string[];
  channel: MessageChannel;
  /** Its id on its channel: an email's Message-ID, an issue comment's id. */
  channelMsgId: string | null;
  /** Outbound: when the customer's channel took it; null until then. */
  deliveredAt: string | null;
  createdAt: string;
}

export interface NewTicket {
  subject: string;
  body: string;
  channel: TicketChannel;
  priority?: Priority;
  customerId?: string | undefined;
  requester: { email?: string | undefined; name?: string | undefined };
  followsTicketId?: string | undefined;
  /** The first message's id on its channel (an email's Message-ID). */
  channelMsgId?: string | undefined;
  /** When it happened, for its SLA clocks; the database's now by default. */
  at?: Date | undefined;
}

export interface CustomerMessage {
  body: string;
  channel: MessageChannel;
  channelMsgId?: string | undefined;
  /** RFC 3834: an automatic reply (out-of-office), never answered automatically. */
  autoSubmitted?: boolean;
  /** Who wrote it when not the requester (another person on the thread). */
  authorId?: string;
  /** When it happened, for the ticket's SLA clocks; the database's now by default. */
  at?: Date | undefined;
}

/** Intake's events: the ticket and the message are committed before anyone hears of them. */
export const intakeSource = 'wow/support-intake';

/**
 * The customer whose work a ticket's events are (the envelope's `customer`): the agents
 * handling them may read that customer's memory and no other's. None for a ticket from
 * someone not known as a customer.
 */
async function customerSlugOf(tx: PgQueryable, customerId: string | null | undefined): Promise<string | undefined> {
  if (customerId === null || customerId === undefined) return undefined;
  const { rows } = await tx.query<{ slug: string }>('select slug from support_customers where id = $1', [customerId]);
  return rows[0]?.slug;
}

/** Writes a ticket with the customer's first message, and `support.ticket.opened` in the same transaction. */
export async function openTicket(tx: PgQueryable, input: NewTicket): Promise<Ticket> {
  const id = randomUUID();
  const messageId = randomUUID();
  await tx.query(sql.insertTicket, [
    id,
    input.subject,
    input.priority ?? 'normal',
    input.customerId ?? null,
    input.channel,
    input.requester.email ?? null,
    input.requester.name ?? null,
    input.followsTicketId ?? null,
  ]);
  await tx.query(sql.insertMessage, [
    messageId,
    id,
    'inbound',
    'customer',
    input.requester.email ?? 'customer',
    input.body,
    false,
    [],
    input.channel,
    input.channelMsgId ?? null,
  ]);
  await trackSla(tx, id, { from: undefined, to: 'new', at: input.at });
  await enqueueOutbox(
    tx,
    createEvent({
      source: intakeSource,
      type: 'support.ticket.opened',
      subject: id,
      partitionkey: id,
      customer: await customerSlugOf(tx, input.customerId),
      data: { ticketId: id, messageId },
    }),
  );
  return (await findTicket(tx, id)) as Ticket;
}

/**
 * A customer's message on a ticket: it reopens a solved ticket, and on a closed one it
 * opens a follow-up ticket linked to it. Returns the ticket the message landed on.
 */
export async function receiveCustomerMessage(
  tx: PgQueryable,
  ticketId: string,
  message: CustomerMessage,
): Promise<{ ticket: Ticket; messageId: string; followUp: boolean; rated?: CsatRating }> {
  const ticket = await lockTicket(tx, ticketId);
  // "Good, thanks" to the survey of a solved ticket rates it; it does not reopen it.
  const rating = ticket.status === 'solved' && message.autoSubmitted !== true ? readRating(message.body) : undefined;
  if (rating !== undefined && (await surveyAwaiting(tx, ticketId))) {
    const messageId = randomUUID();
    await tx.query(sql.insertMessage, [
      messageId,
      ticketId,
      'inbound',
      'customer',
      message.authorId ?? ticket.requester.email ?? 'customer',
      message.body,
      false,
      [],
      message.channel,
      message.channelMsgId ?? null,
    ]);
    await rateTicket(tx, ticketId, { ...rating, at: message.at });
    return { ticket, messageId, followUp: false, rated: rating.rating };
  }
  const next = transition(ticket.status, 'customer_reply');
  if (!next.ok && next.followUp) {
    const follow = await openTicket(tx, {
      subject: `Re: ${ticket.subject}`,
      body: message.body,
      channel: ticket.channel,
      customerId: ticket.customerId ?? undefined,
      priority: ticket.priority,
      requester: { email: ticket.requester.email ?? undefined, name: ticket.requester.name ?? undefined },
      followsTicketId: ticket.id,
      channelMsgId: message.channelMsgId,
      at: message.at,
    });
    const [first] = await ticketMessages(tx, follow.id);
    return { ticket: follow, messageId: first?.id ?? '', followUp: true };
  }
  if (!next.ok) throw createError('WOW_ERR_TICKET_STATE', { ticket: ticketId, reason: next.reason });
  const messageId = randomUUID();
  await tx.query(sql.insertMessage, [
    messageId,
    ticketId,
    'inbound',
    'customer',
    message.authorId ?? ticket.requester.email ?? 'customer',
    message.body,
    message.autoSubmitted ?? false,
    [],
    message.channel,
    message.channelMsgId ?? null,
  ]);
  await tx.query(sql.updateState, [ticketId, next.status, ticket.tier]);
  await trackSla(tx, ticketId, { from: ticket.status, to: next.status, message: 'customer', at: message.at });
  await enqueueOutbox(
    tx,
    createEvent({
      source: intakeSource,
      type: 'support.message.received',
      subject: ticketId,
      partitionkey: ticketId,
      customer: await customerSlugOf(tx, ticket.customerId),
      data: { ticketId, messageId },
    }),
  );
  return { ticket: { ...ticket, status: next.status }, messageId, followUp: false };
}

/**
 * A message from the desk and the transition it makes, in the caller's transaction. An
 * outbound message is for the customer: `support.message.outbound` goes out with it, and
 * whoever delivers to the ticket's channel (and mirrors it on the issue) acts on that.
 * Internal notes never leave the desk.
 */
export async function recordDeskMessage(
  tx: PgQueryable,
  ticketId: string,
  message: {
    direction: 'outbound' | 'internal' | 'draft';
    author: Message['author'];
    body: string;
    autoSubmitted: boolean;
    cites?: string[];
    action?: TicketAction;
    tier?: Tier;
    channel?: MessageChannel;
    channelMsgId?: string;
    source?: string;
    at?: Date;
  },
): Promise<{ ticket: Ticket; messageId: string }> {
  const ticket = await lockTicket(tx, ticketId);
  let status = ticket.status;
  if (message.action !== undefined) {
    const next = transition(ticket.status, message.action);
    if (!next.ok) throw createError('WOW_ERR_TICKET_STATE', { ticket: ticketId, reason: next.reason });
    status = next.status;
  }
  const messageId = randomUUID();
  const channel = message.channel ?? (message.direction === 'outbound' ? ticket.channel : 'desk');
  await tx.query(sql.insertMessage, [
    messageId,
    ticketId,
    message.direction,
    message.author.kind,
    message.author.id,
    message.body,
    message.autoSubmitted,
    message.cites ?? [],
    channel,
    message.channelMsgId ?? null,
  ]);
  await tx.query(sql.updateState, [ticketId, status, message.tier ?? ticket.tier]);
  if (message.direction === 'outbound') {
    await enqueueOutbox(
      tx,
      createEvent({
        source: message.source ?? intakeSource,
        type: 'support.message.outbound',
        subject: ticketId,
        partitionkey: ticketId,
        data: { ticketId, messageId },
      }),
    );
  }
  // Only an answer the customer sees meets a response clock; each new solve asks for a rating once.
  await trackSla(tx, ticketId, {
    from: ticket.status,
    to: status,
    message: message.direction === 'outbound' ? 'public_reply' : undefined,
    at: message.at,
  });
  if (status === 'solved' && ticket.status !== 'solved') await requestCsat(tx, ticket, message.at);
  return { ticket: { ...ticket, status, tier: message.tier ?? ticket.tier }, messageId };
}

/** Sets what a person or a tier decided about a ticket; fields left out stay as they are. */
export async function setTicketRouting(
  tx: PgQueryable,
  ticketId: string,
  routing: { tier?: Tier; priority?: Priority; topic?: string; assignee?: string },
): Promise<Ticket> {
  await lockTicket(tx, ticketId);
  await tx.query(sql.updateRouting, [
    ticketId,
    routing.tier ?? null,
    routing.priority ?? null,
    routing.topic ?? null,
    routing.assignee ?? null,
  ]);
  if (routing.priority !== undefined) await retargetSla(tx, ticketId);
  return (await findTicket(tx, ticketId)) as Ticket;
}

/** The message already stored under this id on its channel (an email's Message-ID, a comment id). */
export async function findByChannelId(
  db: PgQueryable,
  channel: MessageChannel,
  channelMsgId: string,
): Promise<{ ticketId: string; messageId: string } | undefined> {
  const row = (await db.query<{ ticket_id: string; id: string }>(sql.selectByChannelId, [channel, channelMsgId]))
    .rows[0];
  return row === undefined ? undefined : { ticketId: row.ticket_id, messageId: row.id };
}

export async function findTicket(db: PgQueryable, id: string): Promise<Ticket | undefined> {
  const row = (
    await db.query<{
      id: string;
      subject: string;
      status: TicketStatus;
      priority: Priority;
      tier: Tier;
      topic: string | null;
      assignee: string | null;
      customer_id: string | null;
      channel: TicketChannel;
      requester_email: string | null;
      requester_name: string | null;
      follows_ticket_id: string | null;
      created_at: Date;
    }>(sql.selectTicket, [id])
  ).rows[0];
  return row === undefined
    ? undefined
    : {
        id: row.id,
        subject: row.subject,
        status: row.status,
        priority: row.priority,
        tier: row.tier,
        topic: row.topic,
        assignee: row.assignee,
        customerId: row.customer_id,
        channel: row.channel,
        requester: { email: row.requester_email, name: row.requester_name },
        followsTicketId: row.follows_ticket_id,
        createdAt: new Date(row.created_at).toISOString(),
      };
}

export async function ticketMessages(db: PgQueryable, ticketId: string): Promise<Message[]> {
  const { rows } = await db.query<{
    id: string;
    direction: Message['direction'];
    author_kind: Message['author']['kind'];
    author_id: string;
    body: string;
    auto_submitted: boolean;
    cites: string[];
    channel: MessageChannel;
    channel_msg_id: string | null;
    delivered_at: Date | null;
    created_at: Date;
  }>(sql.selectMessages, [ticketId]);
  return rows.map((r) => ({
    id: r.id,
    direction: r.direction,
    author: { kind: r.author_kind, id: r.author_id },
    body: r.body,
    autoSubmitted: r.auto_submitted,
    cites: r.cites,
    channel: r.channel,
    channelMsgId: r.channel_msg_id,
    deliveredAt: r.delivered_at === null ? null : new Date(r.delivered_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

async function lockTicket(tx: PgQueryable, id: string): Promise<Ticket> {
  if ((await tx.query(sql.lockTicket, [id])).rows.length === 0)
    throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: id });
  return (await findTicket(tx, id)) as Ticket;
}
