import { dayIn, rupees, type Invoice, type User } from '#domains/commerce';
import { maxNoteLength } from '#domains/customer';
import type { ListedTicket, SlaState } from '#domains/support';
import { html, type SafeHtml } from '../tickets/html.ts';
import { csrfField, errorSummary, type FieldProblem } from '../accounts/account-layout.ts';
import { count, duration, stars } from '../marketplace/figure-text.ts';
import { chartAssets } from './chart-assets.ts';
import type { Dashboard, HiredAgent } from './dashboard-data.ts';
import { dashboardPage } from './dashboard-layout.ts';

/** What the page's forms came back with: the values typed and each field's problem. */
export interface FormState {
  form: 'hourly' | 'revenue';
  values: Record<string, string | undefined>;
  errors: FieldProblem[];
}

export interface DashboardPageInput {
  dashboard: Dashboard;
  user: User;
  /** The person's other organisations, for switching. */
  organisations: { slug: string; name: string }[];
  csrf: string;
  notice?: string | undefined;
  form?: FormState | undefined;
}

/** ₹ as billing shows it: "₹12,345.67". */
export const inr = (paise: number): string => `₹${rupees(paise)}`;
/** Exact minutes as hours and minutes: "12 h 30 min". */
export const hoursAndMinutes = (minutes: number): string =>
  minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
/** Hours to one decimal, for hours active. */
const hours = (ms: number): string => `${(Math.round(ms / 360_000) / 10).toFixed(1)} h`;
const days = (n: number) => count(n, 'day', 'days');

const slaText: Record<SlaState, { text: string; tone: string }> = {
  breached: { text: 'Breached', tone: 'state-bad' },
  at_risk: { text: 'At risk', tone: 'state-warn' },
  on_track: { text: 'On track', tone: 'state-good' },
  paused: { text: 'Paused (waiting on you)', tone: '' },
  met: { text: 'Met', tone: 'state-good' },
  missed: { text: 'Missed', tone: 'state-bad' },
  none: { text: '–', tone: '' },
};
const invoiceStatus: Record<Invoice['status'], string> = {
  open: 'Open',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  void: 'Void',
};

/** The agent's trial and subscription, in words, with the days left. */
export function hireState(a: HiredAgent, timeZone: string): SafeHtml {
  const when = (iso: string) => dayIn(new Date(iso), timeZone);
  const s = a.subscription;
  const subscription =
    s === null
      ? undefined
      : s.status === 'cancelled'
        ? html`Subscription cancelled`
        : s.status === 'suspended'
          ? html`<span class="state state-bad">Suspended until paid</span>`
          : html`${s.planName} plan${s.status === 'past_due' && html`, <span class="state state-warn">payment due</span>`}<br>${
              s.cancelAtPeriodEnd ? 'ends' : 'renews'
            } in ${days(s.daysLeft)} (${when(s.periodEnd)})`;
  const t = a.trial;
  const trial =
    t === null
      ? undefined
      : t.state === 'active'
        ? html`Free trial: ${days(t.daysLeft)} left (ends ${when(t.endsAt)})`
        : t.state === 'converted'
          ? html`Trial converted`
          : html`Trial ended ${when(t.endsAt)}`;
  return html`${subscription}${subscription !== undefined && trial !== undefined && html`<br>`}${trial}`;
}

function agentRow(a: HiredAgent, d: Dashboard, slug: string): SafeHtml {
  const w = a.work;
  const rt = w.responseTime;
  return html`<tr>
<th scope="row"><span aria-hidden="true">${a.avatar}</span>
<a href="/dashboard/agents/${encodeURIComponent(a.id)}?organisation=${encodeURIComponent(slug)}">${a.name}</a></th>
<td>${hireState(a, d.timeZone)}</td>
<td class="num">${w.tasksCompleted}${w.tasksOpen > 0 && html`<br><small>${w.tasksOpen} in progress</small>`}</td>
<td class="num">${w.rating.mean === null ? '–' : html`${stars(w.rating.mean)} <small>(${count(w.rating.count, 'rating', 'ratings')})</small>`}</td>
<td class="num">${rt.medianMs === null || rt.p95Ms === null ? '–' : html`${duration(rt.medianMs)} / ${duration(rt.p95Ms)}`}</td>
<td class="num">${hours(w.activeMs)}</td>
<td class="num">${hoursAndMinutes(a.minutesSaved)}</td>
</tr>`;
}

