import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventCatalog, renderAsyncApi, type EventCatalog } from '#platform';
import { wow } from '../../../test/support/run-wow.ts';

// The catalogue of this very checkout (its agents, domains and the platform's own types),
// and its AsyncAPI form held to AsyncAPI's published 3.0.0 JSON Schema.
const root = new URL('../../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await buildEventCatalog({ agentsDir: join(root, 'agents'), domainsDir: join(root, 'domains') });
});

const entry = (type: string) => catalog.events.find((e) => e.type === type);

describe('the event catalogue of this checkout', () => {
  it('names every type an agent or domain sends, its senders and who wakes on it with the schema it parses', async () => {
    const manifest = await readFile(join(root, 'agents/wowsupport/agent.yml'), 'utf8');
    expect(manifest).toContain('support.ticket.answered');
    expect(entry('support.ticket.answered')?.producers).toEqual(['agent:wowsupport']);
    const opened = entry('support.ticket.opened');
    expect(opened?.producers).toEqual(['domain:support']);
    const desk = opened?.consumers.find((c) => c.agent === 'wowsupport');
    expect(desk?.wakesOn).toBe('support.ticket.opened');
    expect(desk?.schema).toMatchObject({ type: 'object' });
    // A webhook type is the platform's, listed because an agent wakes on it.
    expect(entry('github.issue_comment.created')?.producers).toEqual(['platform']);
    expect(entry('github.issue_comment.created')?.consumers.map((c) => c.agent)).toContain('wowsecurity');
    expect(entry('security.violation')?.consumers.map((c) => c.agent)).toEqual(['wownotification', 'wowsecurity']);
    // Each type's data schema comes from its domain model: its own entry, or its family's (github.*).
    expect(opened?.model).toMatchObject({ domain: 'support', type: 'support.ticket.opened', version: 1 });
    expect(opened?.model?.schema).toMatchObject({ type: 'object', required: ['ticketId', 'messageId'] });
    expect(entry('github.issue_comment.created')?.model).toMatchObject({ domain: 'platform', type: 'github.*' });
    expect(catalog.events.filter((e) => e.model === undefined).map((e) => e.type)).toEqual([]);
    // Nothing here waits on a type nobody sends.
    expect(catalog.unproduced).toEqual([]);
    expect(catalog.unconsumed).toContain('vision.review.completed');
  });

  it('renders an AsyncAPI 3.0 document that AsyncAPI’s own JSON Schema accepts, every reference resolving', () => {
    const doc = renderAsyncApi(catalog, { title: 'WAOOAW events', version: '1.0.0' });
    const schema = require('@asyncapi/specs/schemas/3.0.0-without-$id.json') as Record<string, unknown>;
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // Not a schema that accepts anything: a channel whose address is no string is refused.
    expect(validate({ ...doc, channels: { broken: { address: 5 } } })).toBe(false);
    const resolve = (ref: string): unknown =>
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    const operations = Object.entries(doc.operations as Record<string, { channel: { $ref: string }; action: string }>);
    for (const [, op] of operations) expect(resolve(op.channel.$ref), op.channel.$ref).toBeDefined();
    expect(operations.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        'agent_wowsupport.sends.support.ticket.answered',
        'agent_wowsecurity.receives.security.violation',
      ]),
    );
    const message = resolve('#/components/messages/support.ticket.opened') as {
      payload: { properties: { data: unknown } };
    };
    // The data as its model describes it and as its consumers parse it (each distinct schema once).
    const opened = entry('support.ticket.opened');
    const schemas = [...new Set(opened?.consumers.flatMap((c) => (c.schema ? [JSON.stringify(c.schema)] : [])))];
    expect(message.payload.properties.data).toEqual({
      allOf: [opened?.model?.schema, ...schemas.map((x) => JSON.parse(x) as unknown)],
    });
    expect(message).toMatchObject({ 'x-domain': 'support', 'x-version': 1, summary: opened?.model?.meaning });
  });
});

describe('wow events catalog', () => {
  let checkout: string;
  beforeAll(async () => {
    checkout = await mkdtemp(join(tmpdir(), 'wow-events-'));
    const agent = join(checkout, 'agents', 'waiter');
    await mkdir(join(agent, 'src'), { recursive: true });
    await writeFile(
      join(agent, 'agent.yml'),
      'id: waiter\nname: Waiter\nversion: 1.0.0\ndescription: Waits.\nwakesOn: [test.order.placed]\nemits: [test.order.served]\n',
    );
    await writeFile(
      join(agent, 'src', 'index.ts'),
      "import { defineAgent } from '#platform';\nexport default defineAgent({ on: { 'test.order.placed': { async handle() {} } } });\n",
    );
  });
  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('exits 1 naming an agent that wakes on a type nobody sends; --json and --asyncapi for machines', async () => {
    const text = await wow(['events', 'catalog', '--cwd', checkout]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('✖ waiter wakes on test.order.placed, which nobody declares sending');
    const json = JSON.parse((await wow(['events', 'catalog', '--json', '--cwd', checkout])).stdout) as EventCatalog;
    expect(json.unproduced).toEqual([{ agent: 'waiter', wakesOn: 'test.order.placed' }]);
    expect(json.events.map((e) => e.type)).toContain('test.order.served');
    const asyncapi = JSON.parse((await wow(['events', 'catalog', '--asyncapi', '--cwd', checkout])).stdout) as {
      asyncapi: string;
    };
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect((await wow(['events', 'catalog', '--cwd', root])).code).toBe(0);
  });
});
