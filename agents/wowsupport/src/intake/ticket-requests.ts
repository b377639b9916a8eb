import { z } from 'zod';

// Strict objects: a misspelt field ("subjet") is reported, not silently dropped.
const requester = z.strictObject({
  email: z.email().max(320).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

/** `POST /api/tickets`. */
export const newTicketRequest = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(50_000),
  priority: z.enum(['urgent', 'high', 'normal', 'low']).optional(),
  requester: requester.optional(),
});

/** `POST /api/tickets/{id}/messages`. */
export const newMessageRequest = z.strictObject({
  body: z.string().trim().min(1).max(50_000),
  /** Who wrote it when not the ticket's requester (a colleague on the thread). */
  authorEmail: z.email().max(320).optional(),
});

/** `POST /api/tickets/{id}/rating`: the customer's answer to the survey sent after a solve. */
export const newRatingRequest = z.strictObject({
  rating: z.enum(['good', 'bad'], { error: 'expected "good" or "bad"' }),
  comment: z.string().trim().max(2_000).optional(),
});

/** An Idempotency-Key header: what clients send in practice (a UUID, a hash, an order id). */
export const idempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, { error: 'expected 1 to 255 visible ASCII characters, e.g. a UUID' });

export type NewTicketRequest = z.output<typeof newTicketRequest>;
export type NewMessageRequest = z.output<typeof newMessageRequest>;
export type NewRatingRequest = z.output<typeof newRatingRequest>;