function ticketRow(t: ListedTicket, timeZone: string): SafeHtml {
  const sla = slaText[t.sla.state];
  return html`<tr><td>${t.subject}</td><td>${t.tier}</td><td>${t.status.replace('_', ' ')}</td>
<td><span class="state ${sla.tone}">${sla.text}</span>${
    t.sla.dueAt !== null && html`<br><small>next due ${dayIn(new Date(t.sla.dueAt), timeZone)}</small>`
  }</td>
<td>${dayIn(new Date(t.createdAt), timeZone)}</td></tr>`;
}

interface InputSpec {
  name: string;
  label: string;
  hint: string;
  type: 'text' | 'date';
  inputmode?: string;
  maxlength: number;
}

/** The ROI forms' fields. */
const fields: Record<'hourlyCost' | 'amount' | 'note' | 'date', InputSpec> = {
  hourlyCost: {
    name: 'hourlyCost',
    label: 'Cost of an hour of a person’s work (₹)',
    hint: 'What an hour of the work the agents do would cost you, e.g. 1500.',
    type: 'text',
    inputmode: 'decimal',
    maxlength: 20,
  },
  amount: {
    name: 'amount',
    label: 'Amount (₹)',
    hint: 'Revenue that came from the agents’ work, e.g. 25000.',
    type: 'text',
    inputmode: 'decimal',
    maxlength: 20,
  },
  note: {
    name: 'note',
    label: 'Where it came from',
    hint: 'Up to 200 characters, e.g. “Orders from the new product pages”.',
    type: 'text',
    maxlength: maxNoteLength,
  },
  date: { name: 'date', label: 'Day it came in', hint: 'For example 2026-11-30.', type: 'date', maxlength: 10 },
};

/** A labelled input with its error, for the ROI forms. */
function input(f: InputSpec, state: FormState | undefined, form: FormState['form'], fallback = ''): SafeHtml {
  const mine = state?.form === form ? state : undefined;
  const error = mine?.errors.find((e) => e.field === f.name)?.message;
  const id = `${form}-${f.name}`;
  const described = `${id}-hint${error !== undefined ? ` ${id}-error` : ''}`;
  const value = mine?.values[f.name] ?? fallback;
  return html`<label for="${id}">${f.label}</label>
<p class="hint" id="${id}-hint">${f.hint}</p>
${error !== undefined && html`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
<input type="${f.type}" id="${id}" name="${f.name}" maxlength="${f.maxlength}"${
    f.inputmode !== undefined && html` inputmode="${f.inputmode}"`
  } required aria-describedby="${described}"${error !== undefined && html` aria-invalid="true"`} value="${value}">`;
}

/**
 * The customer dashboard: the ROI, each hired agent's work and state, usage over the last
 * 30 days (a table, which the chart script draws above itself), the ROI settings, invoices
 * and support tickets. Plain HTML and forms: everything works without JavaScript.
 */
export function renderDashboard(p: DashboardPageInput): string {
  const d = p.dashboard;
  const { organisation: org } = d.viewer;
  const slug = org.slug;
  const owner = d.viewer.role === 'owner';
  const roi = d.roi;
  const state = p.form;
  const today = d.usage.at(-1)?.day ?? '';
  const usageTotal = d.usage.reduce((n, u) => n + u.tasksCompleted, 0);

  const main = html`<h1>Dashboard for ${org.name}</h1>
${p.notice !== undefined && html`<p class="notice" role="status">${p.notice}</p>`}
${
  p.organisations.length > 1 &&
  html`<p>Your other organisations: ${p.organisations
    .filter((o) => o.slug !== slug)
    .map(
      (o, i) => html`${i > 0 && ', '}<a href="/dashboard?organisation=${encodeURIComponent(o.slug)}">${o.name}</a>`,
    )}</p>`
}
<h2>Return on your agents</h2>
<dl class="figures">
<div><dt>Time saved</dt><dd>${hoursAndMinutes(roi.timeSaved.minutes)}<small>by ${count(
    d.agents.reduce((n, a) => n + a.work.tasksCompleted, 0),
    'completed task',
    'completed tasks',
  )}</small></dd></div>
<div><dt>Value of the time saved</dt><dd>${
    roi.timeValuePaise === null || roi.hourlyCostPaise === null
      ? html`–<small>${owner ? 'set your hourly cost below' : 'an owner sets the hourly cost'}</small>`
      : html`${inr(roi.timeValuePaise)}<small>at ${inr(roi.hourlyCostPaise)} an hour</small>`
  }</dd></div>
<div><dt>Revenue recorded</dt><dd>${inr(roi.revenuePaise)}<small>from the agents' work, as you recorded it</small></dd></div>
<div><dt>Total value</dt><dd>${inr(roi.totalPaise)}</dd></div>
</dl>
<p class="hint">Time saved is each completed task's estimate of the work it saves a person (its task type's, as the agent's
profile says) added up; its value is that time at your hourly cost.${
    roi.timeSaved.unestimated > 0 &&
    ` ${count(roi.timeSaved.unestimated, 'completed task is', 'completed tasks are')} of a type no longer listed, so not counted.`
  }</p>
