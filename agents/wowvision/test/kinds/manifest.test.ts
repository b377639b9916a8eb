import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const manifest = (emits: string[]) =>
  `id: notifier\nname: Notifier\nversion: 1.0.0\ndescription: Sends notices.\nwakesOn: [support.ticket.created]\nemits: [${emits.join(', ')}]\n`;

describe('manifest rules', () => {
  it('reports an invalid agent.yml with its line and field', async () => {
    repo = await tempRepo(packWith({ kind: 'manifest' }));
    await repo.write({
      'agents/notifier/agent.yml':
        'id: notifier\nname: Notifier\nversion: one\ndescription: Sends notices.\nwakesOn: []\n',
      'agents/notifier/src/index.ts': 'export {};\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/notifier/agent.yml:3 agent.yml: version: expected a semantic version, e.g. "1.0.0"',
      'agents/notifier/agent.yml:5 agent.yml: wakesOn: expected at least one event type the agent wakes on',
    ]);
  });

  it('finds event types the code emits that the manifest does not declare', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'manifest' }),
      'agents/notifier/agent.yml': manifest(['notice.sent']),
    });
    await repo.write({
      'agents/notifier/src/index.ts': [
        'export async function handle(ctx: { emit(e: { type: string; data: unknown }): Promise<unknown> }): Promise<void> {',
        "  await ctx.emit({ type: 'notice.sent', data: {} });",
        "  await ctx.emit({ type: 'notice.failed', data: {} });",
        '}',
      ].join('\n'),
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'agents/notifier/src/index.ts:3 emits "notice.failed", which agents/notifier/agent.yml does not declare in emits',
    ]);
    expect(review.findings[0]?.column).toBe(26);

    await repo.write({ 'agents/notifier/agent.yml': manifest(['notice.sent', 'notice.failed']) });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });
});
