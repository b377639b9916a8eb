import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { countryCode } from '../src/scoring/countries.ts';
import { headcount, meets } from '../src/scoring/criteria.ts';
import { renderScores, scoresCsv } from '../src/scoring/render-scores.ts';
import { profileOf, scoreLeads } from '../src/scoring/score-leads.ts';
import { scoreInput } from '../src/task-inputs.ts';
import { score } from '../src/tools/score.ts';

// lead-gen.score on a real list: seven companies against a logistics ICP, with countries
// written as codes, names and "UK", headcounts as numbers and ranges, titles in other words.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const icp = {
  industries: 'Logistics, Supply Chain\nManufacturing',
  minEmployees: 50,
  maxEmployees: 500,
  countries: 'GB, Ireland; Germany',
  titles: 'Head of Operations, VP Sales',
};

/** The task as the runner hands it to the tool, for the organisation in the fixtures' industry. */
async function sampleTask(): Promise<CustomerTask> {
  return {
    id: '4d5e6f70-8192-4a3b-8c4d-5e6f708192a3',
    organisationId: '6f708192-a3b4-4c5d-9e6f-708192a3b4c5',
    agentId: 'lead-gen',
    type: 'lead-gen.score',
    input: { leads: await fixture('leads.csv'), ...icp },
    organisation: { industry: 'Logistics', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

describe('the criteria', () => {
  it('reads countries, headcounts and titles as people write them', () => {
    expect(
      ['UK', 'gb', 'United Kingdom', 'Germany', 'Deutschland', 'USA', 'Ireland.', 'Atlantis'].map(countryCode),
    ).toEqual(['GB', 'GB', 'GB', 'DE', null, 'US', 'IE', null]);
    expect([headcount('120'), headcount('51-200'), headcount('1,000+'), headcount('2.5k'), headcount('lots')]).toEqual([
      { low: 120, high: 120 },
      { low: 51, high: 200 },
      { low: 1000, high: Infinity },
      { low: 2500, high: 2500 },
      null,
    ]);
    expect(meets('Vice President, Sales', 'VP Sales')).toBe(true);
    expect(meets('Sr. Ops Mgr', 'Senior Operations Manager')).toBe(true);
    expect(meets('Operations Manager', 'Head of Operations')).toBe(false);
  });
});

describe('lead-gen.score', () => {
  it('scores each lead per criterion with its reasons, ranks and tiers them', async () => {
    const scored = scoreLeads(await fixture('leads.csv'), profileOf(icp));
    expect(scored.maxScore).toBe(100);
    expect(scored.leads.map((l) => [l.rank, l.row, l.score, l.tier])).toEqual([
      [1, 2, 100, 'A'],
      [2, 8, 87, 'A'],
      [3, 4, 75, 'B'],
      [4, 6, 70, 'B'],
      [5, 3, 55, 'B'],
      [6, 5, 30, 'C'],
      [7, 7, 0, 'C'],
    ]);
    // 150-600 only overlaps 50 to 500: half of the 25 size points, rounded down.
    expect(scored.leads[1]?.checks).toEqual([
      { criterion: 'industry', points: 30, met: 'yes', reason: 'Supply Chain is Supply Chain' },
      { criterion: 'size', points: 12, met: 'partly', reason: '150-600 employees overlaps 50 to 500' },
      { criterion: 'country', points: 20, met: 'yes', reason: 'Ireland is an ideal country' },
      { criterion: 'title', points: 25, met: 'yes', reason: 'Sales VP is VP Sales' },
    ]);
    expect(scored.tiers).toEqual({ A: 2, B: 3, C: 2 });
    expect(renderScores(scored)).toBe(await fixture('leads.md'));
    expect(scoresCsv(scored).split('\r\n')[5]).toBe(
      '5,Acme Freight,Tom Reed,Logistics,"1,000+",United States,VP of Sales,55,55,B,' +
        '"✓ Logistics is Logistics; ✗ 1,000+ employees is outside 50 to 500; ✗ United States is not an ideal country; ✓ VP of Sales is VP Sales"',
    );
  });

  it('weighs criteria as the profile says and skips the ones it leaves out', async () => {
    const scored = scoreLeads(
      await fixture('leads.csv'),
      profileOf({ industries: 'Logistics', countries: 'US', industryPoints: 10, countryPoints: 40 }),
    );
    expect(scored.maxScore).toBe(50);
    expect(scored.leads.slice(0, 3).map((l) => [l.row, l.score, l.percent, l.checks.length])).toEqual([
      [3, 50, 100, 2],
      [7, 40, 80, 2],
      [2, 10, 20, 2],
    ]);
  });

  it('asks for what it cannot score', () => {
    const ask = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof TaskNeedsInput ? err.question : err;
      }
      return 'no question';
    };
    expect(ask(() => profileOf({ industries: 'Retail', countries: 'Atlantis' }))).toBe(
      '"Atlantis" is not a country; give its English name or ISO code.',
    );
    expect(ask(() => profileOf({ industries: 'Retail', minEmployees: 500, maxEmployees: 50 }))).toBe(
      'The smallest ideal company (500) is larger than the largest (50).',
    );
    expect(
      ask(() => scoreLeads('company,industry\nA,Retail', profileOf({ industries: 'Retail', titles: 'CEO' }))),
    ).toBe('The profile scores title, but the leads CSV has no "title" column; its columns are company, industry.');
    expect(ask(() => profileOf({ industries: Array.from({ length: 51 }, (_, i) => `i${i}`).join(',') }))).toBe(
      'The profile lists 51 industries; give at most 50.',
    );
  });

  it('neutralises markup and formulas in the leads, and refuses a list beyond its bounds', () => {
    const scored = scoreLeads(
      'company,industry\n"<iframe src=x> **Evil** [x](javascript:y)",Retail\n"=1+1",Logistics',
      profileOf({ industries: 'Logistics' }),
    );
    const report = renderScores(scored);
    expect(report).toContain('| 2 | \\<iframe src=x\\> \\*\\*Evil\\*\\* \\[x\\](javascript:y) | 0/30 (0%) | C |');
    expect(report).not.toMatch(/(?<!\\)<iframe/);
    expect(scoresCsv(scored).split('\r\n')[1]).toBe("1,'=1+1,Logistics,30,100,A,✓ Logistics is Logistics");
    expect(scoreInput.safeParse({ leads: 'x'.repeat(200_001), industries: 'Retail' }).success).toBe(false);
    expect(() =>
      scoreLeads(`company,industry\n${'A,Retail\n'.repeat(501)}`, profileOf({ industries: 'Retail' })),
    ).toThrow('The leads CSV has 501 rows; send at most 500 at a time.');
  });

  it('delivers the ranking as Markdown, CSV and JSON without a model', async () => {
    const task = await sampleTask();
    const done = await deliverTask(task, {
      input: scoreInput,
      tool: score,
      prompt: new URL('../prompts/score.md', import.meta.url),
    });
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['leads.md', 'text/markdown'],
      ['leads.csv', 'text/csv'],
      ['leads.json', 'application/json'],
    ]);
    expect(done).toMatchObject({ model: null, summary: 'scored 7 leads (2 in tier A) for a business in Logistics' });
    const json = JSON.parse(String(done.deliverables[2]?.content)) as { leads: { row: number; values?: unknown }[] };
    expect(json.leads[0]).toMatchObject({ rank: 1, row: 2, score: 100 });
    expect(json.leads[0]?.values).toBeUndefined();
  });
  it("with a model: the prompt carries the organisation's context and the tool's report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Call Northwind Logistics first.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(
      { ...(await sampleTask()), llm },
      { input: scoreInput, tool: score, prompt: new URL('../prompts/score.md', import.meta.url) },
    );
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Score leads');
    expect(system?.content).toContain('- Industry: Logistics');
    expect(user?.content).toContain('What the tool found:\n# Leads scored');
    expect(done.model).toBe('gpt-4o-mini');
    const report = done.deliverables.find((d) => d.name === 'leads.md');
    expect(report?.content).toContain('\n\n## Notes for your organisation\n\nCall Northwind Logistics first.\n');
  });
});
