import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;

beforeAll(async () => {
  const postgres = storeBackends('openapi').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: agentsDir }),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    billing: { cycleSeconds: 0 },
    trialTickSeconds: 0,
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await closeStore();
});

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { type: string }> };
}

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The parts of OpenAPI 3.1 a client generator relies on, checked one by one; each problem named. */
function problemsOf(doc: Document): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi: ${doc.openapi} is not 3.1.x`);
  if (typeof doc.info.title !== 'string' || typeof doc.info.version !== 'string')
    problems.push('info: title and version');
  // Response schemas are JSON Schema 2020-12 in OpenAPI 3.1: each must compile.
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path starts with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      if (!methods.has(method)) {
        problems.push(`${path}: ${method} is no HTTP method`);
        continue;
      }
      if (op.responses === undefined || Object.keys(op.responses).length === 0)
        problems.push(`${method} ${path}: no responses`);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${method} ${path}: status ${status}`);
        if (typeof response.description !== 'string') problems.push(`${method} ${path} ${status}: no description`);
        for (const media of Object.values(response.content ?? {}))
          if (media.schema !== undefined)
            try {
              ajv.compile(media.schema as object);
            } catch (err) {
              problems.push(`${method} ${path} ${status}: ${(err as Error).message}`);
            }
      }
      for (const name of templated)
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required === true))
          problems.push(`${method} ${path}: path parameter ${name} is not declared required`);
      for (const p of op.parameters ?? [])
        if (!['path', 'query', 'header', 'cookie'].includes(p.in))
          problems.push(`${method} ${path}: parameter in ${p.in}`);
    }
  }
  return problems;
}

describe('/api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document of the JSON API, from the route schemas', async () => {
    const res = await server.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json<Document>();
    expect(problemsOf(doc)).toEqual([]);
    expect(doc.info.title).toBe('WAOOAW API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['apiKey', 'session']);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/catalog',
        'GET /api/agents/{id}',
        'GET /api/trials',
        'POST /api/trials',
        'GET /api/subscriptions',
        'POST /api/subscriptions',
        'POST /api/agents/{id}/tasks',
        'GET /api/tasks',
        'GET /api/tasks/{id}',
        'POST /api/tickets',
        'GET /api/tickets/{id}',
        'POST /api/tickets/{id}/messages',
        'GET /api/ops/figures',
      ]),
    );
    // Only the API: no page, no webhook (others' calls to us), not the document itself.
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/') || /webhook|openapi/.test(p))).toEqual([]);
  });

  it("carries the route schemas: the catalogue's query and answer, the figures' answer", async () => {
    const doc = (await server.inject({ url: '/api/openapi.json' })).json<Document>();
    const catalog = doc.paths['/api/catalog']?.get;
    expect(catalog?.summary).toBe('The customer-facing agents, filtered, sorted and paged');
    expect(catalog?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:q', 'query:sort']),
    );
    expect(Object.keys(catalog?.responses ?? {}).sort()).toEqual(['200', '400']);
    const figures = doc.paths['/api/ops/figures']?.get?.responses?.['200']?.content?.['application/json']?.schema as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(figures.properties)).toEqual(['at', 'agents', 'layers', 'trials', 'revenue', 'support']);
    expect(doc.paths['/api/tasks/{id}']?.get).toMatchObject({
      summary: 'A task, its state and deliverables',
      tags: ['tasks'],
    });
  });

  it("describes the trials' and subscriptions' answers field by field, money in paise", async () => {
    const doc = (await server.inject({ url: '/api/openapi.json' })).json<Document>();
    type Props = { properties: Record<string, { properties?: Record<string, unknown>; items?: Props }> };
    const answer = (path: string, method: string, status: string) =>
      doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema as Props | undefined;
    const trials = answer('/api/trials', 'get', '200');
    expect(Object.keys(trials?.properties.trials?.items?.properties ?? {})).toEqual(
      expect.arrayContaining(['agentId', 'state', 'endsAt', 'answers', 'organisation']),
    );
    expect(Object.keys(answer('/api/trials', 'post', '201')?.properties ?? {})).toEqual(['trial', 'firstTask']);
    const subscriptions = answer('/api/subscriptions', 'get', '200');
    expect(Object.keys(subscriptions?.properties ?? {})).toEqual([
      'organisation',
      'subscriptions',
      'plans',
      'tax',
      'invoices',
    ]);
    expect(Object.keys(subscriptions?.properties.invoices?.items?.properties ?? {})).toEqual(
      expect.arrayContaining(['number', 'status', 'subtotalPaise', 'taxPaise', 'totalPaise', 'lines', 'pdf']),
    );
    for (const status of ['200', '201'])
      expect(Object.keys(answer('/api/subscriptions', 'post', status)?.properties ?? {})).toEqual([
        'subscription',
        'invoice',
      ]);
  });
});
