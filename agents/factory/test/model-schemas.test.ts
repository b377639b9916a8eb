import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { wow } from '../../../test/support/run-wow.ts';
import { tempRepo, type TempRepo } from '../../wowvision/test/support/temp-repo.ts';
import { zodSource, type DataSchema } from '../src/generate/zod-source.ts';
import { loadQuestionnaire, validateAnswers, type PlatformFacts, type Questionnaire } from '../src/index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The schema zod-source writes, built: its source, as a module of its own over this checkout's zod. */
async function built(schema: DataSchema): Promise<z.ZodType> {
  const dir = await mkdtemp(join(tmpdir(), 'zod-source-'));
  try {
    const file = join(dir, 'schema.mjs');
    await writeFile(file, `import { z } from '${import.meta.resolve('zod')}';\nexport default ${zodSource(schema)};\n`);
    return ((await import(pathToFileURL(file).href)) as { default: z.ZodType }).default;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the zod source of a domain model data schema', () => {
  const schema: DataSchema = {
    type: 'object',
    required: ['id', 'tier', 'count'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', maxLength: 8, pattern: '^[a-z]+$', description: 'closes */ a comment\nand breaks a line' },
      tier: { type: 'string', enum: ['L1', "it's"] },
      count: { type: 'integer', minimum: 1, maximum: 3 },
      ratio: { type: 'number', exclusiveMinimum: 0 },
      previous: { type: ['string', 'null'] },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
      extra: { type: 'object' },
      // As YAML or JSON gives it: a field of that name, not the object's prototype.
      ...(JSON.parse('{"__proto__": { "type": "boolean" }}') as Record<string, DataSchema>),
    },
  };

  it('accepts and refuses what the JSON Schema does (ajv, as the platform checks at publish)', async () => {
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true }).compile(schema);
    const zod = await built(schema);
    const cases: unknown[] = [
      { id: 'abc', tier: 'L1', count: 2 },
      { id: 'abc', tier: "it's", count: 3, ratio: 0.5, previous: null, tags: ['a'], extra: { any: 1 } },
      { id: 'ABC', tier: 'L1', count: 2 },
      { id: 'abcdefghij', tier: 'L1', count: 2 },
      { id: 'abc', tier: 'L4', count: 2 },
      { id: 'abc', tier: 'L1', count: 2.5 },
      { id: 'abc', tier: 'L1', count: 4 },
      { id: 'abc', tier: 'L1', count: 2, ratio: 0 },
      { id: 'abc', tier: 'L1', count: 2, tags: ['a', 'b', 'c'] },
      { id: 'abc', tier: 'L1', count: 2, unknown: true },
      { tier: 'L1', count: 2 },
    ];
    for (const value of cases)
      expect({ value, accepted: zod.safeParse(value).success }).toEqual({ value, accepted: ajv(value) });
  });

  it('writes the model text only as literals and one-line comments', () => {
    const source = zodSource(schema);
    expect(source).toContain('/** closes * / a comment and breaks a line */');
    expect(source).toContain(`z.enum(['L1', 'it\\'s'])`);
    expect(source).toContain(`['__proto__']: z.boolean().optional(),`);
  });
});

