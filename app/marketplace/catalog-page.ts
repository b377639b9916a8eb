import { html, type SafeHtml } from '../tickets/html.ts';
import { newAgentThreshold } from '#domains/customer';
import type { CatalogQuery, CatalogSelection } from './catalog-query.ts';
import { count, stars } from './figure-text.ts';
import type { CatalogEntry } from './live-catalog.ts';
import { marketplacePage } from './marketplace-layout.ts';
import { formatRupees } from './prices.ts';

export interface CatalogView {
  /** `/` greets a visitor; `/agents` is the catalogue alone. */
  home: boolean;
  query: CatalogQuery;
  selection: CatalogSelection;
  industries: readonly string[];
  skills: readonly string[];
}

const ratingChoices: [string, string][] = [
  ['0', 'Any rating'],
  ['3', '3 stars and up'],
  ['4', '4 stars and up'],
  ['4.5', '4.5 stars and up'],
];
const sortChoices: [string, string][] = [
  ['rating', 'Best rated'],
  ['price', 'Lowest price'],
  ['name', 'Name'],
];

/** The marketplace: a search and filter form that works without JavaScript (GET), and a card per agent. */
export function renderCatalog(view: CatalogView): string {
  const { query, selection } = view;
  const filtered =
    (query.q ?? '') !== '' || (query.industry ?? '') !== '' || (query.skill ?? '') !== '' || (query.minRating ?? 0) > 0;
  const main = html`${
    view.home
      ? html`<h1>AI agents for your business</h1>
<p class="lead">Agents that write, teach and sell for you, each shaped for your industry. Try any agent free for 7 days; keep everything it delivers.</p>`
      : html`<h1>Agents</h1>`
  }
<form method="get" action="/agents" role="search" class="filters" aria-label="Find an agent">
<div><label for="q">Search</label><input type="search" id="q" name="q" maxlength="100" value="${query.q ?? ''}"></div>
${choice('industry', 'Industry', [['', 'All industries'], ...view.industries.map((i): [string, string] => [i, i])], query.industry ?? '')}
${choice('skill', 'Skill', [['', 'All skills'], ...view.skills.map((s): [string, string] => [s, s])], query.skill ?? '')}
${choice('minRating', 'Rating', ratingChoices, String(query.minRating ?? 0))}
${choice('sort', 'Sort by', sortChoices, query.sort)}
<div><button type="submit">Show agents</button></div>
</form>
<h2>${selection.total === 0 ? 'No agents match' : count(selection.total, 'agent', 'agents')}</h2>
${selection.total === 0 && filtered && html`<p><a href="/agents">Clear the filters</a> to see every agent.</p>`}
<ul class="cards">
${selection.agents.map(card)}
</ul>
${pages(query, selection)}`;
  return marketplacePage({
    title: view.home ? 'AI agents for your business' : 'Agents',
    description: 'Hire AI agents for marketing, education and sales, shaped for your industry. 7-day free trial.',
    main,
  });
}

function choice(name: string, label: string, options: [string, string][], selected: string): SafeHtml {
  return html`<div><label for="${name}">${label}</label><select id="${name}" name="${name}">${options.map(
    ([value, text]) => html`<option value="${value}"${value === selected && html` selected`}>${text}</option>`,
  )}</select></div>`;
}

function card(e: CatalogEntry): SafeHtml {
  const { agent } = e;
  return html`<li class="card">
<div class="who"><span class="avatar" aria-hidden="true">${agent.avatar}</span><div><h3><a href="/agents/${agent.id}">${agent.name}</a></h3><p class="specialty">${agent.specialty}</p></div></div>
${statusBadge(e)}
<p><span class="visually-hidden">Industries: </span>${agent.industries.join(' · ')}</p>
<p>${ratingLine(e)}</p>
<p class="price"><strong>${formatRupees(e.monthlyPaise)}</strong> a month</p>
</li>`;
}

/** The status as words (the colour only repeats them). */
export function statusBadge(e: CatalogEntry): SafeHtml {
  return html`<p class="status status-${e.status.toLowerCase()}"><span class="visually-hidden">Status: </span>${e.status}</p>`;
}

/** "★ 4.6 (23 ratings)", or "New" while there are fewer ratings than the threshold. */
export function ratingLine(e: CatalogEntry): SafeHtml {
  const { mean, count: n } = e.figures.rating;
  return mean === null
    ? html`<strong>New</strong> <span class="hint">(fewer than ${newAgentThreshold} ratings yet)</span>`
    : html`<span aria-hidden="true">★</span> <strong>${stars(mean)}</strong><span class="visually-hidden"> out of 5</span> <span class="hint">(${count(n, 'rating', 'ratings')})</span>`;
}

function pages(query: CatalogQuery, selection: CatalogSelection): SafeHtml | false {
  if (selection.pages <= 1) return false;
  const link = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...query, page }))
      if (value !== undefined && value !== '') params.set(key, String(value));
    return `/agents?${params.toString()}`;
  };
  return html`<nav class="pages" aria-label="Pages">${Array.from({ length: selection.pages }, (_, i) =>
    i + 1 === query.page
      ? html`<span aria-current="page">${i + 1}</span>`
      : html`<a href="${link(i + 1)}">${i + 1}</a>`,
  )}</nav>`;
}
