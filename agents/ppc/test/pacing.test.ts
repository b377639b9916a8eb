import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { paceCampaigns } from '../src/pacing/pace-campaigns.ts';
import { readCampaigns } from '../src/pacing/read-campaigns.ts';
import { renderPacing, renderPacingCsv } from '../src/pacing/render-pacing.ts';
import { pacingInput } from '../src/task-inputs.ts';
import { pacing } from '../src/tools/pacing.ts';

// ppc.pacing on a real campaign export, exactly: the pacing to day 12 of March, the
// projections, the costs and the bids that reach a ₹250 cost per conversion.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'ppc',
    type: 'ppc.pacing',
    input,
    organisation: { industry: 'Retail', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}
const recipe = { input: pacingInput, tool: pacing, prompt: new URL('../prompts/pacing.md', import.meta.url) };

describe('reading the export', () => {
  it('takes the columns by their export names and the figures with rupee signs and Indian grouping', async () => {
    expect(readCampaigns(await fixture('campaigns.csv'))[0]).toEqual({
      campaign: 'Brand search',
      budget: 60000,
      spend: 21000,
      conversions: 140,
      clicks: 4200,
      revenue: 420000,
      bid: 12,
    });
    expect(readCampaigns('Campaign name,Monthly budget,Cost,Conv.\nA,"USD 1,000.50",$200,3\n')).toEqual([
      { campaign: 'A', budget: 1000.5, spend: 200, conversions: 3, clicks: null, revenue: null, bid: null },
    ]);
  });

  it('names the column or the row to fix', () => {
    expect(() => readCampaigns('campaign,budget,spend\nA,1,1\n')).toThrow('The CSV has no conversions column');
    expect(() => readCampaigns('campaign,budget,spend,conversions\nA,1,lots,1\n')).toThrow(
      'Row 2: "lots" in the spend column is not a figure of 0 or more.',
    );
    expect(() => readCampaigns('campaign,budget,spend,conversions\nA,-5,1,1\n')).toThrow(TaskNeedsInput);
    expect(() => readCampaigns('campaign,budget,spend,conversions\n"A,1,1,1\n')).toThrow('The CSV cannot be read');
    const many = ['campaign,budget,spend,conversions', ...Array.from({ length: 501 }, (_, i) => `C${i},1,1,1`)].join(
      '\n',
    );
    expect(() => readCampaigns(many)).toThrow('more than 500 campaigns');
  });
});

describe('the pacing', () => {
  it('paces to day 12 of 31, projects the month, flags what misses the budget by more than 10%, and sizes the bids', async () => {
    const paced = paceCampaigns(readCampaigns(await fixture('campaigns.csv')), {
      asOf: '2027-03-12',
      targetCpa: 250,
      tolerancePercent: 10,
    });
    expect([paced.day, paced.daysInMonth]).toEqual([12, 31]);
    // Generic knitwear: ₹1,50,000 × 12/31 = ₹58,064.52 expected; ₹78,000 ÷ 12 × 31 = ₹2,01,500 projected, 34% over.
    expect(paced.campaigns[1]).toEqual({
      campaign: 'Generic knitwear',
      budget: 150000,
      spend: 78000,
      expected: 58064.52,
      pacePercent: 134.3,
      projected: 201500,
      pace: 'over',
      dailyToBudget: 3789.47,
      conversions: 260,
      cpa: 300,
      roas: 8,
      cpc: 5,
      conversionRate: 0.0167,
      bid: 18.5,
      // ₹18.50 × 250/300 = ₹15.42.
      bidAdvice: { ideal: 15.42, suggested: 15.42, changePercent: -16.6 },
    });
    // Brand search converts at ₹150: the ideal bid ₹12 × 250/150 = ₹20 is capped at +30%, ₹15.60.
    expect(paced.campaigns[0]?.bidAdvice).toEqual({ ideal: 20, suggested: 15.6, changePercent: 30 });
    expect(paced.campaigns.map((c) => c.pace)).toEqual(['on pace', 'over', 'under', 'on pace']);
    expect(paced.campaigns[3]).toMatchObject({ cpa: null, bid: 9, bidAdvice: null });
    expect(paced.totals).toEqual({
      budget: 285000,
      spend: 120500,
      expected: 110322.58,
      projected: 311291.67,
      conversions: 445,
      cpa: 270.79,
    });
    expect(renderPacing(paced, 'INR')).toBe(await fixture('campaigns.pacing.md'));
    expect(renderPacingCsv(paced)).toBe(await fixture('campaigns.pacing.csv'));
  });

  it('knows February and the last day of the month', () => {
    const paced = paceCampaigns(
      [{ campaign: 'A', budget: 2800, spend: 2800, conversions: 0, clicks: null, revenue: null, bid: null }],
      {
        asOf: '2028-02-29',
        targetCpa: null,
        tolerancePercent: 10,
      },
    );
    expect(paced.campaigns[0]).toMatchObject({ expected: 2800, projected: 2800, pace: 'on pace', dailyToBudget: null });
    expect(paced.daysInMonth).toBe(29);
  });
});

describe('ppc.pacing delivered', () => {
  it('delivers the report, the CSV and the JSON', async () => {
    const done = await deliverTask(
      taskOf({ csv: await fixture('campaigns.csv'), asOf: '2027-03-12', targetCpa: 250, currency: 'inr' }),
      recipe,
    );
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['pacing.md', 'text/markdown'],
      ['pacing.csv', 'text/csv'],
      ['pacing.json', 'application/json'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('campaigns.pacing.md'));
    expect(JSON.parse(String(done.deliverables[2]?.content))).toMatchObject({
      currency: 'INR',
      totals: { spend: 120500 },
    });
    expect(done).toMatchObject({ model: null, summary: 'paced 4 campaign(s), 2 off budget, for a business in Retail' });
  });

  it('neutralises Markdown in names and formulas in the CSV, and refuses a bad currency or a huge file', async () => {
    const csv =
      'campaign,budget,spend,conversions\n"=HYPERLINK(""http://x"",""[a](javascript:b)"")",100,10,1\n<b>x</b> | y,100,10,1\n';
    const done = await deliverTask(taskOf({ csv, asOf: '2027-03-12', currency: 'USD' }), recipe);
    const report = String(done.deliverables[0]?.content);
    expect(report).toContain('| =HYPERLINK("http://x","\\[a\\](javascript:b)") | $100.00 |');
    expect(report).toContain('| \\<b\\>x\\</b\\> \\| y | $100.00 |');
    expect(String(done.deliverables[1]?.content).split('\r\n')[1]).toBe(
      `"'=HYPERLINK(""http://x"",""[a](javascript:b)"")",100,10,38.71,25.8,25.83,under,4.74,1,10,,,,,,`,
    );
    await expect(deliverTask(taskOf({ csv, asOf: '2027-03-12', currency: 'XYZ' }), recipe)).rejects.toThrow(
      '"XYZ" is not a currency code',
    );
    await expect(deliverTask(taskOf({ csv: 'x'.repeat(100_001), asOf: '2027-03-12' }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
  });
});
