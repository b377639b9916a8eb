import type { AgentRequestView } from '#domains/customer';
import type { Membership, User } from '#domains/commerce';
import { html, type SafeHtml } from '../tickets/html.ts';
import { accountPage, csrfField, errorSummary, titleOf, type FieldProblem } from '../accounts/account-layout.ts';

/** The form's fields: name, label, hint, the longest answer, and whether it takes several lines. */
const questions = [
  { field: 'name', label: 'What should the agent be called?', hint: 'A few words, e.g. "Invoice Checker".', max: 60 },
  {
    field: 'purpose',
    label: 'What should it do for you?',
    hint: 'What it does, for whom, and what it must never do (20 to 2,000 characters).',
    max: 2000,
  },
  {
    field: 'industry',
    label: 'Your industry (optional)',
    hint: 'e.g. Healthcare, E-commerce.',
    max: 80,
    optional: true,
  },
  { field: 'task.title', label: 'The work you would send it', hint: 'A title, e.g. "Check an invoice".', max: 80 },
  {
    field: 'task.input',
    label: 'What you would send with it',
    hint: 'e.g. "the invoice and its purchase order, as text".',
    max: 300,
  },
  { field: 'task.output', label: 'What you want back', hint: 'e.g. "the lines that differ, with amounts".', max: 300 },
  {
    field: 'task.minutesSaved',
    label: 'Minutes it would save you each time',
    hint: 'A whole number from 1 to 10,000; your dashboard counts your return from it.',
    max: 5,
  },
] as const;

const boxStyle = (invalid: boolean) =>
  `box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid ${invalid ? '#d4351c' : '#0b0c0c'};margin-top:.25rem`;

function question(q: (typeof questions)[number], value: string, errors: FieldProblem[]): SafeHtml {
  const id = q.field.replace('.', '-');
  const error = errors.find((e) => e.field === q.field)?.message;
  const described = `${id}-hint${error === undefined ? '' : ` ${id}-error`}`;
  const required = 'optional' in q ? html`` : html` required aria-required="true"`;
  const common = html`id="${id}" name="${q.field}" maxlength="${q.max}"${required} aria-describedby="${described}"${error !== undefined && html` aria-invalid="true"`}`;
  return html`<div>
<label for="${id}">${q.label}</label>
<p class="hint" id="${id}-hint">${q.hint}</p>
${error !== undefined && html`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
${
  q.max > 300
    ? html`<textarea ${common} rows="5" style="${boxStyle(error !== undefined)}">${value}</textarea>`
    : html`<input type="text" ${common} autocomplete="off" value="${value}">`
}
</div>
`;
}

function requestRow(r: AgentRequestView): SafeHtml {
  const status =
    r.issue === null
      ? html`Received: our team turns it into an agent specification`
      : html`In review: <a href="${r.issue.url}">issue #${String(r.issue.number)}</a>`;
  return html`<tr><td>${r.name}</td><td>${r.task.title}</td><td>${status}</td><td><time datetime="${r.createdAt}">${r.createdAt.slice(0, 10)}</time></td></tr>`;
}

/**
 * "Request an agent": what an organisation needs that the marketplace lacks, as a short
 * form (one task described), and the organisation's requests so far with their issues.
 * The agent built from a request serves that organisation alone.
 */
export function renderRequestPage(view: {
  user: User;
  organisations: Membership[];
  chosen: Membership | undefined;
  requests: AgentRequestView[];
  csrf: string;
  values: Record<string, string | undefined>;
  errors: FieldProblem[];
  problem: string | undefined;
  sent: boolean;
}): string {
  const { organisations, chosen } = view;
  const which =
    organisations.length === 1 && chosen !== undefined
      ? html`<p>For ${chosen.name}.</p><input type="hidden" name="organisation" value="${chosen.slug}">`
      : html`<label for="organisation">Organisation</label>
<select id="organisation" name="organisation">${organisations.map(
          (o) => html`<option value="${o.slug}"${o.slug === chosen?.slug && html` selected`}>${o.name}</option>`,
        )}</select>`;
  const form =
    organisations.length === 0
      ? html`<p>You belong to no organisation, and an agent is requested for one. An owner can invite you to theirs.</p>`
      : html`<form method="post" action="/agents/request" novalidate>
${csrfField(view.csrf)}
${which}
${questions.map((q) => question(q, view.values[q.field] ?? '', view.errors))}
<button type="submit">Send the request</button>
</form>`;
  const list =
    view.requests.length === 0
      ? html``
      : html`<h2>Your organisation's requests</h2>
<table><thead><tr><th scope="col">Agent</th><th scope="col">Work</th><th scope="col">Where it is</th><th scope="col">Sent</th></tr></thead>
<tbody>${view.requests.map(requestRow)}</tbody></table>`;
  return accountPage(
    titleOf('Request an agent', view.errors),
    html`<h1>Request an agent</h1>
<p>Need work done that no agent in the marketplace does? Describe it. Our team reviews each request as an agent specification in the open, builds it with the Factory, and the agent appears in the marketplace for your organisation alone.</p>
${view.sent && html`<div class="summary" role="status"><h2>Request sent</h2><p>It is listed below; its review issue appears there once opened.</p></div>`}
${view.problem !== undefined && html`<div class="summary" role="alert"><h2>That did not work</h2><p>${view.problem}</p></div>`}
${errorSummary(view.errors.map((e) => ({ ...e, field: e.field.replace('.', '-') })))}
${form}
${list}
<p><a href="/agents">Back to the agents</a></p>`,
    { name: view.user.name, signOut: '/logout', csrf: view.csrf },
  );
}
