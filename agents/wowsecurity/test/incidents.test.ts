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
  type AgentRelease,
  type Identity,
  type SecurityViolationData,
} from '#platform';
import { agentEffects, testGitHubPolicy } from '#platform/testing';
import { testRelease } from '../../../test/support/test-release.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import {
  endQuietIncidents,
  handleViolation,
  openMissingIssues,
  pruneViolations,
  securitySettings,
  type ViolationDeps,
} from '../src/index.ts';

const log = createLogger('silent');
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const identitySettings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
}).identity;
const t0 = new Date('2026-12-05T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const release = (id: string): AgentRelease => testRelease(id, { tier: 'Platform CoE' });

let sequence = 0;
/** A violation as the platform publishes it: `agent` proven, or none (a door's). */
const violation = (agent: string | undefined, seconds: number, extra: Partial<SecurityViolationData> = {}) => ({
  id: `violation-${(sequence += 1)}`,
  data: {
    kind: 'undeclared_event',
    ...(agent === undefined ? {} : { agent }),
    source: agent === undefined ? 'webhook door' : 'agent context',
    reason: `${agent ?? 'someone'} does not declare x.y.z in emits`,
    sample: { type: 'x.y.z' },
    at: at(seconds).toISOString(),
    ...extra,
  } satisfies SecurityViolationData,
  now: at(seconds),
});

describe.each(storeBackends('wowsecurity', { poolMax: 4 }))('WowSecurity on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;
  let facade: AgentIdentity | undefined;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let deps: ViolationDeps;
  const handle = (v: ReturnType<typeof violation>, settings: Record<string, string> = {}) =>
    handleViolation({ ...deps, settings: securitySettings.parse({ support: {}, ...settings }) }, v.id, v.data, v.now);
  const lifecycleOf = async (id: string) => (await identity.show(id))?.lifecycle;

  beforeAll(async () => {
    test = await backend.open();
    identity = await createIdentity({ settings: identitySettings, store: test.store, log, clock: () => t0 });
    for (const id of ['noisy', 'chatty', 'quiet', 'wowvision', 'wowsecurity']) {
      await recordDraft(test.store, release(id));
      await activateVersion(test.store, id, release(id).treeHash, 'test');
      await identity.ensure(id, { actor: 'test' });
    }
    const manifest = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowsecurity')?.manifest;
    if (manifest === undefined) throw new Error('agents/wowsecurity/agent.yml is missing');
    facade = grantIdentity(manifest, identity, createMetrics({ defaultMetrics: false }));
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'security', dir: tmpdir(), pulls: [] };
    github.addRepo(repo);
    const port = createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    });
    deps = {
      store: test.store,
      log,
      ...(await agentEffects({ store: test.store, agentsDir, id: 'wowsecurity' })),
      identity: facade,
      github: { client: await port.forRepository('acme', 'security'), owner: 'acme', repo: 'security' },
      settings: securitySettings.parse({ support: {} }),
      self: 'wowsecurity',
    };
  }, 60_000);

  afterAll(async () => test.close());

  const issuesAbout = (offender: string) => (repo.issues ?? []).filter((i) => i.title.includes(offender));
  const commentsOn = (issue: number) => github.comments.filter((c) => c.issue === issue);

  it('opens exactly one issue for a burst, and comments on it while the burst lasts, a minute apart at most', async () => {
    const first = await handle(violation('noisy', 0, { sample: { type: 'x.y.z', source: '`@octocat` <img src=x>' } }));
    expect(first).toMatchObject({ opened: true, suspension: undefined });
    for (const seconds of [10, 20, 30])
      expect(await handle(violation('noisy', seconds))).toMatchObject({ opened: false });
    await handle(violation('noisy', 75));
    const issues = issuesAbout('noisy');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.number).toBe(first.issueNumber);
    expect(issues[0]?.title).toBe('Security: violations by noisy');
    // What a stranger may have written stays inside inline code: no mention, no HTML.
    expect(issues[0]?.body).toContain("source `'@octocat' <img src=x>`");
    const comments = commentsOn(first.issueNumber ?? 0);
    expect(comments.map((c) => c.body.split(';')[0])).toEqual([
      '2 violations in this burst so far',
      '5 violations in this burst so far',
    ]);
  });

  it('counts a redelivered violation once', async () => {
    const v = violation('noisy', 80);
    await handle(v);
    await handle(v);
    const { rows } = await test.store.query<{ violations: number }>(
      "select violations from security_incidents where offender = 'noisy' and closed_at is null",
    );
    expect(rows).toEqual([{ violations: 6 }]);
  });

  it('ends a burst after the quiet period, closing its issue once, and opens a new issue for the next burst', async () => {
    const quietDeps = { db: test.store, log, github: deps.github, quietSeconds: 900 };
    expect(await endQuietIncidents(quietDeps, at(80 + 899))).toEqual([]);
    const closed = await endQuietIncidents(quietDeps, at(80 + 901));
    expect(closed).toHaveLength(1);
    expect(await endQuietIncidents(quietDeps, at(80 + 960))).toEqual([]);
    const [old] = issuesAbout('noisy');
    expect(old?.state).toBe('closed');
    expect(commentsOn(old?.number ?? 0).at(-1)?.body).toMatch(
      /^Quiet for 900 s: the burst ended with 6 violation\(s\)/,
    );

    const next = await handle(violation('noisy', 2000));
    expect(next.opened).toBe(true);
    expect(issuesAbout('noisy')).toHaveLength(2);
    expect(
      issuesAbout('noisy')
        .filter((i) => i.state === 'open')
        .map((i) => i.number),
    ).toEqual([next.issueNumber]);
  });

  it('ends a quiet burst when the next violation arrives before the schedule looks, for a door as for an agent', async () => {
    const first = await handle(violation(undefined, 0));
    await handle(violation(undefined, 901));
    const issues = issuesAbout('webhook door');
    expect(issues.map((i) => [i.number === first.issueNumber, i.state])).toEqual([
      [true, 'closed'],
      [false, 'open'],
    ]);
  });

  it('prunes violations of ended bursts once they are old, and keeps those of an open burst', async () => {
    const count = async () =>
      (
        await test.store.query<{ open: boolean; n: number }>(
          `select i.closed_at is null as open, count(*)::int as n from security_violations v
           join security_incidents i on i.id = v.incident_id where v.agent_id = 'noisy' group by 1 order by 1`,
        )
      ).rows;
    // The first burst of noisy ended above; the second is open.
    expect(await count()).toEqual([
      { open: false, n: 6 },
      { open: true, n: 1 },
    ]);
    expect(await pruneViolations(test.store, at(0))).toBe(0);
    await pruneViolations(test.store, at(86_400 * 31));
    expect(await count()).toEqual([{ open: true, n: 1 }]);
  });

  it('opens the issue of a burst GitHub refused to open, once the delivery that began it has had its tries', async () => {
    github.failNext('bad-gateway', { route: 'POST /repos/{owner}/{repo}/issues' });
    const first = violation('flaky', 0);
    await expect(handle(first)).rejects.toThrow();
    expect(issuesAbout('flaky')).toEqual([]);
    const look = { db: test.store, log, github: deps.github, quietSeconds: 900 };
    expect(await openMissingIssues(look, at(4 * 60))).toEqual([]);
    expect(await openMissingIssues(look, at(6 * 60))).toHaveLength(1);
    expect(await openMissingIssues(look, at(7 * 60))).toEqual([]);
    // The delivery, tried once more, finds the issue the look opened.
    expect(await handle({ ...first, now: at(7 * 60) })).toMatchObject({ opened: true });
    expect(issuesAbout('flaky')).toHaveLength(1);
    expect(issuesAbout('flaky')[0]?.body).toContain('flaky does not declare x.y.z in emits');
  });

  it('suspends an agent past the threshold within the window, with the reason in its lifecycle history', async () => {
    const settings = { suspendThreshold: '3', windowSeconds: '60' };
    // Four, but never three within the window: no suspension.
    for (const seconds of [0, 40, 110]) await handle(violation('chatty', seconds), settings);
    expect((await handle(violation('chatty', 115), settings)).suspension).toBeUndefined();
    const last = await handle(
      violation('chatty', 120, { kind: 'capability_missing', reason: 'chatty used GitHub' }),
      settings,
    );
    expect(last.suspension).toMatchObject({ did: 'suspended', agentId: 'chatty', violations: 3 });
    const lifecycle = await lifecycleOf('chatty');
    expect(lifecycle?.state).toBe('suspended');
    expect(lifecycle?.history).toEqual([
      expect.objectContaining({
        event: 'suspended',
        actor: 'wowsecurity',
        reason:
          '3 security violations in 60 s (WOWSECURITY_SUSPEND_THRESHOLD 3); the latest: capability_missing at agent context: chatty used GitHub',
      }),
    ]);
    expect(commentsOn(last.issueNumber ?? 0).at(-1)?.body).toMatch(
      /^Suspended \*\*chatty\*\*: 3 violations within 60 s/,
    );
    // Once suspended, more violations in the burst do not suspend again.
    expect((await handle(violation('chatty', 121), settings)).suspension).toBeUndefined();
  });

  it('never suspends an exempt platform agent, itself, or anyone with the threshold at 0', async () => {
    const settings = { suspendThreshold: '2' };
    await handle(violation('wowvision', 0), settings);
    expect((await handle(violation('wowvision', 1), settings)).suspension).toEqual({
      did: 'spared',
      agentId: 'wowvision',
      why: 'wowvision is exempt (WOWSECURITY_EXEMPT)',
    });
    await handle(violation('wowsecurity', 0), settings);
    expect((await handle(violation('wowsecurity', 1), settings)).suspension).toMatchObject({ did: 'spared' });
    for (let s = 0; s < 5; s += 1) await handle(violation('quiet', s), { suspendThreshold: '0' });
    for (const id of ['wowvision', 'wowsecurity', 'quiet']) expect((await lifecycleOf(id))?.state).toBe('active');
    // The exemptions are the operator's to change.
    expect(securitySettings.parse({ support: {} }).exempt).toContain('wowvision');
    expect(securitySettings.parse({ support: {}, exempt: 'factory' }).exempt).toEqual(['factory']);
  });
});
