import { planIds, rupees, taxOn, type PlanId, type Pricing } from '#domains/commerce';
import type { FieldProblem } from '../accounts/account-layout.ts';
import { html, type SafeHtml } from '../tickets/html.ts';
import { marketplacePage } from './marketplace-layout.ts';
import type { RoiFields, RoiResult } from './roi.ts';

export interface PricingView {
  pricing: Pricing;
  /** The agents for hire listed at each plan (their catalog.priceTier), by name. */
  agentsByPlan: ReadonlyMap<PlanId, readonly string[]>;
  fields: RoiFields;
  errors: FieldProblem[];
  result: RoiResult | undefined;
}

const money = (paise: number) => `₹${rupees(paise)}`;
const hours = (tenths: number) => `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)} h`;

function planCard(view: PricingView, id: PlanId): SafeHtml {
  const { pricing } = view;
  const plan = pricing.plans[id];
  const tax = taxOn(plan.monthlyPaise, pricing.tax.basisPoints);
  const agents = view.agentsByPlan.get(id) ?? [];
  return html`<li class="card">
<h3>${plan.name}</h3>
<p class="price"><strong>${money(plan.monthlyPaise)}</strong> a month per agent</p>
<p>+ ${pricing.tax.name} ${pricing.tax.basisPoints / 100}%: ${money(tax)}, so ${money(plan.monthlyPaise + tax)} a month in all</p>
<p class="hint">${agents.length === 0 ? 'No agent is listed at this plan yet.' : `Agents listed at ${plan.name}: ${agents.join(', ')}`}</p>
</li>`;
}

/** A field's error line and the attributes that tie its hint and error to it for screen readers. */
function fieldProblem(name: string, error: string | undefined): { line: SafeHtml | false; attributes: SafeHtml } {
  return {
    line:
      error !== undefined &&
      html`<p class="error" id="${name}-error"><span class="visually-hidden">Error: </span>${error}</p>`,
    attributes: html` aria-describedby="${name}-hint${error !== undefined ? ` ${name}-error` : ''}"${error !== undefined && html` aria-invalid="true"`}`,
  };
}

function numberField(name: 'hours' | 'cost', label: string, hint: string, view: PricingView): SafeHtml {
  const problem = fieldProblem(name, view.errors.find((e) => e.field === name)?.message);
  return html`<div>
<label for="${name}">${label}</label>
<p class="hint" id="${name}-hint">${hint}</p>
${problem.line}
<input type="text" inputmode="decimal" id="${name}" name="${name}" maxlength="12" value="${view.fields[name]}"${problem.attributes}>
</div>`;
}

function resultOf(view: PricingView, r: RoiResult): SafeHtml {
  const plan = view.pricing.plans[r.plan].name;
  const ahead = r.netPaise >= 0;
  return html`<section id="result" aria-labelledby="result-title" class="result">
<h3 id="result-title">Your return on the ${plan} plan</h3>
<dl class="figures">
<div><dt>Time saved is worth</dt><dd>${money(r.valuePaise)} a month<small>${hours(r.hoursTenths)} × ${money(r.hourlyCostPaise)} an hour</small></dd></div>
<div><dt>The plan costs</dt><dd>${money(r.totalPaise)} a month<small>${money(r.pricePaise)} + ${money(r.taxPaise)} ${view.pricing.tax.name}</small></dd></div>
<div><dt>${ahead ? 'You come out ahead by' : 'It costs more than it saves by'}</dt>
<dd>${money(Math.abs(r.netPaise))} a month<small>${ahead ? `${(r.valuePaise / r.totalPaise).toFixed(1)}× what you pay` : 'at these figures'}</small></dd></div>
<div><dt>It pays for itself at</dt><dd>${hours(r.breakEvenTenths)} saved a month</dd></div>
</dl>
</section>`;
}

/** `/pricing`: the plans by tier with their tax, and the ROI calculator (a GET form the server answers). */
export function renderPricing(view: PricingView): string {
  const planProblem = fieldProblem('plan', view.errors.find((e) => e.field === 'plan')?.message);
  const main = html`<h1>Pricing</h1>
<p class="lead">One monthly price per agent, by its plan. Every agent starts with a 7-day free trial, and you keep everything it delivers.</p>
<h2>Plans</h2>
<ul class="cards">${planIds.map((id) => planCard(view, id))}</ul>
<h2 id="calculator">What would an agent save you?</h2>
<p>Enter the hours an agent would save your team each month and what an hour of their time costs you; we compare that with the plan's price, tax included.</p>
${
  view.errors.length > 0 &&
  html`<div class="summary" role="alert" aria-labelledby="summary-title" id="error-summary">
<h3 id="summary-title">There is a problem</h3>
<ul>${view.errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`
}
<form method="get" action="/pricing#calculator" class="calculator" novalidate>
<div><label for="plan">Plan</label><p class="hint" id="plan-hint">Compared with its price, GST included</p>
${planProblem.line}
<select id="plan" name="plan"${planProblem.attributes}>${planIds.map(
    (id) =>
      html`<option value="${id}"${id === view.fields.plan && html` selected`}>${view.pricing.plans[id].name}</option>`,
  )}</select></div>
${numberField('hours', 'Hours saved a month', 'For example 20, or 12.5', view)}
${numberField('cost', 'Cost of an hour (₹)', 'Your team’s cost, in whole rupees', view)}
<div><button type="submit">Calculate</button></div>
</form>
${view.result !== undefined && resultOf(view, view.result)}
<p><a href="/agents">See every agent</a></p>`;
  return marketplacePage({
    title: view.errors.length > 0 ? 'Error: Pricing' : 'Pricing',
    description: 'Plans from ₹8,000 a month per agent, GST shown, and a calculator of the time an agent saves you.',
    main,
  });
}
