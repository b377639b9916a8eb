import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateVersion,
  createAgentHost,
  createEvent,
  createGitHubPort,
  failDraft,
  loadConfig,
  loadManifests,
  openRuntime,
  recordDraft,
  securityViolationSource,
  type AgentHost,
  type Runtime,
} from '#platform';
import { eventually, quietLog, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { startSlackDouble, type SlackDouble } from '../../../../test/doubles/slack-web-api.ts';
import { testAppPrivateKey } from '../../../../test/support/github-app.ts';
import { testMasterKey } from '../../../../test/support/sign-as.ts';
import { testRelease } from '../../../../test/support/test-release.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../../test/support/servers.ts';
import { commentDelivery, supportRepo } from '../support/support-repo-events.ts';

// Operator alerts end to end, on PostgreSQL and Redis as `wow start` runs them: events on
// the bus (an incident from WowAnalytics, twice; a security violation from the platform; a
// version `wow deploy` could not load, through the outbox) reach WowNotification, become
// alerts through the rules, and are sent by its schedule to the Slack double, the SMTP
// double and the GitHub double, each exactly once; an /ack comment on the alert's issue
// acknowledges it.
const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
// A made-up bot token, new each run: the double accepts only it.
const token = `xoxb-${randomUUID()}`;
const cleanups: (() => Promise<void>)[] = [];
const mails: Buffer[] = [];
let runtime: Runtime;
let host: AgentHost;
let slack: SlackDouble;
let github: GitHubDouble;
let repo: DoubleRepo;

const rules = `dedupeMinutes: 10
groupSeconds: 0
rules:
  - name: incidents
    match: { types: [support.incident.opened] }
    notify: { slack: ["#ops"], email: [oncall@waooaw.example], github: ["@waooaw/oncall"] }
  - name: security
    match: { types: [security.violation] }
    notify: { slack: ["#security"] }
  - name: deploys
    match: { types: [agent.deploy.failed] }
    notify: { email: [platform@waooaw.example], github: ["@waooaw/platform"] }
  - name: approvals
    match: { types: [identity.approval.waiting] }
    notify: { slack: ["#approvals"] }
`;

beforeAll(async () => {
  slack = await startSlackDouble({ token, channels: ['#ops', '#security', '#approvals'] });
  cleanups.push(() => slack.close());
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => smtp.close(() => resolve())));
  const dir = await mkdtemp(join(tmpdir(), 'wow-alerts-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const alertsFile = join(dir, 'alerts.yml');
  await writeFile(alertsFile, rules);
  github = createGitHubDouble();
  repo = {
    ...supportRepo,
    dir,
    pulls: [],
    issues: [{ number: 1, title: 'Incident: wowsupport', body: '', state: 'open', state_reason: null, created_at: '' }],
  };
  github.addRepo(repo);
  github.roles.set('octo', 'triage');

  const database = await createTestDatabase('alertse2e');
  const prefix = `${uniqueName('alertse2e')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    BUS_KEY_PREFIX: prefix,
    IDENTITY_MASTER_KEY: testMasterKey,
    BACKUP_INTERVAL_SECONDS: '0',
    AGENTS_DIR: agentsDir,
  });
  runtime = await openRuntime(config, quietLog);
  cleanups.push(() => runtime.close());
  host = await createAgentHost({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log: quietLog,
    metrics: runtime.metrics,
    agentsDir,
    ids: ['wownotification'],
    github: createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
    env: {
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true`,
      SUPPORT_EMAIL_FROM: 'alerts@waooaw.example',
      SUPPORT_REPO: `${supportRepo.owner}/${supportRepo.repo}`,
      WOWNOTIFICATION_ALERTS_FILE: alertsFile,
      WOWNOTIFICATION_SLACK_TOKEN: token,
      WOWNOTIFICATION_SLACK_API_URL: slack.url,
      WOWNOTIFICATION_ALERTS_INTERVAL_MS: '200',
    },
  });
  await host.start();
  cleanups.push(async () => {
    await host.stop({ timeoutMs: 5_000 });
  });
  runtime.relay.start();
  // The incident comes signed from WowAnalytics, as on the platform.
  const analytics = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowanalytics')?.manifest;
  if (analytics === undefined) throw new Error('no wowanalytics manifest');
  await runtime.identity.credentials.ensureWorkingTree(analytics, { actor: 'test' });
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const openAlerts = async () =>
  (
    await runtime.store.query<{
      id: string;
      type: string;
      fired: number;
      issue: string | null;
      acked_by: string | null;
    }>('select id, type, fired, issue, acked_by from operator_alerts order by type')
  ).rows;

