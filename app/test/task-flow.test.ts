import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createMetrics, readSharedSettings, type Runtime } from '#platform';
import { eventuallyPasses, quietLog } from '#platform/testing';
import { recordTaskEvent, type Entitlement, type TaskView } from '#domains/customer';
import { createCustomer, issueApiKey, supportSettings } from '#domains/support';
import { createServer } from '../server/create-server.ts';
import { holdTopic } from './fixtures/task-agents/scribe/src/hold.ts';
import { createOpenAiDouble, serveOpenAiDouble, type OpenAiDouble } from '../../test/doubles/openai-api.ts';
import { agentRuntimes, type AgentRuntimes } from '../../test/support/agent-runtimes.ts';
import { agentSetups, type AgentSetup } from '../../test/support/agent-setups.ts';

// The Service Flow end to end, as `wow start` runs it: the task API and its recorder in the
// server, the fixture agent Scribe (performingTasks) on the agent host, over the embedded
// defaults and over PostgreSQL and Redis. A task goes in, its live state comes out as
// server-sent events, its deliverables download, and it is rated.
const agentsDir = fileURLToPath(new URL('./fixtures/task-agents', import.meta.url));

describe.each(agentSetups)('the Service Flow on %s', (_name, openSetup) => {
  let setup: AgentSetup;
  let dataDir: string;
  let runtimes: AgentRuntimes;
  let runtime: Runtime;
  let server: FastifyInstance;
  let origin: string;
  let model: OpenAiDouble;
  let modelServer: { url: string; close(): Promise<void> };
  let acme: { id: string; key: string };
  let globex: { id: string; key: string };
  let seq = 0;

  beforeAll(async () => {
    setup = await openSetup('taskflow');
    dataDir = await mkdtemp(join(tmpdir(), 'wow-taskflow-'));
    model = createOpenAiDouble((request) =>
      request.messages.some((m) => m.content.includes('overload'))
        ? { status: 400, message: 'the model refused the request' }
        : 'A drafted paragraph.',
    );
    modelServer = await serveOpenAiDouble(model);
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      LLM_MODEL: 'test-model',
      LLM_BASE_URL: `${modelServer.url}/v1`,
      ...(setup.postgres === undefined ? {} : { DATABASE_URL: setup.postgres.url }),
      ...(setup.redis === undefined ? {} : { REDIS_URL: setup.redis.url, BUS_KEY_PREFIX: setup.redis.keyPrefix }),
    };
    runtimes = agentRuntimes({ env, agentsDir, github: () => Promise.reject(new Error('no GitHub here')) });
    runtime = await runtimes.start(['scribe']);
    const organisation = async (slug: string) => {
      const customer = await createCustomer(runtime.store, { slug, name: slug });
      return { id: customer.id, key: (await issueApiKey(runtime.store, slug)).key };
    };
    acme = await organisation('acme');
    globex = await organisation('globex');
    const entitled: Entitlement = (organisationId) =>
      Promise.resolve(
        organisationId === acme.id
          ? { ok: true, via: 'trial' }
          : { ok: false, reason: 'the trial of scribe ended', action: 'Subscribe to Scribe at /agents/scribe.' },
      );
    server = await createServer({
      config: runtime.config,
      bus: runtime.bus,
      store: runtime.store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      entitled,
      // Waiting for tasks reads them often: the keys' per-minute limit is the ticket API's tests' business.
      support: readSharedSettings(supportSettings, { SUPPORT_RATE_LIMIT_PER_MINUTE: '100000' }),
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    // Migrating an embedded database of its own takes long on a busy machine.
  }, 180_000);

  afterAll(async () => {
    await server.close();
    await runtimes.stop();
    await modelServer.close();
    await setup.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const send = (body: unknown, opts: { key?: string; idempotencyKey?: string; agent?: string } = {}) =>
    server.inject({
      method: 'POST',
      url: `/api/agents/${opts.agent ?? 'scribe'}/tasks`,
      headers: {
        ...auth(opts.key ?? acme.key),
        'content-type': 'application/json',
        'idempotency-key': opts.idempotencyKey ?? `key-${++seq}`,
      },
      payload: JSON.stringify(body),
    });
  const read = async (id: string, key = acme.key) =>
    (await server.inject({ url: `/api/tasks/${id}`, headers: auth(key) })).json<TaskView>();
  const finished = async (id: string): Promise<TaskView> => {
    let task = await read(id);
    await eventuallyPasses(async () => {
      task = await read(id);
      expect(['done', 'failed', 'needs-input']).toContain(task.state);
    });
    return task;
  };
  const brief = async (topic: string, extra: Record<string, unknown> = {}) => {
    const res = await send({ type: 'scribe.brief', input: { topic }, ...extra });
    expect(res.statusCode, res.body).toBe(202);
    return finished(res.json<{ id: string }>().id);
  };

  it('shows a task working then done as server-sent events, serves its deliverables and takes its rating', async () => {
    const release = holdTopic('launch plan');
    const res = await send({ type: 'scribe.brief', input: { topic: 'launch plan', words: 2 } });
    expect(res.statusCode).toBe(202);
    const { id, state } = res.json<{ id: string; state: string }>();
    expect(state).toBe('queued');

    const stream = await fetch(`${origin}/api/tasks/${id}/events`, { headers: auth(acme.key) });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (reader === undefined) throw new Error('no body');
    const states: string[] = [];
    let text = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += chunk.value;
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (data === undefined) continue;
        states.push((JSON.parse(data) as TaskView).state);
        // The agent is held until the stream has shown it working.
        if (states.at(-1) === 'working') release();
      }
    }
    // Queued when the stream opened before the agent took it; then working, then done, and the stream ends.
    expect(states.slice(-2)).toEqual(['working', 'done']);

    const task = await read(id);
    expect(task).toMatchObject({
      state: 'done',
      type: 'scribe.brief',
      summary: 'wrote a brief for an E-commerce business',
    });
    expect(task.deliverables.map((d) => [d.name, d.mediaType, d.size])).toEqual([
      ['brief.md', 'text/markdown; charset=utf-8', expect.any(Number)],
      ['outline.json', 'application/json', 17],
      ['sketch.bin', 'application/octet-stream', 2],
    ]);
    const file = await server.inject({ url: `/api/tasks/${id}/deliverables/brief.md`, headers: auth(acme.key) });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="brief.md"');
    expect(file.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.body).toBe(
      '# launch plan\n\n1. launch\n2. plan\n\nIndustry: unknown\nEarlier briefs: 0; ratings: none',
    );
    const sketch = await server.inject({ url: `/api/tasks/${id}/deliverables/sketch.bin`, headers: auth(acme.key) });
    expect([...sketch.rawPayload]).toEqual([6, 4]);
    // Another organisation's key reaches neither the task nor its files.
    expect((await server.inject({ url: `/api/tasks/${id}`, headers: auth(globex.key) })).statusCode).toBe(404);
    const theirs = await server.inject({ url: `/api/tasks/${id}/deliverables/brief.md`, headers: auth(globex.key) });
    expect(theirs.statusCode).toBe(404);

    const rate = (stars: unknown) =>
      server.inject({
        method: 'POST',
        url: `/api/tasks/${id}/rating`,
        headers: { ...auth(acme.key), 'content-type': 'application/json' },
        payload: JSON.stringify({ stars }),
      });
    expect((await rate(6)).json()).toMatchObject({ code: 'WOW_ERR_TASK_INPUT', errors: [{ field: 'stars' }] });
    expect((await rate(4)).json()).toMatchObject({ id, rating: 4 });
    const { rows } = await runtime.store.query<{ data: unknown }>(
      `select event->'data' as data from outbox where event->>'type' = 'customer.task.rated'`,
    );
    expect(rows.map((r) => r.data)).toContainEqual({
      taskId: id,
      organisationId: acme.id,
      agentId: 'scribe',
      stars: 4,
    });

    // A follow-up gets the parent's deliverables and the organisation's history as context.
    const followUp = await brief('shorter please', { parentTaskId: id });
    const body = (
      await server.inject({ url: `/api/tasks/${followUp.id}/deliverables/brief.md`, headers: auth(acme.key) })
    ).body;
    expect(body).toContain('Follows: # launch plan');
    expect(body).toMatch(/Earlier briefs: [1-9]\d*; ratings: 4/);
    expect(followUp.parentTaskId).toBe(id);
  });

  it('answers the same task for the same Idempotency-Key and request, and refuses the key for another', async () => {
    const first = await send({ type: 'scribe.brief', input: { topic: 'pricing' } }, { idempotencyKey: 'same' });
    const again = await send({ type: 'scribe.brief', input: { topic: 'pricing' } }, { idempotencyKey: 'same' });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    const other = await send({ type: 'scribe.brief', input: { topic: 'other' } }, { idempotencyKey: 'same' });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'WOW_ERR_TASK_KEY_REUSED' });
  });

  it('refuses bad input naming the field, unknown agents and types, and organisations without a trial or subscription', async () => {
    const missing = await send({ type: 'scribe.brief', input: { words: 'three' } });
    expect(missing.statusCode).toBe(422);
    expect(
      missing
        .json<{ errors: { field: string }[] }>()
        .errors.map((e) => e.field)
        .sort(),
    ).toEqual(['input.topic', 'input.words']);
    const type = await send({ type: 'scribe.poem', input: {} });
    expect(type.json()).toMatchObject({ code: 'WOW_ERR_TASK_TYPE_UNKNOWN', errors: [{ field: 'type' }] });
    expect((await send({ type: 'x.y', input: {} }, { agent: 'nobody' })).statusCode).toBe(404);
    const unpaid = await send({ type: 'scribe.brief', input: { topic: 'x' } }, { key: globex.key });
    expect(unpaid.statusCode).toBe(402);
    expect(unpaid.json()).toMatchObject({
      code: 'WOW_ERR_TASK_NOT_ENTITLED',
      reason: 'the trial of scribe ended',
      action: 'Subscribe to Scribe at /agents/scribe.',
    });
    const big = await send({ type: 'scribe.brief', input: { topic: 'x'.repeat(300 * 1024) } });
    expect(big.statusCode).toBe(413);
    const anonymous = await server.inject({ method: 'POST', url: '/api/agents/scribe/tasks', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    expect((await server.inject({ url: '/api/tasks?state=lost', headers: auth(acme.key) })).statusCode).toBe(422);
  });

  it('ends a task failed with the reason, or needing input with the question, and keeps no deliverable', async () => {
    const failed = await brief('explode');
    expect(failed).toMatchObject({ state: 'failed', deliverables: [] });
    expect(failed.failure).toEqual({
      code: 'WOW_ERR_TASK_FAILED',
      reason: 'Agent scribe could not finish the task: the outline could not be built',
    });
    expect(await brief('?')).toMatchObject({
      state: 'needs-input',
      question: 'Which topic should the brief be about?',
    });
    // A failed task is no parent for a follow-up.
    const res = await send({ type: 'scribe.brief', input: { topic: 'again' }, parentTaskId: failed.id });
    expect(res.json()).toMatchObject({ code: 'WOW_ERR_TASK_PARENT', errors: [{ field: 'parentTaskId' }] });
    const list = (await server.inject({ url: '/api/tasks?state=failed', headers: auth(acme.key) })).json<{
      tasks: TaskView[];
    }>();
    expect(list.tasks.map((t) => t.id)).toContain(failed.id);
  });

  it("stores the model's reply as the deliverable, and fails a task whose model call fails with nothing stored", async () => {
    const draft = async (topic: string) => {
      const res = await send({ type: 'scribe.draft', input: { topic } });
      return finished(res.json<{ id: string }>().id);
    };
    const done = await draft('autumn sale');
    expect(done).toMatchObject({ state: 'done', model: 'test-model' });
    const file = await server.inject({ url: `/api/tasks/${done.id}/deliverables/draft.md`, headers: auth(acme.key) });
    expect(file.body).toBe('A drafted paragraph.');
    expect(model.requests.at(-1)?.messages.at(-1)?.content).toBe('Draft a paragraph on: autumn sale');

    const failed = await draft('overload');
    expect(failed.state).toBe('failed');
    expect(failed.failure?.reason).toContain('the model refused the request');
    const { rows } = await runtime.store.query('select 1 from customer_deliverables where task_id = $1', [failed.id]);
    expect(rows).toEqual([]);
  });

  it('moves a task forward only: a late start after the end, or a claim by another agent, changes nothing', async () => {
    const task = await brief('order');
    const late = createEvent({
      source: 'urn:wow:agent:scribe',
      type: 'customer.task.started',
      data: { taskId: task.id, organisationId: acme.id, agentId: 'scribe' },
    });
    expect(await recordTaskEvent(runtime.store, late)).toEqual({ taskId: task.id, moved: false });
    const forged = createEvent({
      source: 'urn:wow:agent:other',
      type: 'customer.task.failed',
      data: { taskId: task.id, organisationId: acme.id, agentId: 'scribe', code: 'X', reason: 'forged' },
    });
    expect(await recordTaskEvent(runtime.store, forged)).toBeUndefined();
    expect((await read(task.id)).state).toBe('done');
  });
});
