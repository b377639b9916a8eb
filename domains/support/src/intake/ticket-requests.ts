import { z } from 'zod';
import { refuseHostileCharacters } from './hostile-characters.ts';

/** The longest subject and text the desk keeps from any door (mail is cut to them). */
export const subjectMaxLength = 200;
export const textMaxLength = 50_000;
export const nameMaxLength = 200;

// A subject or a name is one line; a message may hold any text but control characters.
const line = (max: number) => z.string().trim().min(1).max(max).superRefine(refuseHostileCharacters('line'));
const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refuseHostileCharacters('text'));

// Strict objects: a misspelt field ("subjet") is reported, not silently dropped.
const requester = z.strictObject({
  email: z.email().max(320).optional(),
  name: line(nameMaxLength).optional(),
});

/** `POST /api/tickets`. */
export const newTicketRequest = z.strictObject({
  subject: line(subjectMaxLength),
  body: text(textMaxLength),
  priority: z.enum(['urgent', 'high', 'normal', 'low']).optional(),
  requester: requester.optional(),
});

/** `POST /api/tickets/{id}/messages`. */
export const newMessageRequest = z.strictObject({
  body: text(textMaxLength),
  /** Who wrote it when not the ticket's requester (a colleague on the thread). */
  authorEmail: z.email().max(320).optional(),
});

/** `POST /api/tickets/{id}/rating`: the customer's answer to the survey sent after a solve. */
export const newRatingRequest = z.strictObject({
  rating: z.enum(['good', 'bad'], { error: 'expected "good" or "bad"' }),
  comment: z.string().trim().max(2_000).superRefine(refuseHostileCharacters('text')).optional(),
});

/** An Idempotency-Key header: what clients send in practice (a UUID, a hash, an order id). */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, { error: 'expected 1 to 255 visible ASCII characters, e.g. a UUID' });

export type NewTicketRequest = z.output<typeof newTicketRequest>;
export type NewMessageRequest = z.output<typeof newMessageRequest>;
export type NewRatingRequest = z.output<typeof newRatingRequest>;
