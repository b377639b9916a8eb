import { markdownText } from '#platform';
import type { CampaignPace, Pacing } from './pace-campaigns.ts';

/** Amounts in the customer's currency, grouped as its country writes them (₹1,20,000 in India). */
export function moneyFormat(currency: string): (x: number | null) => string {
  const format = new Intl.NumberFormat(currency === 'INR' ? 'en-IN' : 'en', {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  });
  return (x) => (x === null ? '–' : format.format(x));
}

const paceWords: Record<CampaignPace['pace'], string> = {
  over: '**over**',
  under: '**under**',
  'on pace': 'on pace',
  'no budget': 'no budget',
};

/** The pacing as the customer reads it: what is off budget, the campaigns' pacing, then their costs and bids. */
export function renderPacing(pacing: Pacing, currency: string): string {
  const m = moneyFormat(currency);
  const t = pacing.totals;
  const off = pacing.campaigns.filter((c) => c.pace === 'over' || c.pace === 'under');
  const lines = [
    '# Budget pacing',
    '',
    `Day ${pacing.day} of ${pacing.daysInMonth} (${pacing.asOf}): ${m(t.spend)} spent of ${m(t.budget)} ` +
      `(${m(t.expected)} expected by now), heading for ${m(t.projected)} by the month's end; ` +
      `${t.conversions} conversion(s) at ${m(t.cpa)} each.`,
    '',
  ];
  if (off.length > 0) {
    lines.push(`## Off budget (more than ${pacing.tolerancePercent}% either way)`, '');
    for (const c of off)
      lines.push(
        `- ${markdownText(c.campaign)}: heading for ${m(c.projected)} against ${m(c.budget)}` +
          (c.dailyToBudget === null ? '.' : `; spend ${m(c.dailyToBudget)} a day from tomorrow to end on budget.`),
      );
    lines.push('');
  }
  lines.push(
    '## Pacing',
    '',
    '| campaign | budget | spent | expected by now | pace | projected | |',
    '|---|---|---|---|---|---|---|',
  );
  for (const c of pacing.campaigns)
    lines.push(
      `| ${markdownText(c.campaign)} | ${m(c.budget)} | ${m(c.spend)} | ${m(c.expected)} | ` +
        `${c.pacePercent === null ? '–' : `${c.pacePercent}%`} | ${m(c.projected)} | ${paceWords[c.pace]} |`,
    );
  lines.push(
    '',
    `## Costs${pacing.targetCpa === null ? '' : ` and bids (target ${m(pacing.targetCpa)} a conversion)`}`,
    '',
    '| campaign | conversions | cost per conversion | ROAS | cost per click | conversion rate | bid | suggested bid |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const c of pacing.campaigns) {
    const advice = c.bidAdvice;
    lines.push(
      `| ${markdownText(c.campaign)} | ${c.conversions} | ${m(c.cpa)} | ${c.roas === null ? '–' : `${c.roas.toFixed(2)}×`} | ${m(c.cpc)} | ` +
        `${c.conversionRate === null ? '–' : `${(c.conversionRate * 100).toFixed(2)}%`} | ${m(c.bid)} | ` +
        `${advice === null ? '–' : `${m(advice.suggested)} (${advice.changePercent > 0 ? '+' : ''}${advice.changePercent}%)`} |`,
    );
  }
  lines.push('');
  if (pacing.targetCpa !== null)
    lines.push(
      'A suggested bid moves the bid by target ÷ actual cost per conversion, at most 30% a step; ' +
        'campaigns without conversions or a bid get none.',
      '',
    );
  return lines.join('\n');
}

const csvColumns = [
  'campaign',
  'budget',
  'spend',
  'expected',
  'pace_percent',
  'projected',
  'pace',
  'daily_to_budget',
  'conversions',
  'cpa',
  'roas',
  'cpc',
  'conversion_rate',
  'bid',
  'suggested_bid',
  'bid_change_percent',
] as const;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break, and a leading =, +, -, @
 * or tab made text, so a spreadsheet never runs a campaign name as a formula.
 */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The pacing as a spreadsheet: one campaign a row, the figures plain numbers. */
export function renderPacingCsv(pacing: Pacing): string {
  const rows = pacing.campaigns.map((c) =>
    [
      c.campaign,
      c.budget,
      c.spend,
      c.expected,
      c.pacePercent,
      c.projected,
      c.pace,
      c.dailyToBudget,
      c.conversions,
      c.cpa,
      c.roas,
      c.cpc,
      c.conversionRate,
      c.bid,
      c.bidAdvice?.suggested ?? null,
      c.bidAdvice?.changePercent ?? null,
    ]
      .map(cell)
      .join(','),
  );
  return `${[csvColumns.join(','), ...rows].join('\r\n')}\r\n`;
}
