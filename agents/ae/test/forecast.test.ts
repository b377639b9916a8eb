import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { forecastPipeline } from '../src/forecast/forecast-pipeline.ts';
import { currencyOf, divideRounded, formatMoney, parseMoney } from '../src/forecast/money.ts';
import { forecastCsv, renderForecast } from '../src/forecast/render-forecast.ts';
import { stageTable } from '../src/forecast/stages.ts';
import { forecastInput } from '../src/task-inputs.ts';
import { forecast } from '../src/tools/forecast.ts';

// ae.forecast on a real pipeline export: eight deals with a custom stage, a changed
// default, one slipped, two stale, one won and one lost; every figure to the cent.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const options = { asOf: '2026-03-15', stages: 'Discovery: 30\nProposal: 65%' };
const usd = currencyOf('usd');

function ask(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err instanceof TaskNeedsInput ? err.question : err;
  }
  return 'no question';
}

/** The task as the runner hands it to the tool, for the organisation in the fixtures' industry. */
async function sampleTask(): Promise<CustomerTask> {
  return {
    id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    organisationId: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b',
    agentId: 'ae',
    type: 'ae.forecast',
    input: { deals: await fixture('deals.csv'), ...options },
    organisation: { industry: 'B2B SaaS', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

describe('money in minor units', () => {
  it('reads amounts as CRMs export them, exactly, and refuses what is not one', () => {
    expect(parseMoney('12,500.50', usd)).toBe(1_250_050);
    expect(parseMoney('$0.29', usd)).toBe(29);
    expect(parseMoney('EUR 900', usd)).toBe(90_000);
    expect(parseMoney('1,00', usd)).toBeNull();
    expect(parseMoney('-5', usd)).toBeNull();
    expect(parseMoney('1.005', usd)).toBeNull();
    expect(parseMoney('10000000001', usd)).toBeNull();
    expect(parseMoney('1500', currencyOf('JPY'))).toBe(1500);
    expect(parseMoney('1.5', currencyOf('JPY'))).toBeNull();
    expect(formatMoney(123_456_789, usd)).toBe('1,234,567.89 USD');
    expect(formatMoney(5, currencyOf('BHD'))).toBe('0.005 BHD');
    expect([divideRounded(812_532_5, 100), divideRounded(300_005 * 10, 100), divideRounded(149, 100)]).toEqual([
      81_253, 30_001, 1,
    ]);
    expect(ask(() => currencyOf('dollars'))).toBe(
      '"dollars" is not a currency code; give three letters such as USD or EUR.',
    );
  });

  it('merges the organisation stages over the defaults, and keeps closed stages closed', () => {
    const stages = stageTable('Discovery: 30\nproposal: 65%');
    expect(stages.get('proposal')).toEqual({ name: 'proposal', probability: 65, kind: 'open' });
    expect(stages.get('discovery')?.probability).toBe(30);
    expect(stages.get('negotiation')?.probability).toBe(80);
    expect(ask(() => stageTable('Closed won: 90'))).toBe('"Closed won" is a closed stage: its probability stays 100.');
    expect(ask(() => stageTable('Demo: 120'))).toBe(
      'The stage line "Demo: 120" should read "stage: percent", a whole percent from 0 to 100.',
    );
  });
});

describe('ae.forecast', () => {
  it('weights the pipeline per month, finds slippage and totals commit and best case', async () => {
    const made = forecastPipeline(await fixture('deals.csv'), options);
    expect(made.totals).toEqual({
      pipeline: 18_083_388,
      weighted: 12_629_201,
      won: 2_500_000,
      commit: 7_300_000,
      bestCase: 17_550_050,
      lost: 1_500_000,
    });
    expect(made.months.map((m) => [m.month, m.openDeals, m.pipeline, m.weighted, m.commit, m.bestCase, m.won])).toEqual(
      [
        ['slipped', 1, 9_000_000, 7_200_000, 0, 9_000_000, 0],
        ['2026-03', 1, 4_800_000, 3_840_000, 7_300_000, 7_300_000, 2_500_000],
        ['2026-04', 2, 1_550_055, 842_534, 0, 1_250_050, 0],
        ['2026-05', 1, 733_333, 146_667, 0, 0, 0],
        ['2026-06', 1, 2_000_000, 600_000, 0, 0, 0],
      ],
    );
    // 12,500.50 at 65% is 8,125.325: half up to 8,125.33. The slipped negotiation is not commit.
    expect(made.deals.map((d) => [d.deal, d.weighted, d.category, d.slipped, d.stale])).toEqual([
      ['Northwind renewal', 3_840_000, 'commit', false, false],
      ['Acme Freight pilot', 812_533, 'best-case', false, false],
      ['Ostwerk platform', 7_200_000, 'best-case', true, false],
      ['Tidewater expansion', 146_667, 'pipeline', false, true],
      ['Globex upsell', 2_500_000, 'won', false, false],
      ['Initech', 0, 'lost', false, false],
      ['Umbrella', 30_001, 'pipeline', false, true],
      ['Hooli', 600_000, 'pipeline', false, false],
    ]);
    expect(made.deals[2]?.daysOverdue).toBe(15);
    expect(made.deals[3]?.daysSinceActivity).toBe(69);
    expect(renderForecast(made)).toBe(await fixture('forecast.md'));
    expect(forecastCsv(made).split('\r\n')[2]).toBe(
      '3,Acme Freight pilot,Ben,Proposal,65,12500.50,8125.33,2026-04-15,2026-03-01,best case,no,no',
    );
  });

  it('moves deals between commit and best case with the thresholds', async () => {
    const made = forecastPipeline(await fixture('deals.csv'), {
      ...options,
      commitFrom: 60,
      bestCaseFrom: 20,
      staleDays: 90,
    });
    expect([made.totals.commit, made.totals.bestCase]).toEqual([
      2_500_000 + 4_800_000 + 1_250_050,
      17_550_050 + 733_333 + 2_000_000,
    ]);
    expect(ask(() => forecastPipeline('deal', { ...options, commitFrom: 40, bestCaseFrom: 50 }))).toBe(
      "Best case starts at 50%, above commit's 40%: best case should start lower.",
    );
  });

  it('asks for what it cannot read: an unknown stage, a bad amount or date, a missing column', () => {
    const head = 'deal,stage,value,close_date,last_activity\n';
    expect(ask(() => forecastPipeline(`${head}A,Demo,10,2026-04-01,\nB,Pilot,10,2026-04-01,`, options))).toBe(
      'The stages "Demo", "Pilot" have no probability; add them as "stage: percent" lines, or use Prospecting, Qualification, ' +
        'Needs analysis, Proposal, Negotiation, Closed won, Closed lost, Discovery.',
    );
    expect(ask(() => forecastPipeline(`${head}A,Proposal,ten,2026-04-01,`, options))).toBe(
      'Row 2\'s value "ten" is not an amount in USD (at most 2 decimals).',
    );
    expect(ask(() => forecastPipeline(`${head}A,Proposal,10,April,`, options))).toBe(
      'Row 2\'s close_date "April" is not a date as YYYY-MM-DD.',
    );
    expect(ask(() => forecastPipeline('deal,stage,value\nA,Proposal,10', options))).toBe(
      'The deals CSV needs a "close_date" column; its columns are deal, stage, value.',
    );
  });

  it('neutralises markup and formulas from deal names, and refuses a pipeline beyond its bounds', () => {
    const made = forecastPipeline(
      'deal,stage,value,close_date,last_activity\n"<img src=x onerror=alert(1)> [x](javascript:y)",Proposal,10,2026-01-01,\n' +
        '"=cmd|\' /C calc\'!A0",Proposal,5,2026-04-01,2026-03-14',
      options,
    );
    const report = renderForecast(made);
    expect(report).toContain('- \\<img src=x onerror=alert(1)\\> \\[x\\](javascript:y) (Proposal, 10.00 USD)');
    expect(report).not.toMatch(/(?<!\\)<img/);
    expect(forecastCsv(made)).toContain(`\n3,'=cmd|' /C calc'!A0,,Proposal,`);
    expect(forecastInput.safeParse({ deals: 'x'.repeat(200_001), asOf: '2026-03-15' }).success).toBe(false);
    const many = `deal,stage,value,close_date,last_activity\n${'A,Proposal,1,2026-04-01,\n'.repeat(501)}`;
    expect(ask(() => forecastPipeline(many, options))).toBe('The deals CSV has 501 rows; send at most 500 at a time.');
  });

  it('delivers the report, the deals and the forecast without a model', async () => {
    const task = await sampleTask();
    const done = await deliverTask(task, {
      input: forecastInput,
      tool: forecast,
      prompt: new URL('../prompts/forecast.md', import.meta.url),
    });
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['forecast.md', 'text/markdown'],
      ['deals.csv', 'text/csv'],
      ['forecast.json', 'application/json'],
    ]);
    expect(done).toMatchObject({
      model: null,
      summary: 'forecast a pipeline of 8 deals (1 slipped) for a business in B2B SaaS',
    });
    expect(
      (JSON.parse(String(done.deliverables[2]?.content)) as { totals: { weighted: number } }).totals.weighted,
    ).toBe(12_629_201);
  });
  it("with a model: the prompt carries the organisation's context and the tool's report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Call the commit figure; review Ostwerk first.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(
      { ...(await sampleTask()), llm },
      { input: forecastInput, tool: forecast, prompt: new URL('../prompts/forecast.md', import.meta.url) },
    );
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Forecast the pipeline');
    expect(system?.content).toContain('- Industry: B2B SaaS');
    expect(user?.content).toContain('What the tool found:\n# Pipeline forecast as of 2026-03-15');
    expect(done.model).toBe('gpt-4o-mini');
    const report = done.deliverables.find((d) => d.name === 'forecast.md');
    expect(report?.content).toContain(
      '\n\n## Notes for your organisation\n\nCall the commit figure; review Ostwerk first.\n',
    );
  });
});
