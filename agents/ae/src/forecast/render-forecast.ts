import { csvDocument, markdownText } from '#platform';
import type { PipelineForecast } from './forecast-pipeline.ts';
import { formatMoney } from './money.ts';

const categoryWords = { won: 'won', commit: 'commit', 'best-case': 'best case', pipeline: 'pipeline', lost: 'lost' };

/** The forecast as a sales lead reads it: the totals, each month, then the deals to chase. */
export function renderForecast(f: PipelineForecast): string {
  const money = (minor: number) => formatMoney(minor, f.currency);
  const { totals } = f;
  const open = f.deals.filter((d) => d.kind === 'open');
  const lines = [
    `# Pipeline forecast as of ${f.asOf}`,
    '',
    `${f.deals.length} deal(s), ${open.length} open. Commit from ${f.commitFrom}%, best case from ${f.bestCaseFrom}%; ` +
      `stale after ${f.staleDays} day(s) without activity. Amounts in ${f.currency.code}, exact to the minor unit.`,
    '',
    '| | amount |',
    '|---|---:|',
    `| Won | ${money(totals.won)} |`,
    `| Commit (won and confident open deals) | ${money(totals.commit)} |`,
    `| Best case (commit and likely deals) | ${money(totals.bestCase)} |`,
    `| Weighted open pipeline | ${money(totals.weighted)} |`,
    `| Open pipeline | ${money(totals.pipeline)} |`,
    `| Lost | ${money(totals.lost)} |`,
    '',
    '## By closing month',
    '',
    '| month | open deals | pipeline | weighted | commit | best case | won |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...f.months.map(
      (m) =>
        `| ${m.month === 'slipped' ? 'slipped (close date passed)' : m.month} | ${m.openDeals} | ${money(m.pipeline)} | ` +
        `${money(m.weighted)} | ${money(m.commit)} | ${money(m.bestCase)} | ${money(m.won)} |`,
    ),
    '',
  ];
  const slipped = open.filter((d) => d.slipped).sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0));
  if (slipped.length > 0) {
    lines.push('## Slipped: the close date has passed', '');
    for (const d of slipped)
      lines.push(
        `- ${markdownText(d.deal)} (${markdownText(d.stage)}, ${money(d.value)}): closing ${d.closeDate}, ${d.daysOverdue ?? 0} day(s) ago`,
      );
    lines.push('');
  }
  const stale = open
    .filter((d) => d.stale)
    .sort((a, b) => (b.daysSinceActivity ?? Infinity) - (a.daysSinceActivity ?? Infinity));
  if (stale.length > 0) {
    lines.push(`## Stale: no activity for more than ${f.staleDays} day(s)`, '');
    for (const d of stale)
      lines.push(
        `- ${markdownText(d.deal)} (${markdownText(d.stage)}, ${money(d.value)}): ` +
          (d.lastActivity === null
            ? 'no activity recorded'
            : `last activity ${d.lastActivity}, ${d.daysSinceActivity ?? 0} day(s) ago`),
      );
    lines.push('');
  }
  lines.push(
    '## Stage probabilities',
    '',
    f.stages.map((s) => `${markdownText(s.name)} ${s.probability}%`).join(' · '),
    '',
  );
  return lines.join('\n');
}

/** Each deal with its probability, weighted value, category and flags; amounts in major units for a spreadsheet. */
export function forecastCsv(f: PipelineForecast): string {
  const amount = (minor: number) => formatMoney(minor, f.currency).replace(/,/g, '').split(' ')[0] ?? '';
  return csvDocument(
    [
      'row',
      'deal',
      'owner',
      'stage',
      'probability',
      'value',
      'weighted',
      'close_date',
      'last_activity',
      'category',
      'slipped',
      'stale',
    ],
    f.deals.map((d) => [
      d.row,
      d.deal,
      d.owner ?? '',
      d.stage,
      d.probability,
      amount(d.value),
      amount(d.weighted),
      d.closeDate,
      d.lastActivity ?? '',
      categoryWords[d.category],
      d.slipped ? 'yes' : 'no',
      d.stale ? 'yes' : 'no',
    ]),
  );
}
