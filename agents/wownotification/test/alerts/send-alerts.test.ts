import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, type GitHubPort, type Store } from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { storeBackends, type TestStore } from '../../../../test/support/test-stores.ts';
import { testAppPrivateKey } from '../../../../test/support/github-app.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { startSlackDouble, type SlackDouble } from '../../../../test/doubles/slack-web-api.ts';
import { createCustomerChannels, type OpenCustomerChannels } from '../../src/delivery/customer-channels.ts';
import { ackFromComment } from '../../src/alerts/ack-from-comment.ts';
import { ackAlert, listAlerts, recordAlert, type AlertInput } from '../../src/alerts/alert-ledger.ts';
import { deployAlert, incidentAlert } from '../../src/alerts/alert-events.ts';
import { parseAlertRules } from '../../src/alerts/alert-rules.ts';
import { createGitHubAlertWriter } from '../../src/alerts/github-alert-writer.ts';
import { runOperatorAlerts, type OperatorAlerts } from '../../src/alerts/operator-alerts.ts';
import { createSlackSender } from '../../src/alerts/slack-sender.ts';
import { commentPayload, supportRepo } from '../support/support-repo-events.ts';

// Operator alerts from the ledger to the people, on PostgreSQL and the embedded PGlite:
// Slack through @slack/web-api against a double of its Web API, mail through the SMTP
// double, GitHub mentions through Octokit against the GitHub double. Time is the test's:
// each run is given its `now`.
// What the alerts log, kept to check what it says, and that the Slack token is never in it.
const logged: string[] = [];
const alertsLog = pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) });
// A made-up bot token, new each run: the double accepts only it.
const token = `xoxb-${randomUUID()}`;
const rules = parseAlertRules(
  `dedupeMinutes: 10
groupSeconds: 60
rules:
  - name: incidents
    match: { types: [support.incident.opened] }
    notify: { slack: ["#ops"], email: [oncall@waooaw.example], github: ["@waooaw/oncall"] }
    escalate:
      - { afterMinutes: 15, notify: { email: [lead@waooaw.example] } }
      - { afterMinutes: 45, notify: { slack: ["#ops"], github: ["@ada"] } }
  - name: deploys
    match: { types: [agent.deploy.failed] }
    notify: { slack: ["#deploys-gone", "#ops"], github: ["@waooaw/platform"] }
`,
  'config/alerts.yml',
);
let store: Store;
let slack: SlackDouble;
let github: GitHubDouble;
let repo: DoubleRepo;
let dir: string;
let smtp: SMTPServer;
let channels: OpenCustomerChannels;
let alerts: OperatorAlerts;
let port: GitHubPort;
const mails: Buffer[] = [];

