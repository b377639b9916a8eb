import { html, type SafeHtml } from '../tickets/html.ts';
import { newAgentThreshold, type ActivityItem } from '#domains/customer';
import { ratingLine, statusBadge } from './catalog-page.ts';
import { activityFeedScriptPath } from './activity-feed-script.ts';
import { count, duration, percent, timeAgo } from './figure-text.ts';
import type { CatalogEntry } from './live-catalog.ts';
import { marketplacePage } from './marketplace-layout.ts';
import { formatRupees } from './prices.ts';

export interface ProfileView {
  entry: CatalogEntry;
  activity: ActivityItem[];
  now: Date;
}

/**
 * An agent's profile: what it does, its figures from real events ("New" until there is
 * enough of each), what it delivers, and its latest work, which the live feed's script
 * keeps current (without JavaScript the page shows it as it was when loaded).
 */
export function renderProfile({ entry, activity, now }: ProfileView): string {
  const { agent, figures } = entry;
  const hours = (minutes: number) => (minutes < 90 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`);
  const main = html`<p><a href="/agents">All agents</a></p>
<div class="who"><span class="avatar big" aria-hidden="true">${agent.avatar}</span><div><h1>${agent.name}</h1><p class="specialty">${agent.specialty}</p></div></div>
${statusBadge(entry)}
<p class="price"><strong>${formatRupees(entry.monthlyPaise)}</strong> a month, after a 7-day free trial</p>
<p><a class="button" href="/agents/${agent.id}/trial">Start free trial</a></p>
<p>${agent.description}</p>
<h2>Figures</h2>
<dl class="figures">
<div><dt>Rating</dt><dd>${ratingLine(entry)}</dd></div>
<div><dt>Retention</dt><dd>${
    figures.retention.share === null
      ? html`<strong>New</strong><small>fewer than ${newAgentThreshold} subscriptions have come up for renewal</small>`
      : html`<strong>${percent(figures.retention.share)}</strong><small>of ${count(figures.retention.decided, 'subscription', 'subscriptions')} renewed</small>`
  }</dd></div>
<div><dt>Response time</dt><dd>${
    figures.responseTime.medianMs === null || figures.responseTime.p95Ms === null
      ? html`<strong>New</strong><small>fewer than ${newAgentThreshold} tasks done yet</small>`
      : html`<strong>${duration(figures.responseTime.medianMs)}</strong><small>median; 95% within ${duration(figures.responseTime.p95Ms)}</small>`
  }</dd></div>
<div><dt>Tasks completed</dt><dd><strong>${figures.tasksCompleted}</strong></dd></div>
</dl>
<p class="hint">From customers' work with this agent: ratings of delivered work (1 to 5), subscriptions renewed, and the time from starting a task to delivering it.</p>
<h2>Specialisations</h2>
<ul class="tags">${agent.industries.map((i) => html`<li>${i}</li>`)}</ul>
<h2>Skills</h2>
<ul class="tags">${agent.skills.map((s) => html`<li>${s}</li>`)}</ul>
<h2>Sample deliverables</h2>
${
  agent.tasks.length === 0
    ? html`<p>This agent lists no task types yet.</p>`
    : html`<ul class="deliverables">${agent.tasks.map(
        (t) =>
          html`<li><h3>${t.title}</h3><p><strong>What you get:</strong> ${t.description}</p><p class="hint">Saves about ${hours(t.minutesSaved)} of work each time.</p></li>`,
      )}</ul>`
}
<h2 id="activity-title">Recent work</h2>
<ol class="activity" id="activity" aria-labelledby="activity-title" aria-live="polite" data-stream="/agents/${agent.id}/activity">${activity.map(
    (a) => activityItem(a, now),
  )}</ol>
<p id="activity-empty"${activity.length > 0 && html` hidden`}>No work done yet: the first tasks will show here as they are completed.</p>`;
  return marketplacePage({
    title: agent.name,
    description: `${agent.name}: ${agent.specialty}`,
    main,
    scripts: [activityFeedScriptPath],
  });
}

function activityItem(a: ActivityItem, now: Date): SafeHtml {
  return html`<li data-key="${a.key}">${a.summary} <time datetime="${a.at}">${timeAgo(new Date(a.at), now)}</time></li>`;
}
