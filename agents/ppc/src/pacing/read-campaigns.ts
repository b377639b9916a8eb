import { parse } from 'csv-parse/sync';
import { TaskNeedsInput } from '#platform';

/** The most campaigns one pacing report takes: more is an account export, to be split. */
export const maxCampaigns = 500;

export interface Campaign {
  campaign: string;
  budget: number;
  spend: number;
  conversions: number;
  clicks: number | null;
  revenue: number | null;
  bid: number | null;
}

const required = ['campaign', 'budget', 'spend', 'conversions'] as const;
/** The names ad platforms' exports give the same columns. */
const aliases: Record<string, string> = {
  campaign_name: 'campaign',
  monthly_budget: 'budget',
  budget_month: 'budget',
  cost: 'spend',
  amount_spent: 'spend',
  conv: 'conversions',
  conversion_value: 'revenue',
  conv_value: 'revenue',
  max_cpc: 'bid',
  cpc_bid: 'bid',
};

const columnName = (header: string) => {
  const name = header
    .trim()
    .toLowerCase()
    .replace(/\(.*\)/g, '')
    .trim()
    .replace(/[\s.-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return aliases[name] ?? name;
};

/** A figure as exports write it: a currency sign or code, thousands separators (1,20,000 or 120,000) and spaces allowed. */
function figure(raw: string | undefined, row: number, column: string): number {
  const text = (raw ?? '').replace(/^[A-Z]{3}\s*|\p{Sc}|[,\s]/gu, '');
  if (!/^\d+(?:\.\d+)?$/.test(text))
    throw new TaskNeedsInput(
      `Row ${row}: "${(raw ?? '').slice(0, 40)}" in the ${column} column is not a figure of 0 or more.`,
    );
  return Number(text);
}

/**
 * The campaigns of a CSV export (csv-parse): a header row naming at least campaign, budget,
 * spend and conversions (or the names Google Ads and Meta give them), then a campaign a row.
 * A missing column, a row whose figures are not figures or too many rows asks the customer
 * to fix the file, naming what.
 */
export function readCampaigns(csv: string): Campaign[] {
  let rows: string[][];
  try {
    rows = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      to_line: maxCampaigns + 2,
    });
  } catch (err) {
    throw new TaskNeedsInput(`The CSV cannot be read: ${(err as Error).message.slice(0, 200)}.`);
  }
  const [header, ...records] = rows;
  if (header === undefined || records.length === 0)
    throw new TaskNeedsInput('The CSV has no campaigns: give a header row, then one campaign a row.');
  if (records.length > maxCampaigns)
    throw new TaskNeedsInput(`The CSV has more than ${maxCampaigns} campaigns: split it into several reports.`);
  const names = header.map(columnName);
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new TaskNeedsInput(
      `The CSV has no ${missing.join(', ')} column: its header row needs campaign, budget, spend and conversions.`,
    );
  const at = (record: string[], column: string) => {
    const i = names.indexOf(column);
    return i === -1 ? undefined : record[i];
  };
  return records.map((record, i) => {
    const row = i + 2;
    const get = (column: (typeof required)[number]) => figure(at(record, column), row, column);
    const maybe = (column: 'clicks' | 'revenue' | 'bid') => {
      const raw = at(record, column);
      return raw === undefined || raw === '' ? null : figure(raw, row, column);
    };
    const campaign = (at(record, 'campaign') ?? '').slice(0, 200);
    if (campaign === '') throw new TaskNeedsInput(`Row ${row} has no campaign name.`);
    return {
      campaign,
      budget: get('budget'),
      spend: get('spend'),
      conversions: get('conversions'),
      clicks: maybe('clicks'),
      revenue: maybe('revenue'),
      bid: maybe('bid'),
    };
  });
}
