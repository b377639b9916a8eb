import { TaskNeedsInput, readCsv } from '#platform';
import { currencyOf, divideRounded, parseMoney, type Currency } from './money.ts';
import { stageKey, stageTable, type StageKind } from './stages.ts';

export interface ForecastOptions {
  asOf: string;
  currency?: string | undefined;
  stages?: string | undefined;
  staleDays?: number | undefined;
  commitFrom?: number | undefined;
  bestCaseFrom?: number | undefined;
}

/** Where a deal counts: closed won, commit, best case, the rest of the pipeline, or lost. */
export type Category = 'won' | 'commit' | 'best-case' | 'pipeline' | 'lost';

export interface ForecastDeal {
  /** The deal's row in the CSV, counting the header as row 1. */
  row: number;
  deal: string;
  owner: string | null;
  stage: string;
  kind: StageKind;
  probability: number;
  /** Money in the currency's minor units. */
  value: number;
  /** value × probability, rounded half up to a minor unit. */
  weighted: number;
  closeDate: string;
  lastActivity: string | null;
  /** Open deals only: days past the close date, days since the last activity. */
  daysOverdue: number | null;
  daysSinceActivity: number | null;
  slipped: boolean;
  stale: boolean;
  category: Category;
}

/** One closing month's open pipeline and forecast, or the slipped deals whose month has passed. */
export interface MonthForecast {
  /** YYYY-MM, or "slipped" for open deals whose close date is before the forecast's day. */
  month: string;
  openDeals: number;
  pipeline: number;
  weighted: number;
  commit: number;
  bestCase: number;
  won: number;
}

export interface PipelineForecast {
  asOf: string;
  currency: Currency;
  staleDays: number;
  commitFrom: number;
  bestCaseFrom: number;
  stages: { name: string; probability: number; kind: StageKind }[];
  deals: ForecastDeal[];
  months: MonthForecast[];
  /** Totals over every month: commit includes won, best case includes commit. */
  totals: { pipeline: number; weighted: number; won: number; commit: number; bestCase: number; lost: number };
}

// Bounds the JSON deliverable: about 450 bytes a deal, plus the deals' own text.
export const maxDeals = 500;
const dayMs = 86_400_000;

const isDay = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);
const columnKey = (name: string) => stageKey(name).replace(/ /g, '_');

/** A column of the deals CSV by any of its names, or the customer is asked for it. */
function column(columns: readonly string[], names: readonly string[], required: boolean): string | null {
  const found = columns.find((c) => names.includes(columnKey(c)));
  if (found === undefined && required)
    throw new TaskNeedsInput(
      `The deals CSV needs a "${names[0] ?? ''}" column; its columns are ${columns.join(', ')}.`,
    );
  return found ?? null;
}

/**
 * The forecast: each deal weighted by its stage's probability; open deals past their close
 * date have slipped and those without activity for more than `staleDays` are stale; commit
 * is won plus the open deals from `commitFrom` percent, best case adds those from
 * `bestCaseFrom`, and a slipped or stale deal is at most best case, since its date or its
 * interest is in doubt.
 */
