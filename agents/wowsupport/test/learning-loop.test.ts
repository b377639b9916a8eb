import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { findTicket, openTicket, ticketMessages } from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { readObject } from '../../../test/doubles/git-objects.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';
import {
  answeredAtL1,
  loadSolvedTickets,
  personalDataIn,
  recordSolvedTicket,
  shareOf,
  type SolvedTicket,
} from '../../../test/support/solved-tickets.ts';
import { importArticles } from '../../wowsearch/src/index.ts';

// The learning loop on the real runtime (the in-process bus, an embedded PostgreSQL), GitHub
// as the double over a real git repository holding this checkout's knowledge base (docs/kb):
// solved L2/L3 tickets rated good → WowSupport's pull requests → merged → WowSearch imports
// them → the held-out questions of the replayed set are answered at L1.
const exec = promisify(execFile);
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const docsKb = fileURLToPath(new URL('../../../docs/kb', import.meta.url));
let agent: TestAgent;
let github: GitHubDouble;
let repo: DoubleRepo;
let dir: string;
let tickets: SolvedTicket[];

const git = async (...args: string[]) => (await exec('git', args, { cwd: dir })).stdout.trim();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wowsupport-learning-'));
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'Test');
  await cp(docsKb, join(dir, 'docs/kb'), { recursive: true });
  await git('add', '-A');
  await git('commit', '-q', '-m', 'the knowledge base');
  github = createGitHubDouble();
  repo = { owner: 'acme', repo: 'waooaw', dir, pulls: [], installationId: 7, issues: [] };
  github.addRepo(repo);
  agent = await startTestAgent({
    agentsDir,
    id: 'wowsupport',
    alongside: ['wowsearch'],
    env: { SUPPORT_KB_REPO: 'acme/waooaw' },
    github: createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
  });
  // The knowledge base as deployed: the same folder, imported as `wow kb import docs/kb` does.
  await importArticles(agent.store, docsKb, { source: 'docs/kb' });
  tickets = await loadSolvedTickets();
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Hands a rating to WowSupport as the relay would publish it, and waits for its article's pull request. */
async function rate(rating: { ticketId: string }): Promise<{ pull: number; slug: string; path: string; by: string }> {
  await agent.publish({ type: 'support.csat.received', subject: rating.ticketId, data: rating });
  let drafted: { pull: number; slug: string; path: string; by: string } | undefined;
  await agent.eventually(
    async () => {
      drafted = (await outboxed(agent.store, 'support.article.drafted', rating.ticketId)).at(0)?.data as typeof drafted;
      expect(drafted).toBeDefined();
    },
    { timeoutMs: 20_000 },
  );
  return drafted as NonNullable<typeof drafted>;
}

/** Merges the pull request's branch into main as GitHub's merge button does, and delivers the webhook WowSearch wakes on. */
async function merge(number: number): Promise<void> {
  const pull = repo.pulls.find((p) => p.number === number);
  if (pull?.headRef === undefined) throw new Error(`no pull request #${number}`);
  // No automatic maintenance after each merge, and the three SHAs from one git: a process costs ~20 ms here.
  await git(
    '-c',
    'maintenance.auto=false',
    'merge',
    '-q',
    '--no-ff',
    '-m',
    `Merge pull request #${number}`,
    pull.headRef,
  );
  const [merged = '', base = '', head = ''] = (await git('rev-parse', 'main', 'main^1', 'main^2')).split('\n');
  pull.state = 'closed';
  const payload = examplePayload('pull_request', 'closed') as {
    pull_request: Record<string, unknown> & { base: Record<string, unknown>; head: Record<string, unknown> };
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
  };
  payload.pull_request = {
    ...payload.pull_request,
    number,
    merged: true,
    merge_commit_sha: merged,
    base: { ...payload.pull_request.base, ref: 'main', sha: base },
    head: { ...payload.pull_request.head, ref: pull.headRef, sha: head },
  };
  payload.repository = {
    ...payload.repository,
    name: 'waooaw',
    full_name: 'acme/waooaw',
    default_branch: 'main',
    owner: { ...payload.repository.owner, login: 'acme' },
  };
  await agent.publish({
    type: 'github.pull_request.closed',
    data: { name: 'pull_request', id: randomUUID(), installationId: 7, payload },
  });
}

const articleCount = async () =>
  (await agent.store.query<{ n: number }>('select count(*)::int as n from kb_articles')).rows[0]?.n ?? 0;

