import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { startTestAgent, type TestAgent, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { openTicket, receiveCustomerMessage, type Ticket } from '#domains/support';
import { appId, supportRepo } from './support/support-repo-events.ts';

// GitHub holds an issue's title to 256 characters and its body, like a comment's, to 65,536
// (the double answers 422 past them, as GitHub does). A customer's text has no such limit,
// and one message GitHub will not take must never stop the ticket's later ones.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let agent: TestAgent;
let github: GitHubDouble;
let repo: DoubleRepo;
let dir: string;
/** Messages (by the origin marker's id) whose every comment GitHub refuses, as it may for content it will not store. */
const refusedForGood = new Set<string>();

/**
 * GitHub as the double answers it, except that a comment carrying `REFUSED-FOR-GOOD`, or
 * any later comment for the same message, is refused with GitHub's 422; one carrying
 * `TEXT-REFUSED` is refused for its text alone.
 */
const refusingGitHub: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { body?: unknown }).body : undefined;
  const text = typeof body === 'string' ? body : '';
  const message = /msg=([0-9a-f-]{36})/.exec(text)?.[1] ?? '';
  if (text.includes('REFUSED-FOR-GOOD')) refusedForGood.add(message);
  if (text.includes('TEXT-REFUSED') || refusedForGood.has(message)) {
    return new Response(
      JSON.stringify({
        message: 'Validation Failed',
        errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data' }],
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      }),
      { status: 422, headers: { 'content-type': 'application/json' } },
    );
  }
  return github.fetch(input, init);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-sync-limits-'));
  github = createGitHubDouble();
  repo = { ...supportRepo, dir, pulls: [] };
  github.addRepo(repo);
  agent = await startTestAgent({
    agentsDir,
    id: 'wownotification',
    alongside: ['wowsupport', 'wowsearch'],
    relayOutbox: true,
    github: createGitHubPort({
      credentials: { appId: String(appId), privateKey, apiUrl: 'https://api.github.com' },
      fetch: refusingGitHub,
      policy: testGitHubPolicy,
    }),
    env: {
      SUPPORT_REPO: `${supportRepo.owner}/${supportRepo.repo}`,
      APP_ID: String(appId),
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'github-webhook-secret',
      SUPPORT_SLA_SWEEP_SECONDS: '0',
    },
  });
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await rm(dir, { recursive: true, force: true });
});

const open = (subject: string, body: string) =>
  agent.store.transaction((tx) =>
    openTicket(tx, { subject, body, channel: 'email', requester: { email: 'milton@initech.example' } }),
  );
const customerWrites = (ticket: Ticket, body: string) =>
  agent.store.transaction((tx) => receiveCustomerMessage(tx, ticket.id, { body, channel: 'email' }));
const issueOf = async (ticket: Ticket) => {
  let found: number | undefined;
  await agent.eventually(async () => {
    found = repo.issues?.find((i) => i.body.includes(`wow-desk:ticket=${ticket.id}`))?.number;
    expect(found).toBeDefined();
  });
  return found as number;
};
const commentsOn = (issue: number) => github.comments.filter((c) => c.issue === issue);
const characters = (text: string) => Array.from(text).length;
/** A long text of lines, as a pasted log is: 70,000 characters. */
const logLine = (i: number) =>
  `line ${String(i).padStart(4, '0')}: the export job failed again, see the trace below @octocat`.padEnd(49, '.');
const longText = (first: string) =>
  `${first}\n${Array.from({ length: 1400 }, (_, i) => logLine(i)).join('\n')}`.slice(0, 70_000);

