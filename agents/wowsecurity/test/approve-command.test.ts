import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateVersion,
  createGitHubPort,
  createIdentity,
  createLogger,
  createMetrics,
  grantIdentity,
  loadConfig,
  loadManifests,
  recordDraft,
  type AgentIdentity,
  type GitHubClient,
  type Identity,
} from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { testRelease } from '../../../test/support/test-release.ts';
import { createGitHubDouble, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { parseApproveCommand } from '../src/approvals/parse-approve-command.ts';
import { answerApproveComment, type ApproveComment } from '../src/index.ts';

const agentsDir = fileURLToPath(new URL('../..', import.meta.url));

describe('reading /approve from a comment', () => {
  it('takes an agent id, a capability as the platform grants one, and an optional reason, on a line of its own', () => {
    expect(
      parseApproveCommand('Looks right to me.\n/approve marketer github:contents:write  ships pages \nthanks'),
    ).toEqual({ ok: true, agentId: 'marketer', capability: 'github:contents:write', reason: 'ships pages' });
    expect(parseApproveCommand('/approve marketer identity:lifecycle:write')).toEqual({
      ok: true,
      agentId: 'marketer',
      capability: 'identity:lifecycle:write',
      reason: undefined,
    });
  });

  it('leaves alone comments with no command, a command inside a sentence, and the desk’s /approve <draft-id>', () => {
    expect(parseApproveCommand('no command here')).toBeUndefined();
    expect(parseApproveCommand('please /approve marketer llm:complete')).toBeUndefined();
    expect(parseApproveCommand('/approve 0f8e8a3c-3b1a-4c55-9a0e-1d2b3c4d5e6f')).toBeUndefined();
    expect(parseApproveCommand(`${'x'.repeat(10_000)}\n/approve marketer llm:complete`)).toBeUndefined();
  });

  it('says what is wrong with a malformed command', () => {
    const problem = (body: string) => {
      const parsed = parseApproveCommand(body);
      return parsed?.ok === false ? parsed.problem : parsed;
    };
    expect(problem('/approve')).toMatch(/^name the agent and the capability: write `\/approve <agent-id>/);
    expect(problem('/approve Marketer llm:complete')).toMatch(/^the first word must be an agent id in kebab-case/);
    expect(problem(`/approve ${'a'.repeat(65)} llm:complete`)).toMatch(/^the first word must be an agent id/);
    expect(problem('/approve marketer')).toMatch(/^name the capability to approve/);
    expect(problem('/approve marketer root:everything')).toMatch(/^the second word must be a capability, one of/);
    expect(problem('/approve marketer llm:complete\u200b')).toMatch(/^the second word must be a capability/);
    expect(problem(`/approve marketer llm:complete ${'why '.repeat(130)}`)).toBe(
      'the reason is longer than 500 characters',
    );
    expect(problem('/approve marketer llm:complete because\u202eesuaceb')).toBe(
      'the reason holds a control, direction or zero-width character',
    );
  });
});

describe.each(storeBackends('wowsecurity-approve'))('/approve comments on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;
  let facade: AgentIdentity | undefined;
  let github: GitHubDouble;
  let client: GitHubClient;
  let nextComment = 100;

  beforeAll(async () => {
    test = await backend.open();
    const settings = loadConfig({
      PUBLIC_URL: 'https://waooaw.example.com',
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    }).identity;
    identity = await createIdentity({ settings, store: test.store, log: createLogger('silent') });
    const release = testRelease(
      'marketer',
      {
        name: 'Marketer',
        description: 'Writes campaigns.',
        wakesOn: ['marketing.campaign.requested'],
        capabilities: ['github:contents:write', 'github:issues:write', 'llm:complete'],
        tier: 'Marketing',
      },
      'd'.repeat(40),
    );
    await recordDraft(test.store, release);
    await activateVersion(test.store, 'marketer', release.treeHash, 'test');
    await identity.ensure('marketer', { actor: 'test' });
    const manifest = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowsecurity')?.manifest;
    if (manifest === undefined) throw new Error('agents/wowsecurity/agent.yml is missing');
    facade = grantIdentity(manifest, identity, createMetrics({ defaultMetrics: false }));
    github = createGitHubDouble();
    github.addRepo({ owner: 'acme', repo: 'agents', dir: tmpdir(), pulls: [{ number: 12, head: 'h', base: 'main' }] });
    github.roles.set('ann', 'admin');
    github.roles.set('bob', 'write');
    github.roles.set('grace', 'read');
    client = await createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }).forRepository('acme', 'agents');
  }, 60_000);

  afterAll(async () => test.close());

  const comment = (body: string, login: string, more: Partial<ApproveComment> = {}): ApproveComment => ({
    owner: 'acme',
    repo: 'agents',
    issue: 12,
    commentId: (nextComment += 1),
    login,
    isBot: false,
    body,
    ...more,
  });
  const answer = (c: ApproveComment, approvers: string[] = ['grace']) =>
    answerApproveComment(
      { github: client, identity: facade, approvers, deskRepo: { owner: 'acme', repo: 'support' } },
      c,
    );
  const replyTo = (c: ApproveComment) =>
    github.comments.find((r) => r.body.includes(`<!-- wowsecurity:approve=${c.commentId} -->`))?.body;
  const approvals = async () => (await identity.show('marketer'))?.approvals ?? [];

  it('refuses a stranger and a writer with a reply, and records nothing', async () => {
    for (const login of ['mallory', 'bob']) {
      const c = comment('/approve marketer github:contents:write', login);
      expect(await answer(c)).toEqual({ did: 'refused', login });
      expect(replyTo(c)).toMatch(new RegExp(`^@${login} only an approver may approve a capability`));
    }
    expect(await approvals()).toEqual([]);
  });

  it('records an admin’s approval on the deploy’s pull request, replies once, and a redelivery does nothing more', async () => {
    const c = comment('/approve marketer github:contents:write publishes the campaign pages', 'ann');
    expect(await answer(c)).toEqual({
      did: 'approved',
      agentId: 'marketer',
      capability: 'github:contents:write',
      by: 'ann',
    });
    expect(await answer(c)).toEqual({ did: 'answered-before' });
    expect(github.comments.filter((r) => r.body.includes(`approve=${c.commentId} `))).toHaveLength(1);
    expect(replyTo(c)).toMatch(/^@ann approved `github:contents:write` for `marketer`/);
    expect(await approvals()).toEqual([
      expect.objectContaining({
        capability: 'github:contents:write',
        approvedBy: 'ann',
        reason: 'publishes the campaign pages',
        via: '/approve on acme/agents#12 (wowsecurity)',
      }),
    ]);
    expect(await identity.holdsCapability('marketer', 'github:contents:write')).toBe(true);
  });

  it('takes a login WOWSECURITY_APPROVERS names, whatever its role', async () => {
    const c = comment('/approve marketer github:issues:write', 'grace');
    expect(await answer(c)).toMatchObject({ did: 'approved', by: 'grace' });
    expect((await approvals()).map((a) => a.approvedBy)).toEqual(['ann', 'grace']);
  });

  it('records an approval once when GitHub delivers the comment again after the reply failed', async () => {
    const c = comment('/approve marketer github:contents:write renews the landing pages', 'ann');
    // The reply's POST fails (a 502 is not retried for a POST: GitHub may have made the
    // comment), as a crash between recording the approval and replying leaves it: no
    // marker, so GitHub's redelivery is answered anew.
    github.failNext('bad-gateway', { route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments' });
    await expect(answer(c)).rejects.toThrow();
    expect(replyTo(c)).toBeUndefined();
    expect(await answer(c)).toMatchObject({ did: 'approved', by: 'ann' });
    expect(replyTo(c)).toMatch(/^@ann approved `github:contents:write` for `marketer`/);
    expect((await approvals()).filter((a) => a.reason === 'renews the landing pages')).toHaveLength(1);
    // Another comment with the same words is another approval, recorded as such.
    expect(await answer(comment(c.body, 'ann'))).toMatchObject({ did: 'approved' });
    expect((await approvals()).filter((a) => a.reason === 'renews the landing pages')).toHaveLength(2);
  });

  it('answers malformed input and what the platform refuses with a clear reply, approving nothing', async () => {
    const before = (await approvals()).length;
    const bad = comment('/approve marketer root:everything', 'ann');
    expect(await answer(bad)).toMatchObject({ did: 'invalid' });
    expect(replyTo(bad)).toMatch(
      /^@ann WowSecurity did not read that `\/approve`; nothing was approved: the second word must be a capability/,
    );
    const allowed = comment('/approve marketer llm:complete', 'ann');
    expect(await answer(allowed)).toMatchObject({ did: 'failed' });
    expect(replyTo(allowed)).toMatch(/^@ann `llm:complete` for `marketer` was not approved: .*allows it already/);
    const undeclared = comment('/approve nobody github:contents:write', 'ann');
    expect(await answer(undeclared)).toMatchObject({ did: 'failed' });
    expect(replyTo(undeclared)).toMatch(/no Active version/);
    expect(await approvals()).toHaveLength(before);
  });

  it('never reads a bot’s comment, one with no /approve of its own, or any in the support repository', async () => {
    expect(await answer(comment('/approve marketer github:contents:write', 'wowvision[bot]', { isBot: true }))).toEqual(
      {
        did: 'ignored',
      },
    );
    expect(await answer(comment('/approve 0f8e8a3c-3b1a-4c55-9a0e-1d2b3c4d5e6f', 'ann'))).toEqual({ did: 'ignored' });
    // In the support repository `/approve` is the desk's, whatever follows it.
    expect(await answer(comment('/approve', 'ann', { owner: 'Acme', repo: 'Support' }))).toEqual({ did: 'ignored' });
  });
});
