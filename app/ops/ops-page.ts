import { rupees } from '#domains/commerce';
import type { TierFigures } from '#domains/support';
import { accountPage } from '../accounts/account-layout.ts';
import { html, type SafeHtml } from '../tickets/html.ts';
import type { LayerState } from './layer-health.ts';
import { spanDays, throughputHours, type OpsAgent, type OpsFigures } from './ops-figures.ts';

const percent = (share: number | null): string => (share === null ? 'none yet' : `${(share * 100).toFixed(1)}%`);
const minutes = (m: number | null): string =>
  m === null
    ? 'none yet'
    : m < 1
      ? `${Math.round(m * 60)} s`
      : m < 60
        ? `${m.toFixed(1)} min`
        : `${(m / 60).toFixed(1)} h`;
/** A table's head: one column header per name. */
const head = (...names: string[]): SafeHtml =>
  html`<thead><tr>${names.map((n) => html`<th scope="col">${n}</th>`)}</tr></thead>`;
const at = (iso: string): SafeHtml => html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;

function incidentsCell(a: OpsAgent): SafeHtml | string {
  if (a.openIncidents.length === 0) return 'None';
  return html`${a.openIncidents.map(
    (i) =>
      html`${i.signals.join(', ')} since ${at(i.openedAt)}${i.issueNumber !== null && html` (issue #${i.issueNumber})`}`,
  )}`;
}

function agentRow(a: OpsAgent): SafeHtml {
  const cells = [
    html`${a.name}<br><span class="hint">${a.id}</span>`,
    html`${a.status}${a.halted !== null && html`<br><strong>${a.halted}</strong>`}`,
    a.version,
    `${a.liveInstances} of ${a.instances}`,
    html`${a.perHour.toFixed(1)}<br><span class="hint">${a.handled} in ${throughputHours} h</span>`,
    percent(a.errorRate),
    incidentsCell(a),
  ];
  return html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`;
}

const stateLabel: Record<LayerState, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'Unknown',
};

function agentTable(caption: string, agents: OpsAgent[]): SafeHtml {
  return html`<h3>${caption}</h3>
${
  agents.length === 0
    ? html`<p>None registered.</p>`
    : html`<table>
${head('Agent', 'Status', 'Version', 'Live instances', 'Handled an hour', 'Error rate', 'Open incidents')}
<tbody>${agents.map(agentRow)}</tbody>
</table>`
}`;
}

function supportRow(f: TierFigures): SafeHtml {
  const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? ', met' : ', missed');
  const share = f.solvedShare === null ? undefined : f.solvedShare >= f.target.solvedShare;
  const response = f.medianResponseMinutes === null ? undefined : f.medianResponseMinutes < f.target.responseMinutes;
  return html`<tr><th scope="row">${f.tier}</th><td>${f.reached}</td><td>${f.solvedHere}</td>
<td>${percent(f.solvedShare)} <span class="hint">target ${percent(f.target.solvedShare)}${verdict(share)}</span></td>
<td>${minutes(f.medianResponseMinutes)} <span class="hint">target under ${minutes(f.target.responseMinutes)}${verdict(response)}</span></td></tr>`;
}

/** `/ops`: the platform at a glance for an operator: agents, layers, commerce and support. */
export function renderOpsDashboard(view: { login: string; figures: OpsFigures; csrf: string }): string {
  const { figures } = view;
  const { trials, revenue, support } = figures;
  return accountPage(
    'Operations',
    html`<h1>Operations</h1>
<p>Figures as of ${at(figures.at)}; the same as JSON at <a href="/api/ops/figures">/api/ops/figures</a>.</p>
<h2>Layers</h2>
<table>
${head('Layer', 'State', 'Why')}
<tbody>${figures.layers.map(
      (l) =>
        html`<tr><th scope="row">${l.layer}. ${l.name}</th><td><strong>${stateLabel[l.state]}</strong></td><td>${l.why}</td></tr>`,
    )}</tbody>
</table>
<h2>Agents</h2>
<p>An agent whose instances stopped sending heartbeats is Offline; handling is over the last ${throughputHours} hours.</p>
${agentTable(
  'Customer agents',
  figures.agents.filter((a) => a.kind === 'customer'),
)}
${agentTable(
  'CoE agents',
  figures.agents.filter((a) => a.kind === 'coe'),
)}
<h2>Trials and revenue</h2>
<dl>
<dt>Trials started in the last ${spanDays} days</dt><dd>${trials.started} (${trials.active} still running, ${trials.ended} ended without subscribing)</dd>
<dt>Converted to a subscription</dt><dd>${trials.converted} (${percent(trials.conversionRate)})</dd>
<dt>Monthly recurring revenue (before tax)</dt>
<dd>₹${rupees(revenue.mrrPaise)} from ${revenue.live} live subscription${revenue.live === 1 ? '' : 's'}${
      revenue.pastDue > 0 && html`, ${revenue.pastDue} past due`
    }</dd>
<dt>Churn in the last ${spanDays} days</dt>
<dd>${percent(revenue.churn.rate)} (${revenue.churn.cancelled} cancelled of ${revenue.churn.liveAtStart} live at the start)</dd>
</dl>
<h2>Support by tier</h2>
<p>Tickets opened in the last ${spanDays} days: the share solved at each tier they reached, and the median first response.</p>
<table>
${head('Tier', 'Reached', 'Solved there', 'Share solved', 'Median first response')}
<tbody>${support.map(supportRow)}</tbody>
</table>`,
    { name: view.login, signOut: '/ops/sign-out', csrf: view.csrf },
    { wide: true },
  );
}