describe('texts longer than GitHub takes', () => {
  it('opens the issue of a ticket whose subject is 300 and whose message is 70,000 characters, each cut with a marked tail, markers whole', async () => {
    const subject = `Export fails: ${'x'.repeat(286)}`;
    const body = longText('Our export fails every night.');
    expect(body).toHaveLength(70_000);
    const ticket = await open(subject, body);
    const number = await issueOf(ticket);
    const created = repo.issues?.find((i) => i.number === number);
    expect(characters(created?.title ?? '')).toBeLessThanOrEqual(256);
    expect(created?.title).toMatch(/^Export fails: x+…$/);
    const text = created?.body ?? '';
    expect(characters(text)).toBeLessThanOrEqual(65_536);
    expect(text).toMatch(/\n\n… \[cut: \d{1,2},\d{3} more characters; the whole text is in ticket `[0-9a-f-]{36}`\]\n/);
    // What is shown is the customer's text from its start (mentions neutralised), and the tail counts the rest.
    const shown = text.slice(0, text.indexOf('\n\n… [cut:')).replaceAll('\u2060', '');
    expect(shown.length).toBeGreaterThan(60_000);
    expect(body.startsWith(shown)).toBe(true);
    expect(Number(/\[cut: ([\d,]+) more/.exec(text)?.[1]?.replace(',', ''))).toBe(characters(body) - characters(shown));
    expect(text).toContain(`The whole subject: ${subject}`);
    expect(text.trimEnd().endsWith(`<!-- wow-desk:ticket=${ticket.id} -->`)).toBe(true);
    expect(github.violations).toEqual([]);
  });

  it('mirrors a 70,000-character message as a comment cut with a marked tail, its origin marker whole, without splitting a surrogate pair', async () => {
    const ticket = await open('Logs', 'Here are the logs.');
    const issue = await issueOf(ticket);
    // 70,000 emoji, two UTF-16 units each: a cut in the wrong place splits one.
    await customerWrites(ticket, '🔥'.repeat(70_000));
    let comment: string | undefined;
    await agent.eventually(async () => {
      comment = commentsOn(issue).find((c) => c.body.includes('🔥'))?.body;
      expect(comment).toBeDefined();
    });
    const text = comment ?? '';
    expect(characters(text)).toBeLessThanOrEqual(65_536);
    expect(text).toMatch(/\[cut: [\d,]+ more characters; the whole text is in ticket `[0-9a-f-]{36}`\]/);
    expect(text).toMatch(/<!-- wow-desk:origin=waooaw msg=[0-9a-f-]{36} -->$/);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(github.violations).toEqual([]);
  });
});

describe('a message GitHub refuses', () => {
  it('never blocks later messages: one refused for its text becomes a note of where to read it; refused for good, skipped', async () => {
    const ticket = await open('Order 4411', 'Where is order 4411?');
    const issue = await issueOf(ticket);
    await customerWrites(ticket, 'TEXT-REFUSED: the text GitHub will not take.');
    await customerWrites(ticket, 'REFUSED-FOR-GOOD: nothing about this message will be taken.');
    await customerWrites(ticket, 'Any news on order 4411?');
    await agent.eventually(async () =>
      expect(commentsOn(issue).some((c) => c.body.includes('> Any news on order 4411?'))).toBe(true),
    );
    const bodies = commentsOn(issue).map((c) => c.body);
    expect(bodies.filter((b) => b.includes('TEXT-REFUSED') || b.includes('REFUSED-FOR-GOOD'))).toEqual([]);
    expect(bodies.find((b) => b.includes('GitHub refused'))).toMatch(
      /GitHub refused the text of this message \(422[^)]*\); the whole text is in ticket `[0-9a-f-]{36}`/,
    );
    // In order: the stand-in for the first refused message, then the message after the one refused for good.
    expect(bodies.findIndex((b) => b.includes('GitHub refused'))).toBeLessThan(
      bodies.findIndex((b) => b.includes('> Any news on order 4411?')),
    );
    const ledger = await agent.store.query<{ status: string; error: string | null }>(
      "select l.status, l.error from support_sync_ledger l join support_messages m on m.id = l.message_id where m.body like 'REFUSED-FOR-GOOD%'",
    );
    expect(ledger.rows).toEqual([{ status: 'failed', error: expect.stringContaining('422') as string }]);
  });

  it("opens the issue with a stand-in that says where to read the text when GitHub refuses the customer's first message", async () => {
    const ticket = await open('Refund', 'TEXT-REFUSED: the first message GitHub will not take.');
    const number = await issueOf(ticket);
    const issue = repo.issues?.find((i) => i.number === number);
    expect(issue?.title).toBe(`Support ticket ${ticket.id}`);
    expect(issue?.body).toMatch(
      new RegExp(
        `^… \\[GitHub refused this ticket's subject or text \\(422[^)]*\\); the whole text is in ticket \`${ticket.id}\`\\]\n\n---\n`,
      ),
    );
    expect(issue?.body).not.toContain('TEXT-REFUSED');
  });
});
