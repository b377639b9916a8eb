import type { FieldError, TicketView } from '#domains/support';
import { html, SafeHtml } from './html.ts';

export interface FormState {
  /** What the person typed, shown again when the form comes back with errors. */
  values: Record<string, string | undefined>;
  errors: FieldError[];
  /** A fresh signed id per rendering: the same form posted twice is one ticket. */
  submission: string;
}

const fields = [
  {
    name: 'email',
    label: 'Your email address',
    hint: 'We answer you there.',
    input: 'email',
    autocomplete: 'email',
    required: true,
  },
  {
    name: 'name',
    label: 'Your name (optional)',
    hint: undefined,
    input: 'text',
    autocomplete: 'name',
    required: false,
  },
  {
    name: 'subject',
    label: 'Subject',
    hint: 'A few words, e.g. "Cannot reset my API key".',
    input: 'text',
    autocomplete: 'off',
    required: true,
  },
  {
    name: 'message',
    label: 'Message',
    hint: 'What happened, what you expected, and any error you saw.',
    input: 'textarea',
    autocomplete: 'off',
    required: true,
  },
] as const;

const style = `body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;font-weight:600;margin-top:1.25rem}.hint{color:#505a5f;margin:0}
input,textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid #0b0c0c;margin-top:.25rem}
textarea{min-height:10rem}[aria-invalid=true]{border-color:#d4351c}.error{color:#d4351c;font-weight:600;margin:.25rem 0 0}
.summary{border:4px solid #d4351c;padding:1rem;margin-bottom:1rem}.summary a{color:#d4351c}
button{margin-top:1.5rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;background:#00703c;color:#fff;border:0}
:focus-visible{outline:3px solid #fd0;outline-offset:0}.reference{font-size:1.5rem;font-family:monospace}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
// Ours, not anyone's input, and free of markup: the one fragment trusted as it is.
const styleSheet = new SafeHtml(style);

function page(title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${styleSheet}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`.text;
}

/** The support form: empty, or again with each field's problem and what was typed. */
export function renderSupportForm(state: FormState): string {
  const errorOf = (name: string) => state.errors.find((e) => e.field === name)?.message;
  const summary =
    state.errors.length > 0 &&
    html`<div class="summary" role="alert" aria-labelledby="summary-title" tabindex="-1" id="error-summary">
<h2 id="summary-title">There is a problem</h2>
<ul>${state.errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`;
  const title = `${state.errors.length > 0 ? 'Error: ' : ''}Contact support`;
  return page(
    title,
    html`<h1>Contact support</h1>
${summary}
<p>Tell us what went wrong. We reply by email, and you get a ticket reference straight away.</p>
<form method="post" action="/support" novalidate>
<input type="hidden" name="submission" value="${state.submission}">
${fields.map((f) => field(f, state.values[f.name] ?? '', errorOf(f.name)))}
<button type="submit">Send</button>
</form>`,
  );
}

function field(f: (typeof fields)[number], value: string, error: string | undefined): SafeHtml {
  const described = [
    f.hint === undefined ? undefined : `${f.name}-hint`,
    error === undefined ? undefined : `${f.name}-error`,
  ]
    .filter((id) => id !== undefined)
    .join(' ');
  const attrs = html`id="${f.name}" name="${f.name}" autocomplete="${f.autocomplete}"${f.required && html` required aria-required="true"`}${error !== undefined && html` aria-invalid="true"`}${described !== '' && html` aria-describedby="${described}"`}`;
  return html`<div>
<label for="${f.name}">${f.label}</label>
${f.hint !== undefined && html`<p class="hint" id="${f.name}-hint">${f.hint}</p>`}
${error !== undefined && html`<p class="error" id="${f.name}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
${f.input === 'textarea' ? html`<textarea ${attrs}>${value}</textarea>` : html`<input type="${f.input}" ${attrs} value="${value}">`}
</div>
`;
}

/** What the person sees once the ticket is open: its reference, to quote in later mail. */
export function renderConfirmation(ticket: TicketView): string {
  return page(
    'Request received – Contact support',
    html`<h1>We have your request</h1>
<p role="status">Your ticket reference is</p>
<p class="reference" id="ticket-reference">${ticket.id}</p>
<p>Subject: ${ticket.subject}</p>
<p>We will answer you at ${ticket.requester.email ?? 'your email address'}. Quote the reference if you write to us about it.</p>
<p><a href="/support">Send another request</a></p>`,
  );
}

/**
 * Past the form's rate limit: when to try again, in UTC and in minutes from now (the
 * Retry-After header says the same in seconds). Nothing the person typed is shown.
 */
export function renderRateLimited(retryAt: Date, retryAfterSeconds: number): string {
  const at = Number.isNaN(retryAt.getTime()) ? 'an hour' : `${retryAt.toISOString().slice(11, 16)} UTC`;
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return page(
    'Too many requests – Contact support',
    html`<h1>Too many requests</h1>
<p>We take only a few requests an hour from one network, and for one email address, so that nobody can use this form to flood someone with mail. Your request was not sent.</p>
<p>Try again after ${at} (in ${minutes} minute${minutes === 1 ? '' : 's'}).</p>
<p><a href="/support">Back to the form</a></p>`,
  );
}

/** A page for what went wrong on our side: nothing was sent. */
export function renderFailure(status: number, requestId: string): string {
  const text =
    status >= 500
      ? `Something went wrong on our side and your request was not sent. Go back and send it again; if it keeps failing, tell us the reference ${requestId}.`
      : 'The form could not be read. Go back and send it again.';
  return page(
    'Problem – Contact support',
    html`<h1>Your request was not sent</h1>
<p>${text}</p>
<p><a href="/support">Back to the form</a></p>`,
  );
}
