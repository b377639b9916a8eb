import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { createServer } from '../server/create-server.ts';
import { crlfTexts, hostileTexts } from '../../test/fixtures/hostile/corpus.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

// Manifest text is a stranger's too (an agent's author, a questionnaire's answers), and so
// is an agent's summary of its work: the hostile corpus in every field the marketplace
// shows, and in its query parameters. Markup stays text; what hides or reorders text is
// left out; nothing fails.
const [postgres] = storeBackends('marketplace_hostile');
if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');

/** What no page or answer may carry: characters that hide, reorder or control text. */
const hidden = /[\p{Cc}\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/u;
const rawMarkup = /<script>|<img src=x|<b>/;
const joinedEmoji = '👩\u200d💻';

/** A YAML double-quoted string with every character outside printable ASCII escaped. */
const yamlText = (text: string) =>
  `"${text.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`))}"`;

let dir: string;
let store: Store;
let close: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-hostile-agents-'));
  for (const [i, { text }] of hostileTexts.entries()) {
    await mkdir(join(dir, `hostile-${i}`));
    await writeFile(
      join(dir, `hostile-${i}`, 'agent.yml'),
      [
        `id: hostile-${i}`,
        `name: ${yamlText(`Agent ${i} ${text}`)}`,
        'version: 1.0.0',
        `description: ${yamlText(text)}`,
        'tier: Custom',
        'wakesOn: [customer.task.requested]',
        'catalog:',
        `  avatar: ${yamlText(i === 0 ? `${joinedEmoji}\u202e` : '🧪')}`,
        `  specialty: ${yamlText(text)}`,
        `  industries: [${yamlText(text.slice(0, 40))}]`,
        '  skills: [testing]',
        '  priceTier: basic',
        'tasks:',
        `  hostile-${i}.work:`,
        `    title: ${yamlText(text)}`,
        `    description: ${yamlText(text)}`,
        '    input: { type: object, properties: {} }',
        '    minutesSaved: 10',
        '',
      ].join('\n'),
    );
  }
  ({ store, close } = await postgres.open());
  bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: dir }),
    bus,
    store,
    log: quietLog,
    metrics: createMetrics({ defaultMetrics: false }),
    marketplace: { freshMs: 0, activityPollMs: 50 },
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await close();
  await rm(dir, { recursive: true, force: true });
});

function expectSafe(body: string, where: string) {
  expect(body, where).not.toMatch(rawMarkup);
  // Line feeds are the page's own; the joiner inside the one joined emoji is meant.
  expect(hidden.test(body.replace(/\n/g, '').replaceAll(joinedEmoji, '')), `${where} carries a hidden character`).toBe(
    false,
  );
}

describe('hostile text in the marketplace', () => {
  it('shows hostile manifest text as text in the catalogue, every profile and the API', async () => {
    const catalog = await server.inject({ url: '/agents?sort=name' });
    expect(catalog.statusCode).toBe(200);
    expectSafe(catalog.body, '/agents');
    expect(catalog.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const api = await server.inject({ url: '/api/catalog' });
    expect(api.json<{ total: number }>().total).toBe(hostileTexts.length);
    expect(hidden.test(JSON.stringify(api.json()).replaceAll(joinedEmoji, ''))).toBe(false);
    for (const i of hostileTexts.keys()) {
      const profile = await server.inject({ url: `/agents/hostile-${i}` });
      expect(profile.statusCode).toBe(200);
      expectSafe(profile.body, `/agents/hostile-${i}`);
    }
    // The avatar keeps the joiner that makes one emoji of two, and loses the override.
    expect((await server.inject({ url: '/api/agents/hostile-0' })).json<{ avatar: string }>().avatar).toBe(
      '👩\u200d💻',
    );
    expect((await server.inject({ url: '/api/agents/hostile-7' })).json<{ name: string }>().name).toBe(
      'Agent 7 hiddentext',
    );
  });

  it("shows an agent's hostile summaries as text on the profile, in its API and in its live feed", async () => {
    const base = await server.listen({ host: '127.0.0.1', port: 0 });
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${base}/agents/hostile-1/activity`, resolve).on('error', reject),
    );
    let received = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (received += chunk));
    for (const { text } of hostileTexts) {
      const ids = { taskId: randomUUID(), organisationId: randomUUID(), agentId: 'hostile-1' };
      await bus.publish(
        createEvent({
          type: 'customer.task.completed',
          source: 'test',
          data: {
            ...ids,
            taskType: 'hostile-1.work',
            deliverables: [{ name: 'x.md', mediaType: 'text/markdown', encoding: 'utf8', content: 'x' }],
            summary: text,
          },
        }),
      );
    }
    await eventuallyPasses(async () =>
      expect(
        (await server.inject({ url: '/api/agents/hostile-1' })).json<{ activity: unknown[] }>().activity,
      ).toHaveLength(10),
    );
    expectSafe((await server.inject({ url: '/agents/hostile-1' })).body, 'the profile with hostile work');
    await eventuallyPasses(() => expect(received.match(/^event: activity$/gm)?.length).toBeGreaterThanOrEqual(10));
    // Each event is one data line of JSON: no text can end it early or forge another.
    for (const line of received.split('\n').filter((l) => l.startsWith('data: ')))
      expect(typeof (JSON.parse(line.slice(6)) as { summary?: unknown }).summary).toBe('string');
    expect(hidden.test(received.replace(/\n/g, ''))).toBe(false);
    res.destroy();
  });

  it('takes hostile query parameters and ids without failing, echoing them only escaped', async () => {
    for (const text of [...hostileTexts.map((h) => h.text), ...crlfTexts])
      for (const name of ['q', 'industry', 'skill']) {
        const url = `/agents?${new URLSearchParams({ [name]: text }).toString()}`;
        // Taken, or refused for its length (an industry or skill is at most 40 characters); never a failure.
        const page = await server.inject({ url });
        expect([200, 400], url).toContain(page.statusCode);
        expect(page.body, url).not.toMatch(rawMarkup);
        const api = await server.inject({ url: `/api${url.replace('/agents', '/catalog')}` });
        expect(api.statusCode, url).toBe(page.statusCode);
      }
    for (const url of ['/api/catalog?q=a&q=b', '/api/catalog?q[]=a', '/api/catalog?__proto__[x]=1&constructor=y'])
      expect((await server.inject({ url })).statusCode, url).toBeLessThan(500);
    for (const id of [
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      'x'.repeat(90),
      '..%2F..%2Fetc%2Fpasswd',
      '%E2%80%AEevil',
    ]) {
      const page = await server.inject({ url: `/agents/${id}` });
      expect(page.statusCode, id).toBe(404);
      expect(page.body).toContain('(not an agent id)');
      expectSafe(page.body, `/agents/${id.slice(0, 20)}`);
      expect((await server.inject({ url: `/api/agents/${id}` })).statusCode).toBe(404);
    }
  });
});
