import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateVersion,
  createGitHubPort,
  createIdentity,
  createLogger,
  loadConfig,
  recordDraft,
  securityViolationSource,
  type Identity,
  type SecurityViolationData,
} from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { testRelease } from '../../../test/support/test-release.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL, GitHub as
// the double, and the platform's identity over the agent's store (ctx.identity).
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const identitySettings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
}).identity;
let agent: TestAgent;
let github: GitHubDouble;
let repo: DoubleRepo;
let identity: Identity | undefined;

const violation = (agentId: string): SecurityViolationData => ({
  kind: 'capability_missing',
  agent: agentId,
  source: 'agent context',
  reason: `${agentId} used GitHub without github:<permission>:<read|write>`,
  sample: { capability: 'github:<permission>:<read|write>' },
  at: new Date().toISOString(),
});

beforeAll(async () => {
  github = createGitHubDouble();
  repo = { owner: 'acme', repo: 'security', dir: tmpdir(), pulls: [], installationId: 7 };
  github.addRepo(repo);
  agent = await startTestAgent({
    agentsDir,
    id: 'wowsecurity',
    github: createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
    identity: async (store) => {
      identity = await createIdentity({ settings: identitySettings, store, log: createLogger('silent') });
      return identity;
    },
    env: { WOWSECURITY_REPO: 'acme/security', WOWSECURITY_SUSPEND_THRESHOLD: '3' },
  });
  // A Marketing agent whose GitHub writes wait for an approver.
  const release = testRelease(
    'marketer',
    {
      name: 'Marketer',
      description: 'Writes campaigns.',
      wakesOn: ['marketing.campaign.requested'],
      capabilities: ['github:contents:write', 'llm:complete'],
      tier: 'Marketing',
    },
    'e'.repeat(40),
  );
  await recordDraft(agent.store, release);
  await activateVersion(agent.store, 'marketer', release.treeHash, 'test');
  await identity?.ensure('marketer', { actor: 'test' });
}, 60_000);

afterAll(async () => {
  await agent.stop();
});

const comment = (body: string, login: string) => {
  const payload = examplePayload('issue_comment', 'created') as Record<string, Record<string, unknown>>;
  Object.assign(payload.repository ?? {}, { name: 'security', owner: { login: 'acme', type: 'Organization' } });
  Object.assign(payload.issue ?? {}, { number: 1 });
  Object.assign(payload.comment ?? {}, { id: Math.floor(Math.random() * 1e9), body, user: { login, type: 'User' } });
  payload.sender = { login, type: 'User' };
  return agent.publish({
    type: 'github.issue_comment.created',
    data: { name: 'issue_comment', id: randomUUID(), installationId: 7, payload },
  });
};
const replyTo = (login: string) => github.comments.find((c) => c.body.startsWith(`@${login} `))?.body;

describe('WowSecurity', () => {
  it('Given a burst of security.violation events about one agent, when WowSecurity handles them, then one incident issue is opened for the burst', async () => {
    for (let i = 0; i < 3; i += 1)
      await agent.publish({ source: securityViolationSource, type: 'security.violation', data: violation('marketer') });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ n: number }>(
        "select count(*)::int as n from security_violations where agent_id = 'marketer'",
      );
      expect(rows).toEqual([{ n: 3 }]);
      expect((repo.issues ?? []).map((i) => i.title)).toEqual(['Security: violations by marketer']);
    });
    // The third within the window suspends it, through ctx.identity, with the reason kept.
    await agent.eventually(async () => expect(await identity?.lifecycle.of('marketer')).toBe('suspended'));
    const shown = await identity?.show('marketer');
    expect(shown?.lifecycle.history[0]).toMatchObject({ event: 'suspended', actor: 'wowsecurity' });
    await identity?.lifecycle.change('marketer', 'resume', { actor: 'test', reason: 'fixed' });
  });

  it('believes a security.violation only from the platform', async () => {
    const forged = await agent.publish({
      source: 'urn:wow:agent:rogue',
      type: 'security.violation',
      data: violation('wowanalytics'),
    });
    const real = await agent.publish({
      source: securityViolationSource,
      type: 'security.violation',
      data: violation('wowsupport'),
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_id: string }>(
        "select event_id from security_violations where agent_id in ('wowanalytics', 'wowsupport')",
      );
      expect(rows.map((r) => r.event_id)).toEqual([real.id]);
    });
    expect(forged.id).not.toBe(real.id);
  });

  it('records an approval from an approver’s /approve, and refuses a stranger’s with a reply', async () => {
    github.roles.set('ann', 'maintain');
    await comment('/approve marketer github:contents:write publishes the campaign pages', 'ann');
    await comment('/approve marketer github:contents:write', 'mallory');
    await agent.eventually(async () => {
      expect(replyTo('ann')).toMatch(/^@ann approved `github:contents:write` for `marketer`/);
      expect(replyTo('mallory')).toMatch(/^@mallory only an approver may approve a capability/);
    });
    expect((await identity?.show('marketer'))?.approvals).toEqual([
      expect.objectContaining({
        capability: 'github:contents:write',
        approvedBy: 'ann',
        reason: 'publishes the campaign pages',
        via: '/approve on acme/security#1 (wowsecurity)',
      }),
    ]);
    expect(await identity?.holdsCapability('marketer', 'github:contents:write')).toBe(true);
  });
});
