import { z } from 'zod';
import { type PgQueryable, type Store } from '#platform';
import { createError } from '../errors.ts';
import { rateTicket } from '../desk/csat.ts';
import { findTicket, openTicket, receiveCustomerMessage, ticketMessages, type Ticket } from '../desk/tickets.ts';
import { authenticateApiKey } from './api-keys.ts';
import type { Customer } from './customers.ts';
import { requestSha256, runIdempotent, type IntakeAnswer } from './idempotency.ts';
import { parseInput } from './parse-input.ts';
import { admitRequest } from './rate-limit.ts';
import { idempotencyKey, newMessageRequest, newRatingRequest, newTicketRequest } from './ticket-requests.ts';
import { customerVisibleMessages, ticketView, type MessageView, type TicketView } from './ticket-view.ts';

/** Who is asking, as the door authenticated them, and the request's Idempotency-Key header. */
export interface ApiCall {
  customer: Customer;
  idempotencyKey: string | undefined;
}

/**
 * The customer behind the request's API key, once its request is counted against the
 * customer's rate limit: WOW_ERR_API_KEY_INVALID, WOW_ERR_API_KEY_REVOKED or
 * WOW_ERR_RATE_LIMITED otherwise. Every authenticated request counts, reads included.
 */
export async function authorizeApiCall(
  store: Store,
  request: { authorization: string | undefined; limitPerMinute: number; now: Date },
): Promise<Customer> {
  const customer = await authenticateApiKey(store, request.authorization);
  await admitRequest(store, customer, request.limitPerMinute, request.now);
  return customer;
}

const headers = z.object({ 'Idempotency-Key': idempotencyKey.optional() });
const ticketId = z.uuid();

/**
 * A write by the API: the Idempotency-Key header and the body checked (nothing runs on
 * bad input), then `work` in one transaction with the stored answer, so the same key and
 * request replay it.
 */
async function idempotentWrite<S extends z.ZodType>(
  store: Store,
  call: ApiCall,
  path: string,
  schema: S,
  body: unknown,
  work: (tx: PgQueryable, request: z.output<S>) => Promise<{ status: number; body: unknown }>,
): Promise<IntakeAnswer> {
  const key = parseInput(headers, { 'Idempotency-Key': call.idempotencyKey })['Idempotency-Key'];
  const request = parseInput(schema, body);
  const sha = requestSha256({ method: 'POST', path, body: request });
  return runIdempotent(store, { customerId: call.customer.id, key, requestSha256: sha }, (tx) => work(tx, request));
}

/** `POST /api/tickets`: opens a ticket on the api channel for the customer; 201 with the ticket. */
export async function submitTicket(store: Store, call: ApiCall, body: unknown): Promise<IntakeAnswer> {
  return idempotentWrite(store, call, '/api/tickets', newTicketRequest, body, async (tx, request) => {
    const ticket = await openTicket(tx, {
      subject: request.subject,
      body: request.body,
      channel: 'api',
      priority: request.priority,
      customerId: call.customer.id,
      requester: request.requester ?? {},
    });
    return { status: 201, body: ticketView(ticket) };
  });
}

/**
 * `POST /api/tickets/{id}/messages`: the customer's message on its ticket; 201 with the
 * message's id and the ticket it landed on (a follow-up ticket when the first was closed).
 */
export async function submitMessage(store: Store, call: ApiCall, id: string, body: unknown): Promise<IntakeAnswer> {
  return idempotentWrite(store, call, `/api/tickets/${id}/messages`, newMessageRequest, body, async (tx, request) => {
    await ownTicket(tx, call.customer, id);
    const landed = await receiveCustomerMessage(tx, id, {
      body: request.body,
      channel: 'api',
      ...(request.authorEmail === undefined ? {} : { authorId: request.authorEmail }),
    });
    return {
      status: 201,
      body: { id: landed.messageId, ticket: ticketView(landed.ticket), followUp: landed.followUp },
    };
  });
}

/** `POST /api/tickets/{id}/rating`: the customer rates a solved ticket (again: the new answer replaces the old). */
export async function submitRating(store: Store, call: ApiCall, id: string, body: unknown): Promise<IntakeAnswer> {
  return idempotentWrite(store, call, `/api/tickets/${id}/rating`, newRatingRequest, body, async (tx, request) => {
    await ownTicket(tx, call.customer, id);
    const csat = await rateTicket(tx, id, { rating: request.rating, comment: request.comment });
    return { status: 200, body: { ticketId: id, rating: csat.rating, comment: csat.comment, ratedAt: csat.ratedAt } };
  });
}

/** `GET /api/tickets/{id}`: the ticket with the messages its customer may read. */
export async function readTicket(
  store: Store,
  customer: Customer,
  id: string,
): Promise<TicketView & { messages: MessageView[] }> {
  const ticket = await ownTicket(store, customer, id);
  return { ...ticketView(ticket), messages: customerVisibleMessages(await ticketMessages(store, id)) };
}

/** Another customer's ticket is not found, the same as one that does not exist: its id tells nothing. */
async function ownTicket(db: PgQueryable, customer: Customer, id: string): Promise<Ticket> {
  const ticket = ticketId.safeParse(id).success ? await findTicket(db, id) : undefined;
  if (ticket?.customerId !== customer.id) throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: id });
  return ticket;
}
