import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { rankBm25 } from '../src/playbook/bm25.ts';
import { answerObjection, paragraphsOf } from '../src/playbook/find-passages.ts';
import { renderAnswer } from '../src/playbook/render-answer.ts';
import { stem, tokens } from '../src/playbook/tokens.ts';
import { objectionInput } from '../src/task-inputs.ts';
import { objection } from '../src/tools/objection.ts';

// enablement.objection on a real playbook: BM25's scores checked by hand on a small corpus,
// then the passages and the talk track for a price objection, exactly.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const priceObjection = 'Honestly, your pricing is too expensive for our budget this year.';

/** The task as the runner hands it to the tool, for the organisation in the fixtures' industry. */
async function sampleTask(): Promise<CustomerTask> {
  return {
    id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    organisationId: '3b4c5d6e-7f80-4192-a3b4-c5d6e7f80912',
    agentId: 'enablement',
    type: 'enablement.objection',
    input: { playbook: await fixture('playbook.md'), objection: priceObjection, passages: 2 },
    organisation: { industry: 'Logistics', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

describe('tokens', () => {
  it('stems plurals and tenses together and leaves stopwords out', () => {
    expect(['price', 'prices', 'priced', 'pricing'].map(stem)).toEqual(['pric', 'pric', 'pric', 'pric']);
    expect(['companies', 'business', 'cost', 'costs'].map(stem)).toEqual(['company', 'business', 'cost', 'cost']);
    expect(tokens("We can't justify this year's costs!")).toEqual(["can't", 'justify', 'year', 'cost']);
  });
});

describe('BM25', () => {
  it('scores as Okapi BM25 with k1 = 1.2 and b = 0.75', () => {
    // N = 3, "price" in 2: idf = ln(1 + 1.5 / 2.5) = ln 1.6; avgdl = 5/3.
    const ranked = rankBm25(['price price', 'price budget', 'weather'], 'price');
    expect(ranked.map((r) => r.index)).toEqual([0, 1]);
    expect(ranked[0]?.score).toBeCloseTo((Math.log(1.6) * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 2) / (5 / 3))), 12);
    expect(ranked[0]?.score).toBeCloseTo(0.611839, 6);
    expect(ranked[1]?.score).toBeCloseTo(0.434457, 6);
  });

  it('ranks a rare word above a common one, a short paragraph above a long one, and ties in order', () => {
    // "budget" is in 2 of 4 paragraphs, "price" in 3 of 4: the budget paragraph leads the price ones.
    const short = rankBm25(['budget talk', 'price talk', 'price talk', 'price budget talk'], 'budget price');
    expect(short.map((r) => [r.index, r.matched])).toEqual([
      [3, ['budget', 'pric']],
      [0, ['budget']],
      [1, ['pric']],
      [2, ['pric']],
    ]);
    expect(short[2]?.score).toBe(short[3]?.score);
    // Both words in a long paragraph weigh less than the rarer one in a short paragraph.
    const long = rankBm25(
      ['budget talk', 'price talk', 'price talk', 'price budget and a great many other words about talk'],
      'budget price',
    );
    expect(long.map((r) => r.index)).toEqual([0, 3, 1, 2]);
    expect(rankBm25(['budget talk'], 'weather')).toEqual([]);
  });
});

describe('enablement.objection', () => {
  it('splits the playbook into paragraphs under their headings', async () => {
    const paragraphs = paragraphsOf(await fixture('playbook.md'));
    expect(paragraphs).toHaveLength(9);
    expect(paragraphs[3]).toEqual({
      number: 4,
      section: 'Pricing',
      text:
        'Our price is per vehicle per month, with no setup fee. When a prospect says we are too expensive, ' +
        'compare the price with what planning costs them today, not with other tools.',
    });
    expect(paragraphs[0]?.section).toBe('Routewise sales playbook');
  });

  it('finds the passages for a price objection and builds the talk track from them', async () => {
    const answer = answerObjection(await fixture('playbook.md'), priceObjection);
    expect(answer.terms).toEqual(['honest', 'pric', 'expensiv', 'budget', 'year']);
    expect(answer.passages.map((p) => [p.rank, p.number, p.score, p.matched])).toEqual([
      [1, 6, 6.029, ['pric', 'budget', 'year']],
      [2, 4, 3.412, ['pric', 'expensiv']],
      [3, 5, 1.024, ['pric']],
    ]);
    expect(answer.talkTrack.map((l) => [l.step, l.from])).toEqual([
      ['acknowledge', null],
      ['respond', 6],
      ['prove', 5],
      ['ask', 6],
    ]);
    expect(answer.talkTrack[3]?.text).toBe("Would a pilot that pays for itself fit this year's budget?");
    expect(renderAnswer(answer)).toBe(await fixture('price.talk-track.md'));
  });

  it('says when the playbook has nothing on the objection, and still acknowledges and asks', async () => {
    const answer = answerObjection(await fixture('playbook.md'), 'We only buy from vendors in Brazil');
    expect(answer.passages).toEqual([]);
    expect(answer.talkTrack.map((l) => l.step)).toEqual(['acknowledge', 'ask']);
    expect(renderAnswer(answer)).toContain(
      "None of the playbook's 9 paragraphs mentions `only`, `buy`, `vendor`, `brazil`: the playbook has nothing on this objection yet.",
    );
    expect(() => answerObjection('', 'too expensive')).toThrow(TaskNeedsInput);
    expect(() => answerObjection('Some text.', 'and the of')).toThrow('The objection has no words to search for');
  });

  it('neutralises markup from the playbook and the objection, and refuses input beyond its bounds', () => {
    const answer = answerObjection(
      '## <script>x</script>\n\nOur price is fair. ![img](http://evil.example/x.png) <a href="javascript:y">more</a>',
      'price [click](javascript:z)',
    );
    const report = renderAnswer(answer);
    expect(report).toContain('# Objection: price \\[click\\](javascript:z)');
    expect(report).toContain('under "\\<script\\>x\\</script\\>"');
    expect(report).toContain('\\!\\[img\\](http://evil.example/x.png) \\<a href="javascript:y"\\>more\\</a\\>');
    expect(report).not.toMatch(/(?<!\\)<(script|a )|(?<!\\)!\[/);
    expect(objectionInput.safeParse({ playbook: 'x'.repeat(100_001), objection: 'price' }).success).toBe(false);
    expect(objectionInput.safeParse({ playbook: 'x', objection: 'x'.repeat(501) }).success).toBe(false);
    expect(() => paragraphsOf('word\n\n'.repeat(2001))).toThrow('The playbook has 2001 paragraphs');
  });

  it('delivers the talk track as Markdown and JSON without a model', async () => {
    const task = await sampleTask();
    const done = await deliverTask(task, {
      input: objectionInput,
      tool: objection,
      prompt: new URL('../prompts/objection.md', import.meta.url),
    });
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['talk-track.md', 'text/markdown'],
      ['talk-track.json', 'application/json'],
    ]);
    expect(done).toMatchObject({
      model: null,
      summary: 'found 2 playbook passages for an objection for a business in Logistics',
    });
    const json = JSON.parse(String(done.deliverables[1]?.content)) as { passages: { number: number }[] };
    expect(json.passages.map((p) => p.number)).toEqual([6, 4]);
  });
  it("with a model: the prompt carries the organisation's context and the tool's report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Lead with the paid pilot.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(
      { ...(await sampleTask()), llm },
      { input: objectionInput, tool: objection, prompt: new URL('../prompts/objection.md', import.meta.url) },
    );
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Handle an objection');
    expect(system?.content).toContain('- Industry: Logistics');
    expect(user?.content).toContain('What the tool found:\n# Objection: Honestly');
    expect(done.model).toBe('gpt-4o-mini');
    const report = done.deliverables.find((d) => d.name === 'talk-track.md');
    expect(report?.content).toContain('\n\n## Notes for your organisation\n\nLead with the paid pilot.\n');
  });
});
