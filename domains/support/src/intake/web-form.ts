import { z } from 'zod';
import type { Store } from '#platform';
import { findByChannelId, findTicket, openTicket, ticketMessages } from '../desk/tickets.ts';
import { admitFormSubmission } from './form-rate-limit.ts';
import { readSubmission, signSubmission } from './form-submission.ts';
import { refuseHostileCharacters, type TextField } from './hostile-characters.ts';
import { fieldErrors, type FieldError } from './parse-input.ts';
import { ticketView, type TicketView } from './ticket-view.ts';

// The form's own words: they are shown next to the field, to a person.
const required = (what: string, max: number, field: TextField) =>
  z
    .string({ error: what })
    .trim()
    .min(1, { error: what })
    .max(max, { error: `Keep it under ${max} characters` })
    .superRefine(refuseHostileCharacters(field));

const webForm = z.object({
  email: required('Enter your email address', 320, 'line').pipe(
    z.email({ error: 'Enter an email address like name@example.com' }),
  ),
  subject: required('Enter a subject', 200, 'line'),
  message: required('Describe the problem', 20_000, 'text'),
  name: z
    .string()
    .trim()
    .max(200, { error: 'Keep your name under 200 characters' })
    .superRefine(refuseHostileCharacters('line'))
    .optional(),
  // The signed submission id of the rendering posted (form-submission.ts); read below.
  submission: z.string().max(200).optional().catch(undefined),
});

/** The form's limits (SUPPORT_FORM_*) and the key its submission ids are signed with. */
export interface WebFormSettings {
  perIpPerHour: number;
  perEmailPerHour: number;
  perDomainPerHour: number;
  key: Buffer;
}

/** One post of the form, as the door received it. */
export interface WebFormPost {
  fields: Record<string, string | undefined>;
  /** The client's address as the HTTP server sees it: posts are counted per address. */
  clientAddress: string;
  now: Date;
}

export type WebFormOutcome =
  | { ok: true; ticket: TicketView; replayed: boolean }
  /** `submission`: the id the form shown again carries, so fixing the errors and sending still makes one ticket. */
  | { ok: false; errors: FieldError[]; submission: string };

/**
 * The web form's fields as posted: a ticket on the web channel, or each field's problem.
 * Every post counts against the client's address, and every new ticket against its email
 * address (the mailbox it reaches: form-rate-limit.ts) and that address's domain
 * (WOW_ERR_FORM_RATE_LIMITED past any), so the form cannot be used to make the desk mail
 * someone, or everyone at one company, over and over. A post is a repeat of an earlier one, answered with
 * that ticket, only when it carries a submission id this server signed and says what the
 * earlier post said: an id a stranger chose, or planted in someone's form, shows nothing.
 */
export async function submitWebForm(
  store: Store,
  settings: WebFormSettings,
  post: WebFormPost,
): Promise<WebFormOutcome> {
  await admitFormSubmission(store, { kind: 'client', address: post.clientAddress }, settings.perIpPerHour, post.now);
  const id = readSubmission(settings.key, post.fields.submission);
  const parsed = webForm.safeParse(post.fields);
  if (!parsed.success)
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      submission: id === undefined ? signSubmission(settings.key) : signSubmission(settings.key, id),
    };
  const form = parsed.data;
  const earlier = id === undefined ? undefined : await ticketOfSubmission(store, id);
  if (earlier !== undefined && earlier.same(form)) return { ok: true, ticket: earlier.ticket, replayed: true };
  await admitFormSubmission(store, { kind: 'email', address: form.email }, settings.perEmailPerHour, post.now);
  await admitFormSubmission(store, { kind: 'domain', address: form.email }, settings.perDomainPerHour, post.now);
  // An id already used for other words is spent: this post is a ticket of its own.
  const channelMsgId = earlier === undefined ? id : undefined;
  const open = (msgId: string | undefined) =>
    store.transaction((tx) =>
      openTicket(tx, {
        subject: form.subject,
        body: form.message,
        channel: 'web',
        requester: { email: form.email, name: form.name === '' ? undefined : form.name },
        channelMsgId: msgId,
      }),
    );
  try {
    return { ok: true, ticket: ticketView(await open(channelMsgId)), replayed: false };
  } catch (err) {
    // The same submission twice at once: the second's message hit the first's id.
    if (channelMsgId === undefined || (err as { code?: string }).code !== '23505') throw err;
    const again = await ticketOfSubmission(store, channelMsgId);
    if (again === undefined) throw err;
    if (again.same(form)) return { ok: true, ticket: again.ticket, replayed: true };
    return { ok: true, ticket: ticketView(await open(undefined)), replayed: false };
  }
}

type FormFields = z.output<typeof webForm>;

/** The ticket a submission id opened, and whether a post says what its first post said. */
async function ticketOfSubmission(
  store: Store,
  submission: string,
): Promise<{ ticket: TicketView; same: (form: FormFields) => boolean } | undefined> {
  const found = await findByChannelId(store, 'web', submission);
  const ticket = found === undefined ? undefined : await findTicket(store, found.ticketId);
  if (found === undefined || ticket === undefined) return undefined;
  const first = (await ticketMessages(store, ticket.id)).find((m) => m.id === found.messageId);
  const same = (form: FormFields) =>
    ticket.requester.email?.toLowerCase() === form.email.toLowerCase() &&
    ticket.subject === form.subject &&
    first?.body === form.message &&
    (ticket.requester.name ?? '') === (form.name ?? '');
  return { ticket: ticketView(ticket), same };
}
