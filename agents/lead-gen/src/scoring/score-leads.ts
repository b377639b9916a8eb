import { TaskNeedsInput, readCsv } from '#platform';
import { countryCode, countryName } from './countries.ts';
import { headcount, listOf, meets } from './criteria.ts';

export type Criterion = 'industry' | 'size' | 'country' | 'title';

/** The ideal customer as the task gives it; a criterion left out is not scored. */
export interface Profile {
  industries: string[];
  employees: { min: number | null; max: number | null } | null;
  countries: string[];
  titles: string[];
  points: Record<Criterion, number>;
}

export interface ProfileInput {
  industries: string;
  minEmployees?: number | undefined;
  maxEmployees?: number | undefined;
  countries?: string | undefined;
  titles?: string | undefined;
  industryPoints?: number | undefined;
  sizePoints?: number | undefined;
  countryPoints?: number | undefined;
  titlePoints?: number | undefined;
}

export interface Check {
  criterion: Criterion;
  points: number;
  /** Full, half (a size range that only overlaps the ideal) or none of the criterion's points. */
  met: 'yes' | 'partly' | 'no';
  reason: string;
}

export interface ScoredLead {
  rank: number;
  row: number;
  values: Record<string, string>;
  score: number;
  /** The score as a whole percent of the most a lead can get. */
  percent: number;
  tier: 'A' | 'B' | 'C';
  checks: Check[];
}

export interface LeadScores {
  profile: Profile;
  maxScore: number;
  columns: string[];
  leads: ScoredLead[];
  tiers: Record<'A' | 'B' | 'C', number>;
}

// Bounds the JSON deliverable: each lead's checks and reasons take about 700 bytes.
export const maxLeads = 500;
const maxListed = 50;
const key = (name: string) => name.toLowerCase().replace(/[\s-]+/g, '_');
const columnNames: Record<Criterion, string[]> = {
  industry: ['industry', 'sector'],
  size: ['employees', 'employee_count', 'company_size', 'size', 'headcount'],
  country: ['country', 'country_code'],
  title: ['title', 'job_title', 'position', 'role'],
};

/** The profile from the task's fields, each list bounded and each country known. */
export function profileOf(input: ProfileInput): Profile {
  const countries = listOf(input.countries, maxListed, 'countries').map((c) => {
    const code = countryCode(c);
    if (code === null)
      throw new TaskNeedsInput(`"${c.slice(0, 60)}" is not a country; give its English name or ISO code.`);
    return code;
  });
  const min = input.minEmployees ?? null;
  const max = input.maxEmployees ?? null;
  if (min !== null && max !== null && min > max)
    throw new TaskNeedsInput(`The smallest ideal company (${min}) is larger than the largest (${max}).`);
  const industries = listOf(input.industries, maxListed, 'industries');
  if (industries.length === 0) throw new TaskNeedsInput('Name at least one ideal industry.');
  return {
    industries,
    employees: min === null && max === null ? null : { min, max },
    countries: [...new Set(countries)],
    titles: listOf(input.titles, maxListed, 'titles'),
    points: {
      industry: input.industryPoints ?? 30,
      size: input.sizePoints ?? 25,
      country: input.countryPoints ?? 20,
      title: input.titlePoints ?? 25,
    },
  };
}

const sizeText = (e: { min: number | null; max: number | null }) =>
  e.min === null ? `up to ${e.max ?? ''}` : e.max === null ? `${e.min} or more` : `${e.min} to ${e.max}`;

/** One criterion's check of one lead's value. */
function check(criterion: Criterion, value: string, profile: Profile): Check {
  const points = profile.points[criterion];
  const result = (met: Check['met'], reason: string): Check => ({
    criterion,
    points: met === 'yes' ? points : met === 'partly' ? Math.floor(points / 2) : 0,
    met,
    reason,
  });
  if (value === '') return result('no', `no ${criterion} given`);
  switch (criterion) {
    case 'industry': {
      const match = profile.industries.find((i) => meets(value, i));
      return match === undefined
        ? result('no', `${value} is not an ideal industry`)
        : result('yes', `${value} is ${match}`);
    }
    case 'size': {
      const range = headcount(value);
      const ideal = profile.employees ?? { min: null, max: null };
      if (range === null) return result('no', `"${value}" is not a headcount`);
      const [lo, hi] = [ideal.min ?? 0, ideal.max ?? Infinity];
      if (range.low >= lo && range.high <= hi) return result('yes', `${value} employees is within ${sizeText(ideal)}`);
      if (range.low <= hi && range.high >= lo)
        return result('partly', `${value} employees overlaps ${sizeText(ideal)}`);
      return result('no', `${value} employees is outside ${sizeText(ideal)}`);
    }
    case 'country': {
      const code = countryCode(value);
      return code !== null && profile.countries.includes(code)
        ? result('yes', `${countryName(code)} is an ideal country`)
        : result('no', `${value} is not an ideal country`);
    }
    case 'title': {
      const match = profile.titles.find((t) => meets(value, t));
      return match === undefined
        ? result('no', `${value} is not an ideal title`)
        : result('yes', `${value} is ${match}`);
    }
  }
}

/**
 * Each lead's points for the criteria the profile gives (industry, company size, country,
 * title), each with its reason; ranked by score, ties in the CSV's order, and tiered A from
 * 80% of the most a lead can score, B from 50%.
 */
export function scoreLeads(csv: string, profile: Profile): LeadScores {
  const table = readCsv(csv, 'leads', maxLeads);
  const used: Criterion[] = ['industry'];
  if (profile.employees !== null) used.push('size');
  if (profile.countries.length > 0) used.push('country');
  if (profile.titles.length > 0) used.push('title');
  const columns = new Map<Criterion, string>();
  for (const c of used) {
    const column = table.columns.find((name) => columnNames[c].includes(key(name)));
    if (column === undefined)
      throw new TaskNeedsInput(
        `The profile scores ${c}, but the leads CSV has no "${columnNames[c][0] ?? c}" column; its columns are ${table.columns.join(', ')}.`,
      );
    columns.set(c, column);
  }
  const maxScore = used.reduce((sum, c) => sum + profile.points[c], 0);
  if (maxScore === 0) throw new TaskNeedsInput('Every criterion is worth 0 points: give at least one some points.');
  const scored = table.rows.map((values, i) => {
    const checks = used.map((c) => check(c, (values[columns.get(c) ?? ''] ?? '').trim(), profile));
    const score = checks.reduce((sum, c) => sum + c.points, 0);
    const percent = Math.round((score * 100) / maxScore);
    const tier: ScoredLead['tier'] = percent >= 80 ? 'A' : percent >= 50 ? 'B' : 'C';
    return { rank: 0, row: i + 2, values, score, percent, tier, checks };
  });
  // Array.prototype.sort is stable: equal scores keep the CSV's order.
  const leads = scored.sort((a, b) => b.score - a.score).map((l, i) => ({ ...l, rank: i + 1 }));
  const tiers = { A: 0, B: 0, C: 0 };
  for (const l of leads) tiers[l.tier]++;
  return { profile, maxScore, columns: table.columns, leads, tiers };
}