export function forecastPipeline(dealsCsv: string, options: ForecastOptions): PipelineForecast {
  const currency = currencyOf(options.currency ?? 'USD');
  const stages = stageTable(options.stages);
  const staleDays = options.staleDays ?? 30;
  const commitFrom = options.commitFrom ?? 80;
  const bestCaseFrom = options.bestCaseFrom ?? 50;
  if (bestCaseFrom > commitFrom)
    throw new TaskNeedsInput(
      `Best case starts at ${bestCaseFrom}%, above commit's ${commitFrom}%: best case should start lower.`,
    );
  const table = readCsv(dealsCsv, 'deals', maxDeals);
  const col = {
    deal: column(table.columns, ['deal', 'deal_name', 'name', 'opportunity'], true),
    stage: column(table.columns, ['stage'], true),
    value: column(table.columns, ['value', 'amount'], true),
    closeDate: column(table.columns, ['close_date', 'close'], true),
    lastActivity: column(table.columns, ['last_activity', 'last_activity_date'], true),
    owner: column(table.columns, ['owner'], false),
  };
  const cell = (values: Record<string, string>, name: string | null) => (name === null ? '' : (values[name] ?? ''));

  const unknown = new Set<string>();
  const deals: ForecastDeal[] = [];
  for (const [i, values] of table.rows.entries()) {
    const row = i + 2;
    const stage = stages.get(stageKey(cell(values, col.stage)));
    if (stage === undefined) {
      unknown.add(cell(values, col.stage).slice(0, 40));
      continue;
    }
    const value = parseMoney(cell(values, col.value), currency);
    if (value === null)
      throw new TaskNeedsInput(
        `Row ${row}'s value "${cell(values, col.value).slice(0, 40)}" is not an amount in ${currency.code} (at most ${currency.digits} decimals).`,
      );
    const closeDate = cell(values, col.closeDate);
    const lastActivity = cell(values, col.lastActivity);
    for (const [what, day] of [
      ['close_date', closeDate],
      ['last_activity', lastActivity],
    ] as const)
      if ((what === 'close_date' || day !== '') && !isDay(day))
        throw new TaskNeedsInput(`Row ${row}'s ${what} "${day.slice(0, 40)}" is not a date as YYYY-MM-DD.`);
    const open = stage.kind === 'open';
    const daysOverdue = open ? Math.max(0, daysBetween(closeDate, options.asOf)) : null;
    const daysSinceActivity =
      !open || lastActivity === '' ? null : Math.max(0, daysBetween(lastActivity, options.asOf));
    const slipped = open && closeDate < options.asOf;
    const stale = open && (daysSinceActivity === null || daysSinceActivity > staleDays);
    const category: Category =
      stage.kind !== 'open'
        ? stage.kind
        : stage.probability >= commitFrom && !slipped && !stale
          ? 'commit'
          : stage.probability >= bestCaseFrom
            ? 'best-case'
            : 'pipeline';
    deals.push({
      row,
      deal: cell(values, col.deal),
      owner: cell(values, col.owner) || null,
      stage: stage.name,
      kind: stage.kind,
      probability: stage.probability,
      value,
      weighted: divideRounded(value * stage.probability, 100),
      closeDate,
      lastActivity: lastActivity || null,
      daysOverdue,
      daysSinceActivity,
      slipped,
      stale,
      category,
    });
  }
  if (unknown.size > 0)
    throw new TaskNeedsInput(
      `The stages ${[...unknown].map((s) => `"${s}"`).join(', ')} have no probability; ` +
        `add them as "stage: percent" lines, or use ${[...stages.values()].map((s) => s.name).join(', ')}.`,
    );

  const months = new Map<string, MonthForecast>();
  const totals = { pipeline: 0, weighted: 0, won: 0, commit: 0, bestCase: 0, lost: 0 };
  for (const d of deals) {
    if (d.kind === 'lost') {
      totals.lost += d.value;
      continue;
    }
    const key = d.slipped ? 'slipped' : d.closeDate.slice(0, 7);
    const month = months.get(key) ?? {
      month: key,
      openDeals: 0,
      pipeline: 0,
      weighted: 0,
      commit: 0,
      bestCase: 0,
      won: 0,
    };
    months.set(key, month);
    const add = (field: 'openDeals' | 'pipeline' | 'weighted' | 'commit' | 'bestCase' | 'won', amount: number) => {
      month[field] += amount;
      if (field !== 'openDeals') totals[field] += amount;
    };
    if (d.kind === 'won') {
      add('won', d.value);
      add('commit', d.value);
      add('bestCase', d.value);
      continue;
    }
    add('openDeals', 1);
    add('pipeline', d.value);
    add('weighted', d.weighted);
    if (d.category === 'commit') add('commit', d.value);
    if (d.category === 'commit' || d.category === 'best-case') add('bestCase', d.value);
  }
  // "slipped" sorts after every YYYY-MM; it leads the table, as the first thing to chase.
  const ordered = [...months.values()].sort((a, b) =>
    a.month === 'slipped' ? -1 : b.month === 'slipped' ? 1 : a.month.localeCompare(b.month),
  );
  return {
    asOf: options.asOf,
    currency,
    staleDays,
    commitFrom,
    bestCaseFrom,
    stages: [...stages.values()],
    deals,
    months: ordered,
    totals,
  };
}
