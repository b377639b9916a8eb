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

/** The agents matching the query, sorted, and the page asked for. */
export function selectAgents(entries: readonly CatalogEntry[], query: CatalogQuery): CatalogSelection {
  const wanted = words(query.q ?? '');
  const matching = entries.filter(
    (e) =>
      (query.industry === undefined || query.industry === '' || e.agent.industries.includes(query.industry)) &&
      (query.skill === undefined || query.skill === '' || e.agent.skills.includes(query.skill)) &&
      (query.minRating === undefined ||
        query.minRating <= 0 ||
        (e.figures.rating.mean !== null && e.figures.rating.mean >= query.minRating)) &&
      (wanted.length === 0 || matchesAll(e, wanted)),
  );
  const sorted = matching.sort(orderBy[query.sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const start = (query.page - 1) * pageSize;
  return { agents: sorted.slice(start, start + pageSize), total: sorted.length, pages };
}

function matchesAll(e: CatalogEntry, wanted: string[]): boolean {
  const text = [e.agent.name, e.agent.specialty, ...e.agent.skills].join(' ').toLowerCase();
  return wanted.every((w) => text.includes(w));
}

const byName = (a: CatalogEntry, b: CatalogEntry) => a.agent.name.localeCompare(b.agent.name, 'en');

const orderBy: Record<CatalogSort, (a: CatalogEntry, b: CatalogEntry) => number> = {
  // Rated agents first, best mean first (more ratings break a tie), then the new ones.
  rating: (a, b) =>
    (b.figures.rating.mean ?? -1) - (a.figures.rating.mean ?? -1) ||
    b.figures.rating.count - a.figures.rating.count ||
    byName(a, b),
  price: (a, b) => a.monthlyPaise - b.monthlyPaise || byName(a, b),
  name: byName,
};