beforeAll(async () => {
  slack = await startSlackDouble({ token, channels: ['#ops', '#security'] });
  smtp = new SMTPServer({
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
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  channels = await createCustomerChannels({
    smtpUrl: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`,
    emailFrom: 'alerts@waooaw.example',
  });
  dir = await mkdtemp(join(tmpdir(), 'wow-alerts-'));
  github = createGitHubDouble();
  repo = { ...supportRepo, dir, pulls: [] };
  github.addRepo(repo);
  port = createGitHubPort({
    credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
    fetch: github.fetch,
    policy: testGitHubPolicy,
  });
  alerts = {
    rules,
    senders: {
      slack: createSlackSender({ token, apiUrl: slack.url, log: alertsLog }),
      email: channels.noticeEmail,
      github: createGitHubAlertWriter(port, supportRepo),
    },
    reach: { slack: true, email: true, newIssues: true },
  };
}, 30_000);

afterEach(async () => {
  slack.messages.length = 0;
  slack.calls.length = 0;
  mails.length = 0;
  github.comments.length = 0;
  expect(slack.violations).toEqual([]);
  expect(github.violations).toEqual([]);
  expect(logged.join('')).not.toContain(token);
  logged.length = 0;
});

afterAll(async () => {
  channels.close();
  await slack.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const run = (now: Date) => runOperatorAlerts({ store, log: alertsLog, alerts }, now);
const parsedMails = () => Promise.all(mails.map((m) => simpleParser(m)));
const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).map((a) => a?.text).join(', ');
const sends = async () =>
  (
    await store.query<{
      channel: string;
      target: string;
      state: string;
      attempts: number;
      next_at: Date;
      result: string;
    }>('select channel, target, state, attempts, next_at, result from operator_alert_sends order by channel, target')
  ).rows;

/** An open incident whose issue WowAnalytics has opened in the support repository. */
async function incidentWithIssue(agentId: string): Promise<{ id: string; issue: number }> {
  const id = randomUUID();
  repo.issues ??= [];
  const issue = Math.max(0, ...repo.issues.map((i) => i.number)) + 1;
  repo.issues.push({
    number: issue,
    title: `Incident: ${agentId}`,
    body: '',
    state: 'open',
    state_reason: null,
    created_at: '',
  });
  await store.query(
    `insert into support_incidents (id, agent_id, signals, opened_figures, latest_figures, opened_at, owner, repo, issue_number)
     values ($1, $2, '{errors}', '{}', '{}', now(), $3, $4, $5)`,
    [id, agentId, supportRepo.owner, supportRepo.repo, issue],
  );
  return { id, issue };
}

const incident = (id: string, agentId: string): AlertInput =>
  incidentAlert({ incidentId: id, agentId, signals: ['errors'] });
const deploy = (agentId: string, treeHash: string, reason: string): AlertInput =>
  deployAlert({ agentId, version: '1.2.0', treeHash, commit: 'c0ffee1234567', reason, activeTreeHash: null });

describe.each(storeBackends('alertsend'))(
  'operator alerts sent to Slack, by mail and as GitHub mentions, on $name',
  (backend) => {
    let opened: TestStore;
    beforeAll(async () => {
      opened = await backend.open();
      store = opened.store;
    }, 60_000);
    afterAll(async () => {
      await opened.close();
    });
    afterEach(async () => {
      // Each test's alerts are its own: what one leaves open never escalates into the next.
      await store.query('update operator_alerts set acked_at = now(), acked_by = $1 where acked_at is null', ['test']);
    });

    it('Given the same incident alerted twice, when its group window closes, then each channel hears it once, Slack text escaped', async () => {
      const t0 = new Date('2026-12-06T10:00:00Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      const { id, issue } = await incidentWithIssue('wowsupport');
      const first = await recordAlert(store, rules, incident(id, 'wowsupport'), at(0));
      const again = await recordAlert(store, rules, incident(id, 'wowsupport'), at(20));
      expect(again).toMatchObject({ deduplicated: true, alert: { id: first?.alert.id, fired: 2 } });
      // A summary with mrkdwn's control characters, as a stranger's words could carry.
      await store.query('update operator_alerts set summary = $2 where id = $1', [
        first?.alert.id,
        'Incident: wowsupport <!here> fails & slows for <@U123> > 20%',
      ]);

      expect(await run(at(59))).toMatchObject({ messages: 0, sent: 0 });
      expect(await run(at(61))).toMatchObject({ messages: 1, sent: 3, failed: 0, retrying: 0 });
      expect(slack.messages).toHaveLength(1);
      const [posted] = slack.messages;
      expect(posted?.channel).toBe('#ops');
      expect(posted?.text).toContain('wowsupport &lt;!here&gt; fails &amp; slows for &lt;@U123&gt; &gt; 20%');
      expect(posted?.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
      expect(posted?.blocks[1]?.text?.text).toContain(
        '*critical* `support.incident.opened` on `wowsupport` (fired 2 times)',
      );

      const [mail, ...moreMails] = await parsedMails();
      expect(moreMails).toEqual([]);
      expect(to(mail as ParsedMail)).toBe('oncall@waooaw.example');
      expect(mail?.subject).toMatch(/^\[WAOOAW\] Operator alert \(rule incidents\): Incident: wowsupport/);
      expect(mail?.text).toContain(`alert ${first?.alert.id ?? ''}`);

      // The mention goes to the incident's own issue, where /ack is read.
      expect(github.comments.map((c) => c.issue)).toEqual([issue]);
      expect(github.comments[0]?.body).toMatch(/^\*\*Operator alert \(rule incidents\)\*\* @waooaw\/oncall\n/);
      expect(github.comments[0]?.body).toContain(
        'wowsupport \\<\\!here\\> fails & slows for \\<@\u2060U123\\> \\> 20%',
      );
      expect((await listAlerts(store)).find((a) => a.id === first?.alert.id)?.issue).toBe(`acme/support#${issue}`);
      // Told once: a later run sends nothing more.
      expect(await run(at(120))).toMatchObject({ messages: 0, sent: 0 });
    });

    it(
      'Given three failed deploys within the window, when it closes, ' +
        'then one grouped message lists them, and a missing Slack channel fails alone',
      async () => {
        const t0 = new Date('2026-12-07T10:00:00Z');
        const at = (s: number) => new Date(t0.getTime() + s * 1000);
        await recordAlert(store, rules, deploy('wowcache', 'a'.repeat(40), 'src/index.ts: SyntaxError'), at(0));
        await recordAlert(store, rules, deploy('wowsearch', 'b'.repeat(40), 'no default export'), at(10));
        await recordAlert(store, rules, deploy('wowevent', 'c'.repeat(40), 'settings: WOW_ERR_CONFIG'), at(40));

        const result = await run(at(61));
        // #ops and the new issue are sent; #deploys-gone is not a channel: given up, for a person to fix.
        expect(result).toMatchObject({ messages: 1, sent: 2, failed: 1, retrying: 0 });
        expect(slack.calls.map((c) => c.error ?? 'ok').sort()).toEqual(['channel_not_found', 'ok']);
        expect(slack.messages).toHaveLength(1);
        const sections = slack.messages[0]?.blocks.filter((b) => b.type === 'section') ?? [];
        expect(sections.map((s) => /on `(\w+)`/.exec(s.text?.text ?? '')?.[1])).toEqual([
          'wowcache',
          'wowsearch',
          'wowevent',
        ]);
        expect(slack.messages[0]?.blocks[0]?.text?.text).toBe('3 operator alerts (rule deploys)');
        const failed = (await sends()).find((s) => s.target === '#deploys-gone');
        expect(failed).toMatchObject({ state: 'failed', attempts: 1, result: 'channel_not_found' });
        const said = logged.map(
          (l) => JSON.parse(l) as { level: number; msg: string; target?: string; error?: string },
        );
        expect(said.filter((l) => l.level === 50)).toMatchObject([
          {
            target: '#deploys-gone',
            error: 'channel_not_found',
            msg: expect.stringContaining('fix the channel') as string,
          },
        ]);

        // None of them had an issue: one was opened in the support repository, mentioning the team.
        const issueFor = repo.issues
          ?.filter((i) => i.title.startsWith('Operator alert: Deploy failed: wowcache'))
          .at(-1);
        expect(issueFor?.body).toMatch(/^\*\*3 operator alerts \(rule deploys\)\*\* @waooaw\/platform\n/);
        expect(repo.labels?.get(issueFor?.number ?? 0)).toEqual(['operator-alert']);
        const open = (await listAlerts(store)).filter((a) => a.type === 'agent.deploy.failed');
        expect(open.map((a) => a.issue)).toEqual(Array(3).fill(`acme/support#${issueFor?.number ?? 0}`));
        expect(await run(at(3600))).toMatchObject({ messages: 0, sent: 0, failed: 0 });
      },
    );

    it('Given Slack rate-limits, when the send is due, then it waits out Retry-After and is sent once after it', async () => {
      const t0 = new Date('2026-12-08T10:00:00Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      await store.query('delete from operator_alert_sends');
      const { id } = await incidentWithIssue('wowmemory');
      await recordAlert(store, rules, incident(id, 'wowmemory'), at(0));
      slack.failNext('ratelimited', { retryAfter: 120 });
      expect(await run(at(61))).toMatchObject({ messages: 1, sent: 2, retrying: 1 });
      expect(slack.calls).toEqual([{ method: 'chat.postMessage', status: 429, error: 'ratelimited' }]);
      const waiting = (await sends()).find((s) => s.channel === 'slack');
      expect(waiting).toMatchObject({ state: 'pending', result: 'ratelimited', attempts: 1 });
      expect(waiting?.next_at.toISOString()).toBe(at(181).toISOString());
      expect(logged.some((l) => l.includes('"error":"ratelimited"') && l.includes(at(181).toISOString()))).toBe(true);

      expect(await run(at(180))).toMatchObject({ sent: 0, retrying: 0 });
      slack.failNext('unavailable');
      // Slack's own trouble is tried again after a backoff; then it goes through.
      expect(await run(at(181))).toMatchObject({ sent: 0, retrying: 1 });
      expect(await run(at(181 + 60))).toMatchObject({ sent: 1, retrying: 0 });
      expect(slack.messages).toHaveLength(1);
      expect((await sends()).find((s) => s.channel === 'slack')).toMatchObject({ state: 'sent', attempts: 3 });
    });

    it('Given an alert nobody acknowledges, when each deadline passes, then the next level hears it once; an ack stops the climb', async () => {
      const t0 = new Date('2026-12-09T10:00:00Z');
      const at = (m: number) => new Date(t0.getTime() + m * 60_000);
      const a = await incidentWithIssue('wowcache');
      const b = await incidentWithIssue('wowevent');
      const alertA = await recordAlert(store, rules, incident(a.id, 'wowcache'), at(0));
      const alertB = await recordAlert(store, rules, incident(b.id, 'wowevent'), at(0));
      await run(at(1));
      mails.length = 0;
      slack.messages.length = 0;
      github.comments.length = 0;

      expect(await run(at(15))).toMatchObject({ messages: 0 });
      expect(await run(at(16))).toMatchObject({ messages: 1, sent: 1 });
      const [lead] = await parsedMails();
      expect(to(lead as ParsedMail)).toBe('lead@waooaw.example');
      expect(lead?.subject).toContain('2 operator alerts (rule incidents, escalation level 1: nobody acknowledged)');
      // Once per level: the next runs before the second deadline tell nobody.
      expect(await run(at(30))).toMatchObject({ messages: 0, sent: 0 });
      expect(mails).toHaveLength(1);

      expect(await ackAlert(store, alertA?.alert.id ?? '', 'ada', at(40))).toBe(true);
      expect(await run(at(47))).toMatchObject({ messages: 1, sent: 2 });
      // Level 2: Slack and a mention of @ada on the one unacknowledged alert's issue only.
      expect(slack.messages).toHaveLength(1);
      expect(slack.messages[0]?.text).toContain('escalation level 2');
      expect(slack.messages[0]?.text).toContain('wowevent');
      expect(slack.messages[0]?.text).not.toContain('wowcache');
      expect(github.comments.map((c) => [c.issue, c.body.split('\n')[0]])).toEqual([
        [b.issue, '**Operator alert (rule incidents, escalation level 2: nobody acknowledged)** @ada'],
      ]);
      expect(alertB?.alert.id).toBeDefined();
      expect(await run(at(600))).toMatchObject({ messages: 0, sent: 0 });
    });

    it('Given /ack on an alert issue, when a stranger writes it, then it is refused; from someone who works the issues, the alerts stop', async () => {
      const t0 = new Date('2026-12-10T10:00:00Z');
      const at = (m: number) => new Date(t0.getTime() + m * 60_000);
      const { id, issue } = await incidentWithIssue('wowintegration');
      const recorded = await recordAlert(store, rules, incident(id, 'wowintegration'), at(0));
      await run(at(1));
      const client = await port.forRepository(supportRepo.owner, supportRepo.repo);
      const ack = (login: string, body: string, commentId: number) =>
        ackFromComment(
          { store, github: client, now: at(5) },
          commentPayload({ issue, commentId, body, login }) as Parameters<typeof ackFromComment>[1],
        );

      github.roles.set('mallory', 'read');
      github.roles.set('octo', 'triage');
      expect(await ack('octo', 'thanks, looking', 901)).toEqual({ did: 'ignored', why: 'not /ack' });
      expect(await ack('mallory', '/ack', 902)).toMatchObject({ did: 'refused', by: 'mallory' });
      expect(github.comments.at(-1)?.body).toContain('@mallory only people who work this repository');
      expect(await ack('octo', `/ack ${randomUUID()}`, 903)).toMatchObject({ did: 'acknowledged', alerts: [] });
      expect(await ack('octo', '/ack\nI am on it.', 904)).toEqual({
        did: 'acknowledged',
        alerts: [recorded?.alert.id],
        by: 'octo',
      });
      expect(github.comments.at(-1)?.body).toContain(`Acknowledged by @octo: \`${recorded?.alert.id ?? ''}\``);
      expect((await listAlerts(store, { all: true })).find((a) => a.id === recorded?.alert.id)?.ackedBy).toBe(
        'github:octo',
      );
      // Redelivered: no second reply; acknowledged: no escalation.
      const comments = github.comments.length;
      expect(await ack('octo', '/ack\nI am on it.', 904)).toEqual({
        did: 'ignored',
        why: 'no open alert on this issue',
      });
      expect(github.comments).toHaveLength(comments);
      expect(await run(at(60))).toMatchObject({ messages: 0, sent: 0 });
    });
  },
);