<h2>Your agents</h2>
${
  d.agents.length === 0
    ? html`<p>You have not hired an agent yet. <a href="/agents">Find one and start a free trial</a>.</p>`
    : html`<div class="scroll"><table><caption class="visually-hidden">Your agents and their work</caption>
<thead><tr><th scope="col">Agent</th>
<th scope="col">Trial or subscription</th>
<th scope="col" class="num">Tasks completed</th>
<th scope="col" class="num">Rating</th>
<th scope="col" class="num">Response time<br><small>median / 95%</small></th>
<th scope="col" class="num">Hours active</th>
<th scope="col" class="num">Time saved</th></tr></thead>
<tbody>${d.agents.map((a) => agentRow(a, d, slug))}</tbody></table></div>
<p class="hint">Ratings are your organisation's (1 to 5) of delivered work; response time is from the agent starting a task to
delivering it; hours active is the time the agents spent on your completed tasks.</p>`
}
<h2 id="usage-title">Usage over the last 30 days</h2>
<div id="usage-chart" class="chart" role="img" hidden
aria-label="Chart of tasks completed and hours saved each day; the same figures are in the table below"></div>
<div class="scroll"><table id="usage-table" aria-describedby="usage-title">
<caption class="visually-hidden">Tasks completed and time saved each day (${d.timeZone})</caption>
<thead><tr><th scope="col">Day</th>
<th scope="col" class="num">Tasks completed</th>
<th scope="col" class="num">Time saved</th></tr></thead>
<tbody>${d.usage.map(
    (u) =>
      html`<tr data-day="${u.day}" data-tasks="${u.tasksCompleted}" data-minutes="${u.minutesSaved}">
<td>${dayIn(new Date(`${u.day}T12:00:00Z`), 'UTC')}</td><td class="num">${u.tasksCompleted}</td><td class="num">${hoursAndMinutes(u.minutesSaved)}</td></tr>`,
  )}</tbody>
