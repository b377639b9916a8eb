import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { archiveEvent, findArchivedEvents, type HistoryReply } from '../src/index.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({
    agentsDir,
    id: 'wowevent',
    relayOutbox: true,
    env: { WOWEVENT_MAX_DATA_BYTES: '2048' },
  });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowEvent', () => {
  it('Given an events.history request for an agent that sent events, when WowEvent handles it, then it replies with those events, newest first', async () => {
    const sent = [];
    for (const n of [1, 2, 3]) {
      // Apart in time, so "newest first" has one answer.
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push(
        await agent.publish({
          type: 'support.ticket.opened',
          source: 'urn:wow:agent:wowsupport',
          subject: `ticket-${n}`,
          data: { n },
        }),
      );
    }
    await agent.publish({ type: 'support.ticket.opened', source: 'urn:wow:agent:other', data: { n: 4 } });
    await agent.eventually(async () => {
      expect(await findArchivedEvents(agent.store, { type: 'support.*', limit: 10, order: 'oldest' })).toHaveLength(4);
    });
    const reply = await agent.request<HistoryReply>({
      type: 'events.history',
      data: { agent: 'wowsupport', limit: 2 },
    });
    expect(reply.events.map((e) => e.subject)).toEqual(['ticket-3', 'ticket-2']);
    expect(reply.events[0]).toMatchObject({
      id: sent[2]?.id,
      type: 'support.ticket.opened',
      source: 'urn:wow:agent:wowsupport',
    });
    expect(reply.retentionDays).toBe(30);
  });

  it('archives every topic, requests included, with the trace and what caused it, once however often delivered', async () => {
    const request = agent.request({ type: 'events.history', data: { type: 'nothing.here.*' } });
    await request;
    const cause = await agent.publish({ type: 'github.pull_request.opened', data: { number: 1 } });
    const effect = await agent.publish({
      type: 'vision.review.completed',
      traceparent: cause.traceparent,
      causedby: cause.id,
      data: { ok: true },
    });
    await agent.eventually(async () => {
      const archived = await findArchivedEvents(agent.store, {
        traceId: cause.traceparent.split('-')[1],
        limit: 10,
        order: 'oldest',
      });
      expect(archived.map((e) => [e.id, e.causedBy])).toEqual([
        [cause.id, null],
        [effect.id, cause.id],
      ]);
    });
    const [asked] = await findArchivedEvents(agent.store, { type: 'events.history', limit: 10, order: 'newest' });
    // The request is archived with its correlation id (WowEvent's watch never answers it).
    expect(asked?.correlationId).toEqual(expect.any(String));
    expect(asked?.data).toEqual({ type: 'nothing.here.*' });
    // A redelivery of what is archived already leaves the one row.
    expect(await archiveEvent(agent.store, effect, { maxDataBytes: 2048 })).toBe(false);
    expect(await findArchivedEvents(agent.store, { type: effect.type, limit: 10, order: 'oldest' })).toHaveLength(1);
  });

  it('archives data over WOWEVENT_MAX_DATA_BYTES as a marker with its size and a preview', async () => {
    const big = await agent.publish({ type: 'support.message.received', data: { body: 'x'.repeat(5000) } });
    await agent.eventually(async () => {
      const [archived] = await findArchivedEvents(agent.store, {
        type: 'support.message.received',
        limit: 1,
        order: 'newest',
      });
      expect(archived?.id).toBe(big.id);
      expect(archived?.dataTruncated).toBe(true);
      expect(archived?.data).toMatchObject({ truncated: true, bytes: 5011 });
      expect((archived?.data as { preview: string }).preview).toHaveLength(1024);
    });
  });

  it('refuses a history request that is not bounded', async () => {
    await expect(
      agent.request({ type: 'events.history', data: { agent: 'wowsupport', limit: 1000 } }, { timeoutMs: 5000 }),
    ).rejects.toThrow(/limit/);
  });
});
