import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '#platform';
import { startTestAgent, type TestAgent } from '#platform/testing';
import type { ProtocolMap } from '../src/index.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowcommunication', relayOutbox: true });
  // The registry as runtimes leave it: WowSearch and WowSupport registered, neither running.
  for (const { manifest } of (await loadManifests(agentsDir)).filter((m) =>
    ['wowsearch', 'wowsupport'].includes(m.manifest.id),
  ))
    await agent.store.query(
      'insert into agents (id, name, version, description, manifest) values ($1, $2, $3, $4, $5) on conflict (id) do nothing',
      [manifest.id, manifest.name, manifest.version, manifest.description, JSON.stringify(manifest)],
    );
});

afterAll(async () => {
  await agent.stop();
});

describe('WowCommunication', () => {
  it(
    'Given a communication.protocols.map request, when WowCommunication handles it, ' +
      'then it replies with each request type, the agent answering it and the agents asking it',
    async () => {
      const map = await agent.request<ProtocolMap>({ type: 'communication.protocols.map', data: {} });
      expect(map.protocols.find((p) => p.type === 'search.articles')).toMatchObject({
        answeredBy: [
          { agent: 'wowsearch', status: 'Offline', timeoutMs: 10_000, maxTimeoutMs: 30_000, concurrency: 16 },
        ],
        askedBy: ['wowsupport'],
        circuits: [],
      });
      // Its own protocol is on the map too, answered by the running agent.
      expect(map.protocols.find((p) => p.type === 'communication.protocols.map')?.answeredBy[0]).toMatchObject({
        agent: 'wowcommunication',
        status: expect.stringMatching(/^(Available|Working)$/) as unknown,
      });
      expect(map.findings).toContainEqual({
        type: 'search.articles',
        problem: 'answerer_offline',
        message:
          'wowsearch answers search.articles but is Offline: wowsupport wait 10000 ms for each request and then fail',
      });
    },
  );

  it('narrows the map to the request types the named agents answer or ask, and refuses a request its protocol does not allow', async () => {
    const map = await agent.request<ProtocolMap>({
      type: 'communication.protocols.map',
      data: { agents: ['wowsearch'] },
    });
    expect(map.protocols.map((p) => p.type)).toEqual(['search.articles']);
    // The platform model describes the request's data, so the bus refuses it before it is sent.
    await expect(
      agent.request({ type: 'communication.protocols.map', data: { agents: ['Not An Id'] } }),
    ).rejects.toMatchObject({ code: 'WOW_ERR_EVENT_SCHEMA' });
  });
});
