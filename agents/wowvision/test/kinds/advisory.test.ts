import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient } from '#platform';
import { createOpenAiDouble } from '../../../../test/doubles/openai-api.ts';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const rule = { kind: 'advisory', focus: 'error handling' };
const code = [
  'export async function load(path: string) {',
  '  const text = await read(path);',
  '  return JSON.parse(text);',
  '}',
  '',
].join('\n');

async function changed(): Promise<TempRepo> {
  const r = await tempRepo({
    ...packWith(rule),
    'src/load.ts': 'export const load = 1;\n',
    'src/keep.ts': 'export const keep = 1;\n',
  });
  await r.write({ 'src/load.ts': code });
  return r;
}

describe('advisory rules', () => {
  it("turns the model's comments on changed lines into notices that never block, even under an error rule", async () => {
    repo = await changed();
    const double = createOpenAiDouble(
      () =>
        '```json\n{"comments":[' +
        '{"path":"src/load.ts","line":3,"message":"JSON.parse throws on bad input; say which file was malformed."},' +
        '{"path":"src/keep.ts","line":1,"message":"not part of the change"}]}\n```',
    );
    const advisor = createLlmClient(
      { baseUrl: 'http://127.0.0.1:9/v1', apiKey: undefined, model: 'test-model' },
      { fetch: double.fetch },
    );
    const review = await repo.review({ base: 'main', advisor });
    expect(double.violations).toEqual([]);
    expect(double.requests[0]?.messages[0]?.content).toContain('Focus: error handling');
    expect(double.requests[0]?.messages[1]?.content).toContain('    3+   return JSON.parse(text);');
    expect(where(review)).toEqual([
      'src/load.ts:3 JSON.parse throws on bad input; say which file was malformed. (advice from test-model)',
    ]);
    expect(review.findings[0]?.severity).toBe('notice');
    expect(review.conclusion).toBe('neutral');
  });

  it('changes nothing without a model', async () => {
    repo = await changed();
    const review = await repo.review({ base: 'main' });
    expect(review.findings).toEqual([]);
    expect(review.skipped).toEqual([]);
    expect(review.conclusion).toBe('success');
  });

  it('says so in a notice when the model fails or answers off-format, and still never blocks', async () => {
    repo = await changed();
    const down = createOpenAiDouble(() => ({ status: 400, message: 'model not loaded' }));
    const review = await repo.review({
      base: 'main',
      advisor: createLlmClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'm' }, { fetch: down.fetch }),
    });
    expect(where(review)).toEqual(['src/load.ts:1 the model m could not be asked: 400 model not loaded']);
    const chatty = createOpenAiDouble(() => 'Looks good to me!');
    const second = await repo.review({
      base: 'main',
      advisor: createLlmClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'm' }, { fetch: chatty.fetch }),
    });
    expect(second.findings.map((f) => [f.severity, f.message])).toEqual([
      ['notice', 'the model m answered something other than the JSON asked for; no advice this time'],
    ]);
    expect(second.conclusion).toBe('neutral');
  });
});
