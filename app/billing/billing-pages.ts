import { dayIn, plansFor, rupees, type Invoice, type Pricing, type Subscription, type User } from '#domains/commerce';
import { accountPage, csrfField } from '../accounts/account-layout.ts';
import { html } from '../tickets/html.ts';
import type { Payer } from './billing-context.ts';
import type { AgentForSale } from './sold-agents.ts';

export interface BillingPageInput {
  user: User;
  payer: Payer;
  pricing: Pricing;
  agents: AgentForSale[];
  subscriptions: Subscription[];
  invoices: Invoice[];
  timeZone: string;
  csrf: string;
  notice?: string | undefined;
  problem?: string | undefined;
}

const inr = (paise: number) => `₹${rupees(paise)}`;
const statusText: Record<Subscription['status'], string> = {
  active: 'Active',
  past_due: 'Payment due',
  suspended: 'Suspended until paid',
  cancelled: 'Cancelled',
};
const invoiceStatus: Record<Invoice['status'], string> = {
  open: 'Open',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  void: 'Void',
};

/**
 * An organisation's billing page: its subscriptions (owners change the plan or cancel at
 * the period's end), a subscribe form for the agents it does not hire yet, and its invoices
 * with their PDFs. Plain forms: it all works without JavaScript.
 */
export function renderBilling(p: BillingPageInput): string {
  const base = `/orgs/${encodeURIComponent(p.payer.slug)}/billing`;
  const live = p.subscriptions.filter((s) => s.status !== 'cancelled');
  const hired = new Set(live.map((s) => s.agentId));
  const forHire = p.agents.filter((a) => !hired.has(a.id));
  const tax = `${p.pricing.tax.name} ${p.pricing.tax.basisPoints / 100}%`;
  const when = (iso: string) => dayIn(new Date(iso), p.timeZone);
  const agentName = (id: string) => p.agents.find((a) => a.id === id)?.name ?? id;

  const subscriptionRow = (s: Subscription) => {
    const agent = p.agents.find((a) => a.id === s.agentId);
    const action = `${base}/${encodeURIComponent(s.agentId)}`;
    const plans = agent === undefined ? [] : plansFor(p.pricing, agent.priceTier);
    const changeable = p.payer.owner && s.status !== 'cancelled' && s.status !== 'suspended';
    return html`<tr>
<td>${agentName(s.agentId)}</td>
<td>${p.pricing.plans[s.planId].name}, ${inr(p.pricing.plans[s.planId].monthlyPaise)} a month</td>
<td>${statusText[s.status]}${s.cancelAtPeriodEnd && s.status !== 'cancelled' && html`<br>Ends ${when(s.currentPeriodEnd)}`}</td>
<td>${s.status === 'cancelled' ? '–' : html`${when(s.currentPeriodStart)} – ${when(s.currentPeriodEnd)}`}</td>
<td>${
      changeable &&
      html`<form method="post" action="${action}/plan">${csrfField(p.csrf)}
<label class="visually-hidden" for="plan-${s.agentId}">Plan for ${agentName(s.agentId)}</label>
<select id="plan-${s.agentId}" name="planId">${plans.map(
        (plan) =>
          html`<option value="${plan.id}"${plan.id === s.planId && html` selected`}>${plan.name} (${inr(plan.monthlyPaise)})</option>`,
      )}</select>
<button type="submit">Change plan</button></form>
<form method="post" action="${action}/${s.cancelAtPeriodEnd ? 'keep' : 'cancel'}">${csrfField(p.csrf)}
<button type="submit" class="secondary">${s.cancelAtPeriodEnd ? 'Keep subscription' : 'Cancel at period end'}</button></form>`
    }</td>
</tr>`;
  };

  const main = html`<h1>Billing for ${p.payer.name}</h1>
${p.notice !== undefined && html`<p class="notice" role="status">${p.notice}</p>`}
${p.problem !== undefined && html`<div class="summary" role="alert"><p>${p.problem}</p></div>`}
<p>Prices are a month, plus ${tax}. Dates are in ${p.timeZone}. A plan change is prorated to the second; a cancellation takes effect at the end of the period.</p>
<h2>Subscriptions</h2>
${
  p.subscriptions.length === 0
    ? html`<p>No subscriptions yet.</p>`
    : html`<table><caption class="visually-hidden">Subscriptions</caption>
<thead><tr><th scope="col">Agent</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Period</th><th scope="col">${p.payer.owner ? 'Change' : ''}</th></tr></thead>
<tbody>${p.subscriptions.map(subscriptionRow)}</tbody></table>`
}
${
  p.payer.owner &&
  forHire.length > 0 &&
  html`<h2>Subscribe to an agent</h2>
<form method="post" action="${base}/subscribe">${csrfField(p.csrf)}
<label for="choice">Agent and plan</label>
<select id="choice" name="choice">${forHire.map((a) =>
    plansFor(p.pricing, a.priceTier).map(
      (plan) =>
        html`<option value="${a.id}:${plan.id}">${a.name} – ${plan.name}, ${inr(plan.monthlyPaise)} a month</option>`,
    ),
  )}</select>
<button type="submit">Subscribe</button>
</form>`
}
${!p.payer.owner && html`<p>Only an owner of ${p.payer.name} may subscribe, change plans or cancel.</p>`}
<h2>Invoices</h2>
${
  p.invoices.length === 0
    ? html`<p>No invoices yet.</p>`
    : html`<table><caption class="visually-hidden">Invoices</caption>
<thead><tr><th scope="col">Number</th><th scope="col">Issued</th><th scope="col">Total</th><th scope="col">Status</th><th scope="col">PDF</th></tr></thead>
<tbody>${p.invoices.map(
        (
          i,
        ) => html`<tr><td>${i.number}</td><td>${dayIn(new Date(i.issuedAt), i.timeZone)}</td><td>${inr(i.totalPaise)}</td>
<td>${invoiceStatus[i.status]}${i.status === 'open' && html` (bank transfer awaited)`}</td>
<td><a href="/orgs/${encodeURIComponent(p.payer.slug)}/invoices/${encodeURIComponent(i.number)}.pdf" download>Download ${i.number}</a></td></tr>`,
      )}</tbody></table>`
}
<p><a href="/orgs/${encodeURIComponent(p.payer.slug)}">Back to ${p.payer.name}</a></p>`;
  return accountPage(`Billing for ${p.payer.name}`, main, { name: p.user.name, signOut: '/logout', csrf: p.csrf });
}
