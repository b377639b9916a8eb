import type { CatalogEntry } from './live-catalog.ts';
import { shownText } from './shown-text.ts';

export type CatalogSort = 'rating' | 'price' | 'name';

/** The catalogue's filters, from GET query parameters: the page's form and `/api/catalog` take the same. */
export interface CatalogQuery {
  q?: string;
  industry?: string;
  skill?: string;
  minRating?: number;
  sort: CatalogSort;
  page: number;
}

/** The query parameters' JSON Schema, checked by Fastify before a handler runs (and the API document's). */
export const catalogQuerySchema = {
  type: 'object',
  // Unknown parameters (a campaign's utm_*) are dropped, not refused.
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 100, description: 'Words that must all appear in the name, specialty or skills.' },
    industry: { type: 'string', maxLength: 40, description: 'Only agents shaped for this industry (empty: any).' },
    skill: { type: 'string', maxLength: 40, description: 'Only agents with this skill (empty: any).' },
    minRating: {
      type: 'number',
      minimum: 0,
      maximum: 5,
      description: 'Only agents rated at least this (0: any); an agent still "New" has no rating to meet it.',
    },
    sort: { type: 'string', enum: ['rating', 'price', 'name'], default: 'rating' },
    page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
  },
} as const;

export const pageSize = 24;

const words = (text: string) => shownText(text).toLowerCase().split(/\s+/).filter(Boolean);

export interface CatalogSelection {
  /** This page's agents. */
  agents: CatalogEntry[];
  /** How many match the filters, on every page. */
  total: number;
  pages: number;
}

/** The catalogue in each order the pages sort by (a read's work, done once for all its requests). */
export function sortedEntries(entries: readonly CatalogEntry[]): Record<CatalogSort, CatalogEntry[]> {
  return {
    rating: [...entries].sort(orderBy.rating),
    price: [...entries].sort(orderBy.price),
    name: [...entries].sort(orderBy.name),
  };
}

/** The agents matching the query in its order (filtering keeps the order of `sorted`), and the page asked for. */
export function selectAgents(
  sorted: Readonly<Record<CatalogSort, readonly CatalogEntry[]>>,
  query: CatalogQuery,
): CatalogSelection {
  const wanted = words(query.q ?? '');
  const matching = sorted[query.sort].filter(
    (e) =>
      (query.industry === undefined || query.industry === '' || e.agent.industries.includes(query.industry)) &&
      (query.skill === undefined || query.skill === '' || e.agent.skills.includes(query.skill)) &&
      (query.minRating === undefined ||
        query.minRating <= 0 ||
        (e.figures.rating.mean !== null && e.figures.rating.mean >= query.minRating)) &&
      (wanted.length === 0 || matchesAll(e, wanted)),
  );
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const start = (query.page - 1) * pageSize;
  return { agents: matching.slice(start, start + pageSize), total: matching.length, pages };
}

// An agent's searchable words change only with its manifest: lowered once, not once a request.
const searchTexts = new WeakMap<CatalogEntry['agent'], string>();

function matchesAll(e: CatalogEntry, wanted: string[]): boolean {
  let text = searchTexts.get(e.agent);
  if (text === undefined) {
    text = [e.agent.name, e.agent.specialty, ...e.agent.skills].join(' ').toLowerCase();
    searchTexts.set(e.agent, text);
  }
  return wanted.every((w) => text.includes(w));
}

// One collator for every comparison: localeCompare(…, 'en') looks its collator up on each call.
const english = new Intl.Collator('en');
const byName = (a: CatalogEntry, b: CatalogEntry) => english.compare(a.agent.name, b.agent.name);

const orderBy: Record<CatalogSort, (a: CatalogEntry, b: CatalogEntry) => number> = {
  // Rated agents first, best mean first (more ratings break a tie), then the new ones.
  rating: (a, b) =>
    (b.figures.rating.mean ?? -1) - (a.figures.rating.mean ?? -1) ||
    b.figures.rating.count - a.figures.rating.count ||
    byName(a, b),
  price: (a, b) => a.monthlyPaise - b.monthlyPaise || byName(a, b),
  name: byName,
};