describe('learning from solved tickets', () => {
  it('raises the share of the held-out questions answered at L1 once the articles drafted from the solved tickets are merged', async () => {
    const heldOut = tickets.map((t) => t.heldOut);
    const before = shareOf(await answeredAtL1(agent.store, heldOut));
    const baseArticles = await articleCount();

    const drafted = [];
    for (const ticket of tickets) {
      const { ticketId, rating } = await recordSolvedTicket(agent.store, ticket);
      drafted.push({ ticket, ticketId, rating, ...(await rate(rating)) });
    }
    // One pull request per ticket, each adding its article under the knowledge-base folder, labelled for review.
    expect(new Set(drafted.map((d) => d.pull)).size).toBe(tickets.length);
    expect(drafted.every((d) => d.by === 'extractive' && d.path === `docs/kb/learned/${d.slug}.md`)).toBe(true);
    expect(repo.labels?.get(drafted[0]?.pull ?? 0)).toEqual(['knowledge-base']);
    expect(github.violations).toEqual([]);

    // Nothing is imported before a person merges.
    expect(await articleCount()).toBe(baseArticles);
    for (const d of drafted) await merge(d.pull);
    await agent.eventually(async () => expect(await articleCount()).toBe(baseArticles + tickets.length), {
      timeoutMs: 30_000,
    });

    // What was merged names nobody.
    for (const d of drafted) {
      const text = (await readObject(dir, `main:${d.path}`))?.content.toString() ?? '';
      expect(personalDataIn(text, d.ticket), d.path).toEqual([]);
    }
    const after = shareOf(await answeredAtL1(agent.store, heldOut));
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThanOrEqual(0.75);
    console.log(
      `held-out questions answered at L1: ${(before * 100).toFixed(1)}% before, ${(after * 100).toFixed(1)}% after`,
    );
  }, 240_000);

  it("answers the next customer's paraphrase at L1, citing the merged article", async () => {
    const trial = tickets.find((t) => t.subject === 'Free trial ended early');
    if (trial === undefined) throw new Error('the fixture lost its trial ticket');
    const ticket = await agent.store.transaction((tx) =>
      openTicket(tx, { ...trial.heldOut, channel: 'api', requester: { email: 'someone@example.com' } }),
    );
    const [opened] = await outboxed(agent.store, 'support.ticket.opened', ticket.id);
    await agent.publish({ type: 'support.ticket.opened', subject: ticket.id, data: opened?.data });
    const answered = await agent.emitted(
      'support.ticket.answered',
      (e) => (e.data as { ticketId: string }).ticketId === ticket.id,
      { timeoutMs: 20_000 },
    );
    expect((answered.data as { article: string }).article).toMatch(/^free-trial-ended-early-[0-9a-f]{8}$/);
    expect((await findTicket(agent.store, ticket.id))?.tier).toBe('L1');
    const reply = (await ticketMessages(agent.store, ticket.id)).find((m) => m.direction === 'outbound');
    expect(reply?.body).toContain('A trial counts 7 calendar days from the first task');
  });

  it('edits the same pull request on a redelivery or a later good rating, and leaves a merged one alone', async () => {
    const ticket = tickets[0];
    if (ticket === undefined) throw new Error('no tickets');
    const { ticketId, rating } = await recordSolvedTicket(agent.store, {
      ...ticket,
      subject: 'Trial stopped after five days',
    });
    const first = await rate(rating);
    const opened = github.callsTo('POST /repos/{owner}/{repo}/pulls').length;
    // The same rating again (a redelivery under a new event id): the same pull request, nothing opened.
    await agent.publish({ type: 'support.csat.received', subject: ticketId, data: rating });
    const pullsOfTicket = () => repo.pulls.filter((p) => p.headRef === `wowsupport/kb-${ticketId}`);
    await agent.eventually(async () => {
      expect(
        github.callsTo('GET /repos/{owner}/{repo}/pulls').filter((c) => c.query.get('head')?.endsWith(ticketId)).length,
      ).toBe(2);
    });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(opened);
    expect(pullsOfTicket().map((p) => p.number)).toEqual([first.pull]);
    // Merged: a later rating of the ticket leaves the decided pull request as it is and opens none.
    await merge(first.pull);
    await agent.publish({
      type: 'support.csat.received',
      subject: ticketId,
      data: { ...rating, csatId: randomUUID() },
    });
    await agent.eventually(async () => {
      expect(
        github.callsTo('GET /repos/{owner}/{repo}/pulls').filter((c) => c.query.get('head')?.endsWith(ticketId)).length,
      ).toBe(3);
    });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(opened);
    expect(pullsOfTicket()).toHaveLength(1);
  });
});
