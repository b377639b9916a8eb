import { maxTicketPage } from '#domains/support';

// The route schema of GET /api/tickets: the OpenAPI document is generated from it, and
// Fastify serializes the answer through it, so nothing unlisted (routing, internal ids) leaks.

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;

export const slaStates = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'missed', 'none'] as const;

export const ticketListQuerySchema = {
  type: 'object',
  properties: {
    status: {
      type: 'string',
      enum: ['new', 'open', 'pending_customer', 'on_hold', 'solved', 'closed'],
      description: 'Only tickets in this status.',
    },
    tier: { type: 'string', enum: ['L1', 'L2', 'L3'], description: 'Only tickets at this support tier.' },
    limit: { type: 'integer', minimum: 1, maximum: maxTicketPage, default: 20, description: 'Tickets a page.' },
    cursor: { type: 'string', maxLength: 200, description: "The previous page's nextCursor." },
  },
} as const;

export const listedTicketSchema = {
  type: 'object',
  required: ['id', 'subject', 'status', 'priority', 'tier', 'channel', 'createdAt', 'sla'],
  properties: {
    id: text,
    subject: text,
    status: text,
    priority: text,
    tier: text,
    channel: text,
    requester: { type: 'object', properties: { email: nullableText, name: nullableText } },
    followsTicketId: nullableText,
    createdAt: text,
    sla: {
      type: 'object',
      required: ['state', 'dueAt'],
      description: 'Where the ticket stands against its service levels now; dueAt: the next running target.',
      properties: { state: { type: 'string', enum: slaStates }, dueAt: nullableText },
    },
  },
} as const;

export const ticketListResponseSchema = {
  type: 'object',
  required: ['tickets', 'nextCursor'],
  properties: {
    tickets: { type: 'array', items: listedTicketSchema },
    nextCursor: { ...nullableText, description: 'Pass as cursor for the next page; null on the last.' },
  },
} as const;

export const apiErrorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: text,
    message: text,
    retryable: { type: 'boolean' },
    errors: { type: 'array', items: { type: 'object', properties: { field: text, message: text } } },
  },
} as const;
