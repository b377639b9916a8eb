import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { readAccounts } from '../src/vetting/read-accounts.ts';
import { renderVetting, renderVettingCsv } from '../src/vetting/render-vetting.ts';
import { vetAccounts } from '../src/vetting/vet-accounts.ts';
import { shortlistInput } from '../src/task-inputs.ts';
import { shortlist } from '../src/tools/shortlist.ts';

// influencer.shortlist on a real list of accounts, exactly: each engagement rate and
// ratio, the flags a bought audience raises, and the ranked shortlist.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'influencer',
    type: 'influencer.shortlist',
    input,
    organisation: { industry: 'Fashion', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}
const recipe = { input: shortlistInput, tool: shortlist, prompt: new URL('../prompts/shortlist.md', import.meta.url) };

describe('reading the accounts', () => {
  it('takes counts with separators and the K and M shorthand, and names what to fix', async () => {
    expect(readAccounts(await fixture('accounts.csv'))[1]).toEqual({
      handle: '@delhi.threads',
      followers: 125000,
      following: 1200,
      posts: 840,
      avgLikes: 2950,
      avgComments: 64,
    });
    expect(() => readAccounts('handle,followers,following,posts,avg_likes\na,1,1,1,1\n')).toThrow(
      'The CSV has no avg_comments column',
    );
    expect(() => readAccounts('handle,followers,following,posts,avg_likes,avg_comments\na,many,1,1,1,1\n')).toThrow(
      'Row 2: "many" in the followers column is not a count of 0 or more.',
    );
  });
});

describe('the vetting', () => {
  it('works out engagement and ratios, flags bought audiences and ranks the rest', async () => {
    const vetted = vetAccounts(readAccounts(await fixture('accounts.csv')), { top: 3, minFollowers: 5000 });
    // @knitwithneha: (1,810 + 92) ÷ 48,200 = 3.95%; 48,200 ÷ 610 = 79.02 followers per following.
    expect(vetted.accounts.map((a) => [a.handle, a.engagementRate, a.followerRatio, a.flags, a.risk, a.rank])).toEqual([
      ['@knitwithneha', 3.95, 79.02, [], 'low', 1],
      ['@delhi.threads', 2.41, 104.17, [], 'low', 2],
      ['@cosy.corner', 8.02, 1.07, ['follows back many'], 'medium', null],
      [
        '@luxe.layers',
        0.33,
        2066.67,
        ['low engagement', 'few posts for its audience', 'likes without comments'],
        'high',
        null,
      ],
      ['@woolwise', 19.16, 66.18, ['engagement too high'], 'medium', 3],
      ['@trendingtoday', 0.65, 714.29, ['low engagement', 'likes without comments'], 'high', null],
      // 4,100 followers: under the 5,000 asked for.
      ['@slowfashion.in', 6.73, 10.79, [], 'low', null],
    ]);
    expect(vetted.shortlist).toEqual(['@knitwithneha', '@delhi.threads', '@woolwise']);
    expect(vetted.accounts.map((a) => a.tier)).toEqual(['micro', 'mid', 'nano', 'mid', 'micro', 'mega', 'nano']);
    expect(renderVetting(vetted)).toBe(await fixture('accounts.shortlist.md'));
    expect(renderVettingCsv(vetted).split('\r\n')[1]).toBe(
      "1,'@knitwithneha,48200,610,532,1810,92,micro,3.95,79.02,low,",
    );
  });

  it('ranks an account with no followers or following without dividing by zero', () => {
    const vetted = vetAccounts([{ handle: 'new', followers: 0, following: 0, posts: 0, avgLikes: 0, avgComments: 0 }], {
      top: 10,
      minFollowers: 0,
    });
    expect(vetted.accounts[0]).toMatchObject({ engagementRate: null, followerRatio: null, flags: [], rank: null });
    expect(vetted.shortlist).toEqual([]);
  });
});

describe('influencer.shortlist delivered', () => {
  it('delivers the report, the CSV and the JSON', async () => {
    const done = await deliverTask(taskOf({ csv: await fixture('accounts.csv'), top: 3, minFollowers: 5000 }), recipe);
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['shortlist.md', 'text/markdown'],
      ['accounts.csv', 'text/csv'],
      ['shortlist.json', 'application/json'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('accounts.shortlist.md'));
    expect(done).toMatchObject({ model: null, summary: 'shortlisted 3 of 7 influencer(s) for a business in Fashion' });
  });

  it('neutralises Markdown in handles and formulas in the CSV, and refuses a huge file', async () => {
    const csv =
      'handle,followers,following,posts,avg_likes,avg_comments\n"[x](javascript:y) <b>|","1,000",10,50,40,4\n=cmd|x,1000,10,50,40,4\n';
    const done = await deliverTask(taskOf({ csv }), recipe);
    const report = String(done.deliverables[0]?.content);
    expect(report).toContain('| 1 | \\[x\\](javascript:y) \\<b\\>\\| | 1,000 (nano) | 4.40% |');
    expect(report).not.toMatch(/(?<!\\)<b>|(?<!\\)\]\(javascript/);
    expect(String(done.deliverables[1]?.content).split('\r\n')[2]).toMatch(/^2,'=cmd\|x,1000,/);
    await expect(deliverTask(taskOf({ csv: 'x'.repeat(100_001) }), recipe)).rejects.toBeInstanceOf(TaskNeedsInput);
  });
});