describe('"Requests it answers"', () => {
  let q: Questionnaire;
  const facts: PlatformFacts = {
    agents: [],
    emittedBy: new Map([['billing.invoice.match', 'billing']]),
    platformEvents: ['github.*'],
    modelEvents: ['billing.invoice.match'],
  };
  const base = {
    'agent-id': 'invoice-matcher',
    name: 'Invoice Matcher',
    tier: 'Platform CoE',
    purpose: 'Matches invoices.',
    'wakes-on': 'billing.invoice.match',
    stores: 'invoice_matches',
    capabilities: ['store:write'],
    'service-level': 'within 1 second',
    acceptance: 'Given an invoice\nWhen it is matched\nThen a row is kept',
  };
  const problems = (requests: string) => {
    const result = validateAnswers({ ...base, requests }, q, facts);
    return 'problems' in result ? result.problems.map((p) => `${p.label}: ${p.message}`) : [];
  };

  beforeAll(async () => {
    q = await loadQuestionnaire();
  });

  it('become the request terms agent.yml answers with, the explanation kept', () => {
    const result = validateAnswers(
      {
        ...base,
        requests: 'billing.invoice.match timeoutMs=5000 maxTimeoutMs=30000 concurrency=8 - one indexed query',
      },
      q,
      facts,
    );
    expect('request' in result && result.request.answers).toEqual([
      {
        type: 'billing.invoice.match',
        timeoutMs: 5000,
        maxTimeoutMs: 30000,
        concurrency: 8,
        queue: undefined,
        why: 'one indexed query',
      },
    ]);
  });

  it('are refused with the field named and what to write instead', () => {
    expect(problems('Billing.Match timeoutMs=5000')).toEqual([
      'Requests it answers: "Billing.Match" is not a request type: ' +
        'write <domain>.<entity>.<action> in lowercase first on the line, e.g. "search.articles timeoutMs=10000".',
    ]);
    expect(problems('billing.invoice.match timeout=5000')[0]).toContain(
      '"timeout=5000" (for billing.invoice.match) is not a limit: write name=value with a name of timeoutMs, maxTimeoutMs, concurrency, queue',
    );
    expect(problems('billing.invoice.match timeoutMs=5 concurrency=5000')).toEqual([
      'Requests it answers: billing.invoice.match timeoutMs: expected milliseconds from 10 to 300000.',
      'Requests it answers: billing.invoice.match concurrency: expected an integer from 1 to 1000.',
    ]);
    expect(problems('billing.invoice.match timeoutMs=-1')).toEqual([
      'Requests it answers: billing.invoice.match timeoutMs: expected milliseconds from 10 to 300000.',
    ]);
    expect(problems('billing.invoice.match timeoutMs=5000 maxTimeoutMs=1000')).toEqual([
      'Requests it answers: billing.invoice.match maxTimeoutMs is 1000, below its timeoutMs of 5000: make it at least that.',
    ]);
    expect(problems('billing.invoice.match\nbilling.invoice.match')).toEqual([
      'Requests it answers: "billing.invoice.match" is listed twice; keep one line for it.',
    ]);
    expect(problems('billing.invoice.other')).toEqual([
      'Requests it answers: "billing.invoice.other" is not under "Events that wake it": add it there too; an agent answers only the requests it wakes on.',
      'Requests it answers: no domain model describes "billing.invoice.other": ' +
        'add it to the events of domains/<name>/model.yml with the schema of its data first; known billing events include billing.invoice.match.',
    ]);
  });
});

describe('regen --check after a domain model change', () => {
  let repo: TempRepo;
  const answers = `agent-id: ticket-counter
name: Ticket Counter
tier: Platform CoE
purpose: Counts opened tickets.
wakes-on: support.ticket.opened
stores: ticket_counts
capabilities: [store:write]
service-level: best effort
acceptance: |
  Given a support.ticket.opened event
  When it is handled
  Then a row is kept
`;

  beforeAll(async () => {
    repo = await tempRepo({ 'answers.yml': answers, 'package.json': '{"type":"module"}\n' });
    await cp(join(root, 'templates', 'agents'), join(repo.dir, 'templates', 'agents'), { recursive: true });
    // The support domain's model, and its domain.yml, which says the desk's intake publishes support.ticket.opened.
    for (const file of ['model.yml', 'domain.yml'])
      await cp(join(root, 'domains', 'support', file), join(repo.dir, 'domains', 'support', file));
    await repo.commit('templates and the support domain');
    const made = await wow([
      'factory',
      'new',
      '--answers',
      join(repo.dir, 'answers.yml'),
      '-C',
      root,
      '--out',
      repo.dir,
    ]);
    expect(made.code).toBe(0);
    await repo.commit('ticket-counter as generated');
  }, 60_000);
  afterAll(() => repo.dispose());

  it('reports the schemas module as drift when an event it wakes on changed and it was not regenerated', async () => {
    const schemas = join(repo.dir, 'agents/ticket-counter/src/domain-events.ts');
    expect(await readFile(schemas, 'utf8')).toContain('export const supportTicketOpenedData = z.object({');
    expect((await wow(['factory', 'regen', 'ticket-counter', '-C', repo.dir, '--check'])).code).toBe(0);

    const model = join(repo.dir, 'domains/support/model.yml');
    await writeFile(
      model,
      (await readFile(model, 'utf8')).replace(
        '        messageId: { type: string, format: uuid }',
        '        messageId: { type: string, format: uuid }\n        channel: { type: string, enum: [api, email, web] }',
      ),
    );
    await repo.commit('support: ticket.opened says its channel');
    const check = await wow(['factory', 'regen', 'ticket-counter', '-C', repo.dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('M agents/ticket-counter/src/domain-events.ts');

    // A hand edit of the generated module is drift too: it is the models' and is written whole.
    const regen = await wow(['factory', 'regen', 'ticket-counter', '-C', repo.dir]);
    expect(regen.code).toBe(0);
    expect(await readFile(schemas, 'utf8')).toContain("channel: z.enum(['api', 'email', 'web']).optional(),");
    expect((await wow(['factory', 'regen', 'ticket-counter', '-C', repo.dir, '--check'])).code).toBe(0);
    await writeFile(schemas, (await readFile(schemas, 'utf8')).replace('.optional()', ''));
    expect((await wow(['factory', 'regen', 'ticket-counter', '-C', repo.dir, '--check'])).code).toBe(1);
  });
});
