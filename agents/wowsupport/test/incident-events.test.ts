import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, createHealthRecorder } from '#platform';
import { eventually, startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { startSlackDouble, type SlackDouble } from '../../../test/doubles/slack-web-api.ts';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';

// The incident events' handlers as the platform runs them, over the embedded defaults (an
// embedded PostgreSQL, the in-process bus) and over PostgreSQL and Redis: WowAnalytics'
// look (each second) opens the incidents and judges the remedies, and its events reach
// WowSupport (support.incident.resolved: the remedy helped; support.incident.unrecovered:
// undone through WowCache and taken to L3) and WowNotification (support.incident.opened:
// an operator alert on the Slack double) over the bus. The slowed agents are played by the
// test: what their runtimes record per minute, and their cache namespaces' figures.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const token = `xoxb-${randomUUID()}`;
const rules = `dedupeMinutes: 10
groupSeconds: 0
rules:
  - name: incidents
    match: { types: [support.incident.opened] }
    notify: { slack: ["#ops"] }
`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe.each(agentSetups)('incident events through the runtime on %s', (_name, openSetup) => {
  let setup: AgentSetup;
  let agent: TestAgent;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let slack: SlackDouble;
  let dir: string;

  beforeAll(async () => {
    setup = await openSetup('incidentevents');
    slack = await startSlackDouble({ token, channels: ['#ops'] });
    dir = await mkdtemp(join(tmpdir(), 'wow-incident-events-'));
    await writeFile(join(dir, 'alerts.yml'), rules);
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'support', dir, pulls: [] };
    github.addRepo(repo);
    agent = await startTestAgent({
      agentsDir,
      id: 'wowsupport',
      alongside: ['wowanalytics', 'wowcache', 'wownotification'],
      relayOutbox: true,
      postgres: setup.postgres,
      redis: setup.redis,
      github: createGitHubPort({
        credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
        fetch: github.fetch,
        policy: testGitHubPolicy,
      }),
      env: {
        SUPPORT_REPO: 'acme/support',
        SUPPORT_APPROVERS: 'ada',
        SUPPORT_SLA_SWEEP_SECONDS: '0',
        WOWANALYTICS_CHECK_SECONDS: '1',
        WOWCACHE_TUNE_INTERVAL_MS: '0',
        WOWNOTIFICATION_ALERTS_FILE: join(dir, 'alerts.yml'),
        WOWNOTIFICATION_SLACK_TOKEN: token,
        WOWNOTIFICATION_SLACK_API_URL: slack.url,
        WOWNOTIFICATION_ALERTS_INTERVAL_MS: '200',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await agent.stop();
    await slack.close();
    await rm(dir, { recursive: true, force: true });
    await setup.drop();
  });

  /** `events` handled by `agentId` in the minute of `at`, each taking `ms`. */
  const handles = async (agentId: string, at: Date, events: number, ms: number) => {
    const health = createHealthRecorder();
    for (let i = 0; i < events; i += 1) health.record(agentId, ms, true, at);
    await health.flush(agent.store);
  };
  /** An agent a week-like baseline at 50 ms, its cache tuned to a TTL factor under 1, and a slow minute. */
  const slowsDown = async (agentId: string, ttlFactor: number) => {
    for (let m = 180; m > 15; m -= 15) await handles(agentId, minutesAgo(m), 20, 50);
    await agent.store.query('insert into cache_tuning (namespace, ttl_factor, l1_max_entries) values ($1, $2, 800)', [
      agentId,
      ttlFactor,
    ]);
    // Most reads find their entry expired and load again: what the playbook's remedy fits.
    await agent.store.query(
      `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, expired, l1_entries_max, l1_bound)
       values ($1, date_trunc('minute', $2::timestamptz), 2, 0, 38, 1140, 36, 10, 800)`,
      [agentId, minutesAgo(2)],
    );
    await handles(agentId, minutesAgo(1), 20, 90);
  };
  /** Each alert's section in the messages posted so far (one per alert, whether grouped or not). */
  const alertsOnSlack = () =>
    slack.messages.flatMap((m) => m.blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? ''));
  const runOf = async (agentId: string) =>
    (
      await agent.store.query<{ incident_id: string; state: string; applied_at: Date }>(
        'select incident_id, state, applied_at from support_playbook_runs where agent_id = $1',
        [agentId],
      )
    ).rows[0];
  const tuningOf = async (agentId: string) =>
    (
      await agent.store.query<{ ttl_factor: number; l1_max_entries: number }>(
        'select ttl_factor, l1_max_entries from cache_tuning where namespace = $1',
        [agentId],
      )
    ).rows[0];
  const stepsOf = async (incidentId: string) =>
    (
      await agent.store.query<{ step: string }>(
        'select step from support_playbook_steps where incident_id = $1 order by id',
        [incidentId],
      )
    ).rows.map((r) => r.step);

  it('opened → alert and remedy; resolved → the remedy recorded as having helped; unrecovered → undone and L3', async () => {
    // `mender`'s cache is why it is slow; `stuck`'s is mis-tuned too, but not why.
    await slowsDown('mender', 0.05);
    await slowsDown('stuck', 0.5);

    // The look opens both incidents; WowSupport asks WowCache and retunes each, over the bus.
    await eventually(
      async () => (await runOf('mender'))?.state === 'applied' && (await runOf('stuck'))?.state === 'applied',
      "both incidents' remedies applied",
      60_000,
    );
    expect(await tuningOf('stuck')).toEqual({ ttl_factor: 4, l1_max_entries: 800 });
    // WowNotification alerts the operators of each incident, once: in one message, or in two
    // when the incidents reach it in different sweeps (a rule's alerts due together go as one).
    // At least both, then exactly these two: a third would show in the comparison, not as a timeout.
    await eventually(() => alertsOnSlack().length >= 2, 'the incidents on Slack', 60_000);
    const posted = slack.messages.length;
    expect(alertsOnSlack().sort()).toEqual([
      expect.stringContaining('Incident: mender is slower than usual') as string,
      expect.stringContaining('Incident: stuck is slower than usual') as string,
    ]);

    // mender runs fast again: two healthy looks close its incident, and WowSupport hears it resolved.
    await handles('mender', new Date(), 200, 50);
    const mended = (await runOf('mender'))?.incident_id ?? '';
    // The run's state changes first, then its step is written: the step is the last word.
    await eventually(
      async () => (await stepsOf(mended)).includes('recovered'),
      'the remedy recorded as helping',
      30_000,
    );
    expect((await runOf('mender'))?.state).toBe('recovered');
    expect(await stepsOf(mended)).toEqual(['matched', 'diagnose:cache', 'applied', 'recovered']);

    // stuck: the remedy ran 31 minutes ago, as far as its windows go, and each of the three since was still slow.
    const stuck = await runOf('stuck');
    const appliedAt = new Date((stuck?.applied_at ?? new Date()).getTime() - 31 * 60_000);
    await agent.store.query('update support_playbook_runs set applied_at = $2 where incident_id = $1', [
      stuck?.incident_id,
      appliedAt,
    ]);
    for (const m of [3, 13, 23]) await handles('stuck', new Date(appliedAt.getTime() + m * 60_000), 20, 90);
    const incidentId = stuck?.incident_id ?? '';
    await eventually(async () => (await stepsOf(incidentId)).includes('escalated'), 'the remedy undone and L3', 30_000);
    expect((await runOf('stuck'))?.state).toBe('undone');
    expect(await tuningOf('stuck')).toEqual({ ttl_factor: 0.5, l1_max_entries: 800 });
    expect(await stepsOf(incidentId)).toEqual([
      'matched',
      'diagnose:cache',
      'applied',
      'unrecovered',
      'undone',
      'escalated',
    ]);
    const { rows } = await agent.store.query<{ issue_number: number; closed_at: Date | null }>(
      'select issue_number, closed_at from support_incidents where id = $1',
      [incidentId],
    );
    expect(rows[0]?.closed_at).toBeNull();
    expect(repo.labels?.get(rows[0]?.issue_number ?? 0)).toContain('tier:L3');
    // The step's row is written before its comment on the issue.
    await eventually(
      () =>
        github.comments.some(
          (c) => c.issue === rows[0]?.issue_number && c.body.includes('@ada: this incident is for L3'),
        ),
      'the approvers mentioned on the issue',
    );
    expect(slack.messages).toHaveLength(posted);
    expect(alertsOnSlack()).toHaveLength(2);
    expect(slack.violations).toEqual([]);
    expect(github.violations).toEqual([]);
    // ~3 s on an idle machine; each wait above is bounded on its own, and the whole may take
    // their sum when the machine is loaded (two looks of WowAnalytics a second apart, four agents).
  }, 180_000);
});
