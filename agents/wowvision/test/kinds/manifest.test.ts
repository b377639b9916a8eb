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
      'agents/notifier/src/index.ts:3 emits "notice.failed", which agents/notifier/agent.yml does not declare in emits; add it there',
    ]);
    expect(review.findings[0]?.column).toBe(26);

    await repo.write({ 'agents/notifier/agent.yml': manifest(['notice.sent', 'notice.failed']) });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });

  it('finds undeclared types the code writes to the outbox, through createEvent, enqueueOutbox or a const', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'manifest' }),
      'agents/notifier/agent.yml': manifest(['notice.sent']),
    });
    await repo.write({
      'agents/notifier/src/outbox.ts': [
        "import { createEvent, enqueueOutbox, type PgQueryable } from '#platform';",
        "const queued = 'notice.queued';",
        'export async function record(tx: PgQueryable, late: boolean, kind: string): Promise<void> {',
        "  await enqueueOutbox(tx, createEvent({ source: 'x', type: 'notice.sent', data: {} }));",
        "  await enqueueOutbox(tx, createEvent({ source: 'x', type: late ? 'notice.late' : queued, data: {} }));",
        "  for (const [type, n] of [['notice.retried', 1], ['notice.sent', 2]] as const)",
        "    await enqueueOutbox(tx, createEvent({ source: 'x', type, data: n }));",
        "  await enqueueOutbox(tx, { id: '1', source: 'x', specversion: '1.0', type: 'notice.raw', data: {} } as never);",
        "  await enqueueOutbox(tx, createEvent({ source: 'x', type: `notice.${kind}`, data: {} }));",
        "  await github.request('POST /repos/{owner}/{repo}/issues', { type: 'not.an.event' });",
        '}',
        'declare const github: { request(route: string, data: object): Promise<void> };',
      ].join('\n'),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/notifier/src/outbox.ts:2 emits "notice.queued", which agents/notifier/agent.yml does not declare in emits; add it there',
      'agents/notifier/src/outbox.ts:5 emits "notice.late", which agents/notifier/agent.yml does not declare in emits; add it there',
      'agents/notifier/src/outbox.ts:6 emits "notice.retried", which agents/notifier/agent.yml does not declare in emits; add it there',
      'agents/notifier/src/outbox.ts:8 emits "notice.raw", which agents/notifier/agent.yml does not declare in emits; add it there',
      'agents/notifier/src/outbox.ts:9 sends an event whose type is computed (`notice.${kind}`), ' +
        'so it cannot be checked against the emits of agents/notifier/agent.yml; ' +
        'write the type as a string literal, or a const of literals',
    ]);
  });

  it('finds requests of a type no agent answers, and a protocol request the manifest does not declare', async () => {
    const answerer = (answers: string) =>
      `id: answerer\nname: Answerer\nversion: 1.0.0\ndescription: Answers.\nwakesOn: [test.echo.asked]\n${answers}`;
    repo = await tempRepo({
      ...packWith({ kind: 'manifest' }),
      'agents/answerer/agent.yml': answerer(''),
      'agents/answerer/src/index.ts': [
        "import { z } from 'zod';",
        "import { defineProtocol } from '#platform';",
        "export const echoProtocol = defineProtocol({ type: 'test.echo.asked', input: z.object({}), output: z.object({}) });",
      ].join('\n'),
      'agents/notifier/agent.yml': manifest(['notice.sent']),
    });
    await repo.write({
      'agents/notifier/src/index.ts': [
        "import { echoProtocol } from '../../answerer/src/index.ts';",
        'export async function handle(ctx: { request(p: unknown, i?: unknown): Promise<unknown> }): Promise<void> {',
        '  await ctx.request(echoProtocol, {});',
        "  await ctx.request({ type: 'notice.sent', data: {} });",
        '}',
      ].join('\n'),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/notifier/src/index.ts:3 requests "test.echo.asked" (echoProtocol), which agents/notifier/agent.yml does not declare in emits; add it there',
      'agents/notifier/src/index.ts:3 requests "test.echo.asked", which no agent declares in answers; add it to answers: in the agent.yml of the agent that wakes on it, with a protocol for its handler',
      'agents/notifier/src/index.ts:4 requests "notice.sent", which no agent declares in answers; add it to answers: in the agent.yml of the agent that wakes on it, with a protocol for its handler',
    ]);

    await repo.write({
      'agents/notifier/agent.yml': manifest(['notice.sent', 'test.echo.asked']),
      'agents/answerer/agent.yml': answerer('answers:\n  test.echo.asked: { timeoutMs: 1000 }\n'),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/notifier/src/index.ts:4 requests "notice.sent", which no agent declares in answers; add it to answers: in the agent.yml of the agent that wakes on it, with a protocol for its handler',
    ]);
  });

  it("checks a domain's events against its domain.yml, and that domain.yml itself", async () => {
    repo = await tempRepo(packWith({ kind: 'manifest' }));
    const code = [
      "import { createEvent, enqueueOutbox, type PgQueryable } from '#platform';",
      'export async function open(tx: PgQueryable): Promise<void> {',
      "  await enqueueOutbox(tx, createEvent({ source: 'x', type: 'billing.invoice.opened', data: {} }));",
      '}',
    ].join('\n');
    await repo.write({
      'domains/billing/invoices.ts': code,
      // Tests build whatever events drive the code: not the domain's to declare.
      'domains/billing/test/invoices.test.ts': "createEvent({ source: 'x', type: 'billing.test.made', data: {} });\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/billing/invoices.ts:3 sends "billing.invoice.opened", ' +
        'but domains/billing/domain.yml does not exist to declare it; create it with name, description and emits: ' +
        '[billing.invoice.opened]',
    ]);
    await repo.write({ 'domains/billing/domain.yml': 'name: invoices\ndescription: Invoices.\nemits: [Bad]\n' });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/billing/domain.yml:3 domain.yml: emits[0]: expected an event type, e.g. "support.ticket.opened"',
    ]);
    await repo.write({ 'domains/billing/domain.yml': 'name: billing\ndescription: Invoices.\nemits: []\n' });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/billing/invoices.ts:3 emits "billing.invoice.opened", which domains/billing/domain.yml does not declare in emits; add it there',
    ]);
    await repo.write({
      'domains/billing/domain.yml': 'name: billing\ndescription: Invoices.\nemits: [billing.invoice.opened]\n',
    });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });

  it('finds tables the migrations create that stores does not list, and listed ones none creates', async () => {
    repo = await tempRepo(packWith({ kind: 'manifest' }));
    await repo.write({
      'agents/notifier/agent.yml': `${manifest([])}stores:\n  - notices\n  - notice_archive\n`,
      'agents/notifier/src/index.ts': 'export {};\n',
      'agents/notifier/migrations/0001_notifier_tables.sql': [
        '-- create table commented (a int);',
        'create table notices (id text primary key);',
        '',
        "insert into notices values ('create table in_a_string (a int)');",
        '  create table if not exists notice_tags (id text);',
      ].join('\n'),
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'agents/notifier/agent.yml:9 stores lists table notice_archive, ' +
        'which no migration in agents/notifier/migrations creates; remove it, or add the migration that creates it',
      'agents/notifier/migrations/0001_notifier_tables.sql:5 creates table notice_tags, ' +
        'which agents/notifier/agent.yml does not list in stores; ' +
        'add it there (an agent lists exactly the tables it owns)',
    ]);
    expect(review.findings.map((f) => f.column)).toEqual([5, 3]);

    await repo.write({ 'agents/notifier/agent.yml': `${manifest([])}stores: [notices, notice_tags]\n` });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });
});
