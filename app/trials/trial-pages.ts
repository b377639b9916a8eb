import { dayOf, trialQuestions, type Membership, type Trial, type User } from '#domains/commerce';
import type { AgentManifest } from '#platform';
import { html, type SafeHtml } from '../tickets/html.ts';
import { accountPage, csrfField, errorSummary, titleOf, type FieldProblem } from '../accounts/account-layout.ts';

const signedAs = (user: User, csrf: string) => ({ name: user.name, signOut: '/logout', csrf });

// The layout styles inputs and selects; a text area gets the same look here (the CSP allows
// inline style), red as an input is when its answer has a problem.
const boxStyle = (invalid: boolean) =>
  `box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid ${invalid ? '#d4351c' : '#0b0c0c'};margin-top:.25rem`;

/** One question: a one-line input for the short answers, a text area for the long ones, with its hint and error. */
function question(q: (typeof trialQuestions)[number], value: string, errors: FieldProblem[]): SafeHtml {
  const error = errors.find((e) => e.field === q.field)?.message;
  const described = `${q.field}-hint${error === undefined ? '' : ` ${q.field}-error`}`;
  const common = html`id="${q.field}" name="${q.field}" maxlength="${q.max}" required aria-required="true" aria-describedby="${described}"${error !== undefined && html` aria-invalid="true"`}`;
  return html`<div>
<label for="${q.field}">${q.label}</label>
<p class="hint" id="${q.field}-hint">${q.hint}</p>
${error !== undefined && html`<p class="error" id="${q.field}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
${
  q.max > 200
    ? html`<textarea ${common} rows="4" style="${boxStyle(error !== undefined)}">${value}</textarea>`
    : html`<input type="text" ${common} autocomplete="off" value="${value}">`
}
</div>
`;
}

/**
 * "Start free trial": the business-context questionnaire for one agent, for one of the
 * person's organisations (chosen when they have several). It posts to itself; a refusal
 * (a trial there already) comes back above the form.
 */
export function renderTrialForm(view: {
  user: User;
  agent: AgentManifest;
  organisations: Membership[];
  chosen: string | undefined;
  csrf: string;
  values: Record<string, string | undefined>;
  errors: FieldProblem[];
  problem: string | undefined;
}): string {
  const { agent, organisations } = view;
  const [only] = organisations;
  const unchosen = view.errors.some((e) => e.field === 'organisation');
  const which =
    organisations.length === 1 && only !== undefined
      ? html`<p>For ${only.name}.</p><input type="hidden" name="organisation" value="${only.slug}">`
      : html`<label for="organisation">Organisation</label>
${
  unchosen &&
  html`<p class="error" id="organisation-error"><span class="visually-hidden">Error: </span>Choose the organisation the trial is for</p>`
}
<select id="organisation" name="organisation"${unchosen && html` aria-invalid="true" aria-describedby="organisation-error"`}>${organisations.map(
          (o) => html`<option value="${o.slug}"${o.slug === view.chosen && html` selected`}>${o.name}</option>`,
        )}</select>`;
  const form =
    organisations.length === 0
      ? html`<p>You belong to no organisation, and a trial is an organisation's. An owner can invite you to theirs.</p>`
      : html`<form method="post" action="/agents/${agent.id}/trial" novalidate>
${csrfField(view.csrf)}
${which}
${trialQuestions.map((q) => question(q, view.values[q.field] ?? '', view.errors))}
<button type="submit">Start free trial</button>
</form>`;
  return accountPage(
    titleOf(`Start your free trial of ${agent.name}`, view.errors),
    html`<h1>Start your free trial of ${agent.name}</h1>
<p><span aria-hidden="true">${agent.catalog?.avatar ?? ''}</span> ${agent.catalog?.specialty ?? agent.description}</p>
<p>Seven days, free, no payment details. Tell ${agent.name} about your business: its first piece of work for you starts as soon as you send this, and everything it delivers stays yours.</p>
${view.problem !== undefined && html`<div class="summary" role="alert"><h2>That did not work</h2><p>${view.problem}</p></div>`}
${errorSummary(view.errors)}
${form}
<p><a href="/agents/${agent.id}">Back to ${agent.name}</a></p>`,
    signedAs(view.user, view.csrf),
  );
}

const stateWords = (trial: Trial, now: Date): string => {
  if (trial.state === 'converted') return 'Subscribed: the trial became a subscription.';
  const left = Math.ceil((new Date(trial.endsAt).getTime() - now.getTime()) / 86_400_000);
  if (left > 0) return `Active: ${left} day${left === 1 ? '' : 's'} left.`;
  return 'Ended: the agent takes no new work until you subscribe. Everything it delivered stays yours to download.';
};

/** An organisation's trial of an agent: when it ends, what state it is in, where to subscribe. */
export function renderTrialStatus(view: {
  user: User;
  agent: AgentManifest;
  organisation: Membership;
  trial: Trial;
  started: boolean;
  now: Date;
  csrf: string;
}): string {
  const { agent, trial } = view;
  const endsAt = `${dayOf(trial.endsAt)} at ${trial.endsAt.slice(11, 16)} UTC`;
  return accountPage(
    `Your free trial of ${agent.name}`,
    html`<h1>Your free trial of ${agent.name}</h1>
${
  view.started &&
  html`<p class="notice" role="status">Your free trial has started. ${agent.name} is working on its first deliverable for ${view.organisation.name}.</p>`
}
<table>
<tbody>
<tr><th scope="row">Organisation</th><td>${view.organisation.name}</td></tr>
<tr><th scope="row">Started</th><td>${dayOf(trial.startedAt)}</td></tr>
<tr><th scope="row">Ends</th><td>${endsAt}</td></tr>
<tr><th scope="row">State</th><td>${stateWords(trial, view.now)}</td></tr>
</tbody>
</table>
<p><a class="button" href="/agents/${agent.id}">Subscribe to ${agent.name}</a></p>
<p><a href="/dashboard">Your dashboard</a></p>`,
    signedAs(view.user, view.csrf),
  );
}