describe('operator alerts from the bus to Slack, mail and GitHub, on PostgreSQL and Redis', () => {
  it(
    'Given an incident (twice), a violation and a failed deploy on the bus, ' +
      'then each double receives exactly the expected messages, and /ack acknowledges',
    async () => {
      const incidentId = randomUUID();
      await runtime.store.query(
        `insert into support_incidents (id, agent_id, signals, opened_figures, latest_figures, opened_at, owner, repo, issue_number)
       values ($1, 'wowsupport', '{errors}', '{}', '{}', now(), $2, $3, 1)`,
        [incidentId, supportRepo.owner, supportRepo.repo],
      );
      const incident = () =>
        createEvent({
          type: 'support.incident.opened',
          subject: incidentId,
          source: 'urn:wow:agent:wowanalytics',
          data: { incidentId, agentId: 'wowsupport', signals: ['errors'], figures: { errorRate: 0.4 } },
        });
      await runtime.bus.publish(incident());
      await runtime.bus.publish(incident());
      await runtime.bus.publish(
        createEvent({
          type: 'security.violation',
          subject: 'wowcache',
          source: securityViolationSource,
          data: {
            kind: 'undeclared_event',
            agent: 'wowcache',
            source: 'agent context',
            reason: 'emitted <support.ticket.solved> & was refused',
            sample: { type: 'support.ticket.solved' },
            at: new Date().toISOString(),
          },
        }),
      );
      // `wow deploy` records a version that did not load; its event leaves through the outbox.
      const manifest = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowcache')?.manifest;
      if (manifest === undefined) throw new Error('no wowcache manifest');
      const release = { agentId: 'wowcache', treeHash: 'd'.repeat(40), commit: 'e'.repeat(40), manifest, files: [] };
      await recordDraft(runtime.store, release);
      await failDraft(runtime.store, {
        release,
        reason: 'src/index.ts: SyntaxError: Unexpected token',
        activeTreeHash: null,
        source: 'wow/deploy',
      });

      await eventually(
        async () =>
          slack.messages.length === 2 &&
          mails.length === 2 &&
          github.comments.length === 1 &&
          (repo.issues ?? []).length === 2 &&
          (await openAlerts()).every((a) => a.type !== 'support.incident.opened' || a.fired === 2),
        'every message sent and the repeat counted',
        20_000,
      );
      // Another few runs of the schedule: nothing more goes out.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(slack.violations).toEqual([]);
      expect(github.violations).toEqual([]);

      expect(slack.messages.map((m) => m.channel).sort()).toEqual(['#ops', '#security']);
      const security = slack.messages.find((m) => m.channel === '#security');
      expect(security?.text).toContain('emitted &lt;support.ticket.solved&gt; &amp; was refused');
      expect(security?.blocks[1]?.text?.text).toContain('*critical* `security.violation` on `wowcache`');
      expect(slack.messages.find((m) => m.channel === '#ops')?.text).toContain(
        'Incident: wowsupport is failing more than usual',
      );

      const parsed = await Promise.all(mails.map((m) => simpleParser(m)));
      expect(parsed.map((m) => (Array.isArray(m.to) ? '' : m.to?.text)).sort()).toEqual([
        'oncall@waooaw.example',
        'platform@waooaw.example',
      ]);
      const deployMail = parsed.find((m) => !Array.isArray(m.to) && m.to?.text === 'platform@waooaw.example');
      expect(deployMail?.text).toContain('critical agent.deploy.failed on wowcache: Deploy failed: wowcache');
      expect(deployMail?.text).toContain(
        'did not load, nothing of it runs: src/index.ts: SyntaxError: Unexpected token',
      );

      // The incident's mention on its own issue; the deploy's on an issue opened for it.
      expect(github.comments[0]).toMatchObject({ issue: 1 });
      expect(github.comments[0]?.body).toContain('@waooaw/oncall');
      expect(github.comments[0]?.body).toContain('(fired 2 times)');
      const opened = repo.issues?.find((i) => i.number !== 1);
      expect(opened?.body).toMatch(/^\*\*Operator alert \(rule deploys\)\*\* @waooaw\/platform\n/);
      const alerts = await openAlerts();
      expect(alerts.map((a) => [a.type, a.issue])).toEqual([
        ['agent.deploy.failed', `acme/support#${opened?.number ?? 0}`],
        ['security.violation', null],
        ['support.incident.opened', 'acme/support#1'],
      ]);

      // /ack on the deploy's issue, from someone who works the support repository's issues.
      await runtime.bus.publish(
        createEvent({
          source: 'urn:wow:test',
          ...commentDelivery({ issue: opened?.number ?? 0, commentId: 7001, body: '/ack', login: 'octo' }),
        }),
      );
      await eventually(
        async () => (await openAlerts()).find((a) => a.type === 'agent.deploy.failed')?.acked_by === 'github:octo',
        'the deploy alert acknowledged',
      );
      await eventually(async () => github.comments.length === 2, 'the acknowledgement said on the issue');
      expect(github.comments[1]).toMatchObject({ issue: opened?.number });
      expect(github.comments[1]?.body).toContain('Acknowledged by @octo');
      expect((await openAlerts()).filter((a) => a.acked_by !== null)).toHaveLength(1);

      // The incident resolved: its alert stops escalating too.
      await runtime.bus.publish(
        createEvent({
          type: 'support.incident.resolved',
          subject: incidentId,
          source: 'urn:wow:agent:wowanalytics',
          data: { incidentId, agentId: 'wowsupport', figures: { errorRate: 0.01 } },
        }),
      );
      await eventually(
        async () =>
          (await openAlerts()).find((a) => a.type === 'support.incident.opened')?.acked_by === 'incident resolved',
        "the resolved incident's alert acknowledged",
      );
      expect((await openAlerts()).find((a) => a.type === 'security.violation')?.acked_by).toBeNull();
    },
  );

  it(
    'Given a deployed agent whose credential withholds a capability beyond its tier, when it is issued again and redeployed, ' +
      'then the approvers hear once, on Slack, what waits and how to approve it',
    async () => {
      const capabilities = ['github:pull_requests:write', 'llm:complete'];
      const v1 = testRelease('seller', { tier: 'Sales', capabilities }, '1'.repeat(40));
      await recordDraft(runtime.store, v1);
      await activateVersion(runtime.store, 'seller', v1.treeHash, 'wow/deploy');
      // As `wow deploy` issues its credential; the announcement leaves through the outbox, signed by the platform.
      expect(await runtime.identity.credentials.ensure('seller', { actor: 'wow deploy', force: true })).toEqual({
        withheld: ['github:pull_requests:write'],
      });
      // A renewal and a new version withholding the same: nothing new waits, nothing is announced again.
      await runtime.identity.credentials.ensure('seller', { actor: 'test', force: true });
      const v2 = testRelease('seller', { tier: 'Sales', capabilities, version: '1.1.0' }, '2'.repeat(40));
      await recordDraft(runtime.store, v2);
      await activateVersion(runtime.store, 'seller', v2.treeHash, 'wow/deploy');
      await runtime.identity.credentials.ensure('seller', { actor: 'wow deploy', force: true });

      const approvals = () => slack.messages.filter((m) => m.channel === '#approvals');
      await eventually(async () => approvals().length === 1, 'the approval alert on Slack', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(approvals()).toHaveLength(1);
      expect(approvals()[0]?.text).toContain(
        'Approval waiting: seller 1.0.0 declares github:pull_requests:write beyond its tier (Sales), ' +
          'withheld until an approver runs wow identity approve seller github:pull_requests:write --by &lt;login&gt;',
      );
      expect(slack.violations).toEqual([]);
      const alert = (await openAlerts()).filter((a) => a.type === 'identity.approval.waiting');
      expect(alert).toMatchObject([{ fired: 1, acked_by: null }]);
    },
  );
});
