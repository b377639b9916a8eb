import { readFile } from 'node:fs/promises';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';

/**
 * The API's routes whose doors check their input in code rather than by a route schema:
 * what each does, for the document. Their paths' parameters are declared from the URL. A
 * route not named here still appears, under its path, once it is added.
 */
const described: Record<string, { summary: string; tags: string[] }> = {
  'GET /api/invoices/:file': { summary: 'An invoice as PDF', tags: ['billing'] },
  'POST /api/agents/:id/tasks': { summary: 'Send an agent a task (Idempotency-Key honoured)', tags: ['tasks'] },
  'GET /api/tasks': { summary: "The organisation's tasks, by state", tags: ['tasks'] },
  'GET /api/tasks/:id': { summary: 'A task, its state and deliverables', tags: ['tasks'] },
  'GET /api/tasks/:id/events': { summary: "A task's state changes as server-sent events", tags: ['tasks'] },
  'GET /api/tasks/:id/deliverables/:name': { summary: 'One deliverable of a task, as a file', tags: ['tasks'] },
  'POST /api/tasks/:id/rating': { summary: "Rate a task's delivered work, 1 to 5", tags: ['tasks'] },
  'POST /api/tickets': { summary: 'Open a support ticket', tags: ['support'] },
  'GET /api/tickets/:id': { summary: 'A support ticket and its messages', tags: ['support'] },
  'POST /api/tickets/:id/messages': { summary: 'Add a message to a ticket', tags: ['support'] },
  'POST /api/tickets/:id/rating': { summary: "Rate the desk's answer to a ticket", tags: ['support'] },
};

// Webhooks are other services' calls to us (GitHub, Stripe, connectors), signed by them: not this API.
const isWebhook = (url: string) => /^\/api\/(github|integrations|stripe)\b/.test(url) || url.includes('webhook');

/** Declares the `:name` segments of a URL that has no params schema, as OpenAPI requires of a templated path. */
function withPathParams(url: string, schema: FastifySchema): FastifySchema {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  if (names.length === 0 || schema.params !== undefined) return schema;
  return {
    ...schema,
    params: {
      type: 'object',
      required: names,
      properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
    },
  };
}

/**
 * `/api/openapi.json`: the OpenAPI 3 document of the JSON API, generated from the route
 * schemas (summaries, tags, parameters, responses) by @fastify/swagger. Registered before
 * every route, since it learns them as they are added; pages and webhooks stay out of it.
 */
export async function openApiDocument(app: FastifyInstance): Promise<void> {
  // The API's version is the platform's release.
  const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'WAOOAW API',
        version,
        description:
          'The marketplace, trials, subscriptions, tasks and support tickets. Calls are made with a signed-in session or an ' +
          "organisation's API key (Authorization: Bearer wow_sk_…); amounts are integer paise (₹1 = 100).",
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: "An organisation's API key, wow_sk_…" },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'wow_session',
            description: 'A signed-in session (__Host-wow_session over https)',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const methods = [route.method].flat();
      const base: FastifySchema = schema ?? {};
      if (!url.startsWith('/api/') || isWebhook(url)) return { schema: { ...base, hide: true }, url };
      const known = methods.map((m) => described[`${m} ${url}`]).find((d) => d !== undefined);
      return { schema: withPathParams(url, known === undefined ? base : { ...known, ...base }), url };
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('Cache-Control', 'no-cache').send(app.swagger()),
  );
}
