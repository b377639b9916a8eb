import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dryRunPlaybook, parsePlaybook, recordedFixture } from '../../wowsupport/src/index.ts';
import type { ScalingApplyResult, ScalingStatus } from '../src/index.ts';
import { busyManifest, fileAt, hostScalingAgents, scalingRepository } from './support/scaling-fixture.ts';

// WowScaling on the real runtime (the in-process bus and an embedded PostgreSQL) beside a
// busy agent at its maximum of one replica that never finishes a message, and GitHub as the
// double over a real git repository holding that agent's manifest.
let agent: TestAgent;
let github: GitHubDouble;
let repo: DoubleRepo;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const hosted = await hostScalingAgents();
  const repository = await scalingRepository();
  cleanups.push(hosted.remove, repository.remove);
  github = createGitHubDouble();
  repo = { owner: 'acme', repo: 'waooaw', dir: repository.dir, pulls: [], installationId: 7, issues: [] };
  github.addRepo(repo);
  agent = await startTestAgent({
    agentsDir: hosted.dir,
    id: 'wowscaling',
    alongside: ['busy-agent'],
    relayOutbox: true,
    env: {
      WOWSCALING_SAMPLE_INTERVAL_MS: '100',
      WOWSCALING_SUSTAINED_SAMPLES: '3',
      WOWSCALING_REPOSITORY: 'acme/waooaw',
    },
    github: createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
  });
  cleanups.push(() => agent.stop());
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('WowScaling', () => {
  it(
    'Given an agent at its maximum replicas whose consumer group’s lag grows sample after sample, when WowScaling samples the agents for a sustained run, ' +
      'then it recommends a higher maximum within its bounds and announces scaling.recommended with the samples as evidence',
    async () => {
      let n = 0;
      // Work keeps arriving while the agent holds its one message: the lag grows between samples.
      const feeder = setInterval(
        () => void agent.publish({ type: 'scalingtest.work.requested', subject: `w${n++}`, data: { n } }),
        40,
      );
      let announced;
      try {
        announced = await agent.emitted('scaling.recommended', (e) => e.subject === 'busy-agent', {
          timeoutMs: 30_000,
        });
      } finally {
        clearInterval(feeder);
      }
      expect(announced.data).toMatchObject({
        agent: 'busy-agent',
        direction: 'up',
        current: { minReplicas: 1, maxReplicas: 1, pendingPerReplica: 20 },
        proposed: { minReplicas: 1, maxReplicas: 2, pendingPerReplica: 20 },
        samples: 3,
      });
      expect((announced.data as { reason: string }).reason).toMatch(
        /^at its maximum of 1 replicas for 3 samples, lag grew from \d+ to \d+ entries/,
      );
      // Nothing about WowScaling itself, which runs below its maximum with nothing waiting.
      expect(agent.events.filter((e) => e.type === 'scaling.recommended').map((e) => e.subject)).toEqual([
        'busy-agent',
      ]);

      // One pull request, editing only the `scaling:` block, with the samples in its description.
      await agent.eventually(
        async () => {
          const status = await agent.request<ScalingStatus>({
            type: 'scaling.status',
            data: { agent: 'busy-agent', samples: 3 },
          });
          expect(status.agents[0]?.recommendation?.pull).not.toBeNull();
        },
        { timeoutMs: 15_000 },
      );
      expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
      const [pull] = repo.pulls;
      expect(pull?.title).toBe('Scaling: busy-agent maxReplicas 1 → 2');
      expect(repo.labels?.get(pull?.number ?? 0)).toEqual(['scaling']);
      expect(pull?.body).toContain(
        '| sampled at | live replicas | bounds | lag | pending | handled | mean latency (ms) | service level (ms) |',
      );
      expect(pull?.body?.match(/^\| \d{4}-\d\d-\d\dT\S+ \| 1 \| 1\.\.1 \| \d+ \| \d+ \| /gm)).toHaveLength(3);
      expect(await fileAt(repo.dir, pull?.head ?? '', 'agents/busy-agent/agent.yml')).toBe(
        busyManifest.replace('maxReplicas: 1 # one runtime', 'maxReplicas: 2 # one runtime'),
      );

      // The status and a playbook's scaling.apply find that pull request: no second one.
      const status = await agent.request<ScalingStatus>({
        type: 'scaling.status',
        data: { agent: 'busy-agent', samples: 3 },
      });
      const [busy] = status.agents;
      expect(busy).toMatchObject({
        id: 'busy-agent',
        bounds: { maxReplicas: 1 },
        recommendation: { direction: 'up', proposed: { maxReplicas: 2 } },
      });
      expect(busy?.samples).toHaveLength(3);
      expect(busy?.latest).toMatchObject({ liveReplicas: 1, pending: 1, serviceLevelMs: 1000 });
      // WowSupport's playbook for it, dry-run on this very reply: the remedy waits for /approve, then asks scaling.apply.
      const file = fileURLToPath(new URL('../../../playbooks/lagging-at-max-replicas.yml', import.meta.url));
      const parsed = parsePlaybook(await readFile(file, 'utf8'), 'playbooks/lagging-at-max-replicas.yml');
      if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
      const dry = await dryRunPlaybook(
        parsed.playbook,
        recordedFixture.parse({
          trouble: { agent: 'busy-agent', kind: 'latency' },
          replies: { 'scaling.status': status },
        }),
      );
      expect(dry).toMatchObject({
        matches: true,
        steps: [
          {
            id: 'scaling',
            request: 'scaling.status',
            input: { agent: 'busy-agent', samples: 5 },
            result: { ok: true },
          },
        ],
        remedy: { id: 'raise-max-replicas', risk: 'high', action: 'scaling.apply', runs: 'after /approve' },
      });
      // Without a recommendation (the agent is slow for another reason) it has no remedy: the incident goes to L3.
      const unrecommended = { agents: status.agents.map((a) => ({ ...a, recommendation: null })) };
      const none = recordedFixture.parse({
        trouble: { agent: 'busy-agent', kind: 'latency' },
        replies: { 'scaling.status': unrecommended },
      });
      expect((await dryRunPlaybook(parsed.playbook, none)).remedy).toBeNull();
      const applied = await agent.request<ScalingApplyResult>({
        type: 'scaling.apply',
        data: { agent: 'busy-agent', reason: 'playbook lagging-at-max-replicas' },
      });
      expect(applied).toEqual({
        did: 'found',
        recommendation: busy?.recommendation?.id,
        pull: busy?.recommendation?.pull,
      });
      expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
      expect(github.violations).toEqual([]);
    },
    60_000,
  );

  it('answers scaling.apply for an agent with no recommendation with why there is none', async () => {
    const reply = await agent.request<ScalingApplyResult>({ type: 'scaling.apply', data: { agent: 'wowscaling' } });
    expect(reply).toEqual({ did: 'none', why: 'WowScaling has no open recommendation for wowscaling' });
  });

  it('refuses a scaling.status request naming no agent id, saying which field is wrong', async () => {
    // The platform model's schema refuses it at publish, before it reaches WowScaling's own check.
    await expect(agent.request({ type: 'scaling.status', data: { agent: '../etc' } })).rejects.toThrow(
      /The data of "scaling.status" does not match its schema .*data.agent/s,
    );
  });
});
