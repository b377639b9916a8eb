import { z } from 'zod';
import type { Store } from '../../../runtime/src/index.ts';
import { findByChannelId, findTicket, openTicket } from '../desk/tickets.ts';
import { refuseHostileCharacters, type TextField } from './hostile-characters.ts';
import { fieldErrors, type FieldError } from './parse-input.ts';
import { ticketView, type TicketView } from './ticket-view.ts';

// The form's own words: they are shown next to the field, to a person.
const required = (what: string, max: number, field: TextField) => z.string({ error: what }).trim().min(1, { error: what }).max(max, { error: `Keep it under ${max} characters` }).superRefine(refuseHostileCharacters(field));

const webForm = z.object({
  email: required('Enter your email address', 320, 'line').pipe(z.email({ error: 'Enter an email address like name@example.com' })),
  subject: required('Enter a subject', 200, 'line'),
  message: required('Describe the problem', 20_000, 'text'),
  name: z.string().trim().max(200, { error: 'Keep your name under 200 characters' }).superRefine(refuseHostileCharacters('line')).optional(),
  // Each rendering of the form carries its own id; the same id posted twice (a reload,
  // a double click) is the same ticket.
  submission: z.uuid().optional().catch(undefined),
});

export type WebFormOutcome = { ok: true; ticket: TicketView; replayed: boolean } | { ok: false; errors: FieldError[] };

/** The web form's fields as posted: a ticket on the web channel, or each field's problem. */
export async function submitWebForm(store: Store, fields: Record<string, string | undefined>): Promise<WebFormOutcome> {
  const parsed = webForm.safeParse(fields);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const form = parsed.data;
  const earlier = form.submission === undefined ? undefined : await ticketOfSubmission(store, form.submission);
  if (earlier !== undefined) return { ok: true, ticket: earlier, replayed: true };
  try {
    const ticket = await store.transaction((tx) => openTicket(tx, { subject: form.subject, body: form.message, channel: 'web', requester: { email: form.email, name: form.name === '' ? undefined : form.name }, channelMsgId: form.submission }));
    return { ok: true, ticket: ticketView(ticket), replayed: false };
  } catch (err) {
    // The same submission twice at once: the second's message hit the first's id.
    const again = form.submission === undefined || (err as { code?: string }).code !== '23505' ? undefined : await ticketOfSubmission(store, form.submission);
    if (again === undefined) throw err;
    return { ok: true, ticket: again, replayed: true };
  }
}

async function ticketOfSubmission(store: Store, submission: string): Promise<TicketView | undefined> {
  const found = await findByChannelId(store, 'web', submission);
  const ticket = found === undefined ? undefined : await findTicket(store, found.ticketId);
  return ticket === undefined ? undefined : ticketView(ticket);
}