<tfoot><tr><th scope="row">30 days</th><td class="num">${usageTotal}</td>
<td class="num">${hoursAndMinutes(d.usage.reduce((n, u) => n + u.minutesSaved, 0))}</td></tr></tfoot>
</table></div>
<h2>Your ROI figures</h2>
${state !== undefined && errorSummary(state.errors.map((e) => ({ ...e, field: `${state.form}-${e.field}` })))}
<div class="forms">
<div>
<h3>Hourly cost</h3>
${
  owner
    ? html`<form method="post" action="/dashboard/hourly-cost" novalidate>${csrfField(p.csrf)}
<input type="hidden" name="organisation" value="${slug}">
${input(fields.hourlyCost, state, 'hourly', roi.hourlyCostPaise === null ? '' : rupees(roi.hourlyCostPaise))}
<button type="submit">Save hourly cost</button></form>`
    : html`<p>${roi.hourlyCostPaise === null ? 'Not set yet.' : `${inr(roi.hourlyCostPaise)} an hour.`} Only an owner of ${org.name} changes it.</p>`
}
</div>
<div>
<h3>Record revenue</h3>
<form method="post" action="/dashboard/revenue" novalidate>${csrfField(p.csrf)}
<input type="hidden" name="organisation" value="${slug}">
${input(fields.amount, state, 'revenue')}
${input(fields.note, state, 'revenue')}
${input(fields.date, state, 'revenue', today)}
<button type="submit">Record revenue</button></form>
</div>
</div>
${
  d.revenue.length > 0 &&
  html`<div class="scroll"><table><caption>Revenue recorded (latest ${d.revenue.length})</caption>
<thead><tr><th scope="col">Day</th>
<th scope="col">Where it came from</th>
<th scope="col" class="num">Amount</th></tr></thead>
<tbody>${d.revenue.map(
    (r) => html`<tr><td>${dayIn(new Date(`${r.occurredOn}T12:00:00Z`), 'UTC')}</td><td>${r.note}</td>
<td class="num">${inr(r.amountPaise)}</td></tr>`,
  )}</tbody></table></div>`
}
<h2>Invoices</h2>
${
  d.invoices.length === 0
    ? html`<p>No invoices yet.</p>`
    : html`<div class="scroll"><table><caption class="visually-hidden">Invoices</caption>
<thead><tr><th scope="col">Number</th>
<th scope="col">Issued</th>
<th scope="col" class="num">Total</th>
<th scope="col">Status</th>
<th scope="col">PDF</th></tr></thead>
<tbody>${d.invoices.map(
        (i) => html`<tr><td>${i.number}</td><td>${dayIn(new Date(i.issuedAt), i.timeZone)}</td>
<td class="num">${inr(i.totalPaise)}</td><td>${invoiceStatus[i.status]}</td>
<td><a href="/orgs/${encodeURIComponent(slug)}/invoices/${encodeURIComponent(i.number)}.pdf" download>Download ${i.number}</a></td></tr>`,
      )}</tbody></table></div>`
}
<p><a href="/orgs/${encodeURIComponent(slug)}/billing">Billing and subscriptions</a></p>
<h2>Support tickets</h2>
${
  d.tickets.tickets.length === 0
    ? html`<p>No support tickets.</p>`
    : html`<div class="scroll"><table><caption class="visually-hidden">Support tickets, newest first</caption>
<thead><tr><th scope="col">Subject</th>
<th scope="col">Tier</th>
<th scope="col">Status</th>
<th scope="col">Service level</th>
<th scope="col">Opened</th></tr></thead>
<tbody>${d.tickets.tickets.map((t) => ticketRow(t, d.timeZone))}</tbody></table></div>`
}
<p><a href="/support">Ask support</a>${
    d.tickets.nextCursor !== null &&
    html` · the latest ${d.tickets.tickets.length} are shown; <code>GET /api/tickets</code> pages through every one`
  }</p>`;
  return dashboardPage({
    title: `${state !== undefined && state.errors.length > 0 ? 'Error: ' : ''}Dashboard for ${org.name}`,
    main,
    signed: { name: p.user.name, csrf: p.csrf },
    scripts: [chartAssets.uplotScript, chartAssets.usageScript],
    styles: [chartAssets.uplotStyle],
  });
}
