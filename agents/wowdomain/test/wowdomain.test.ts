import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';

// The agent on the real runtime, over the embedded defaults (an embedded PostgreSQL, the
// in-process bus) and over the real servers (PostgreSQL, Redis), GitHub as the double over a
// real git repository (one per runtime) holding this checkout's models, templates and agents'
// answers, with the support model changed on a branch.
const exec = promisify(execFile);
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const checkout = fileURLToPath(new URL('../../..', import.meta.url));
const supportModel = fileURLToPath(new URL('../../../domains/support/model.yml', import.meta.url));
let dir: string;
let base: string;
let merged: string;

const git = async (...args: string[]) => (await exec('git', args, { cwd: dir })).stdout.trim();

/** What the Factory reads at a merge: the models, the templates, and each agent's manifest, answers and schemas module. */
async function copyCheckout(): Promise<void> {
  const files = (await exec('git', ['ls-files', '-co', '--exclude-standard'], { cwd: checkout })).stdout
    .split('\n')
    .filter((f) =>
      /^(domains\/[^/]+\/(model|domain)\.yml|templates\/.+|agents\/[^/]+\/(agent\.yml|questionnaire\.yml|src\/domain-events\.ts))$/.test(
        f,
      ),
    );
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), await readFile(join(checkout, file)));
  }
}

/** A repository of the runtime's own: the support model changed on a branch over this checkout's files. */
async function createRepository(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'wowdomain-'));
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'Test');
  await copyCheckout();
  const model = await readFile(supportModel, 'utf8');
  await writeFile(join(dir, 'README.md'), 'A repository.\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
  base = await git('rev-parse', 'HEAD');
  // support.ticket.opened loses messageId, version 2; support.csat.received gains an optional field.
  const opened = model.indexOf('  - type: support.ticket.opened');
  const next = model.indexOf('  - type:', opened + 10);
  const section = model
    .slice(opened, next)
    .replace('version: 1', 'version: 2')
    .replace('required: [ticketId, messageId]', 'required: [ticketId]')
    .replace(/\n\s+messageId: \{ type: string, format: uuid \}/, '');
  const changed = (model.slice(0, opened) + section + model.slice(next)).replace(
    "        commented: { type: boolean, description: 'Whether",
    "        channel: { type: string }\n        commented: { type: boolean, description: 'Whether",
  );
  expect(changed).not.toBe(model);
  await git('checkout', '-q', '-b', 'model-change');
  await writeFile(join(dir, 'domains/support/model.yml'), changed);
  await git('commit', '-q', '-am', 'support: ticket.opened without messageId');
  merged = await git('rev-parse', 'HEAD');
}

/** GitHub's closed pull request, merged (or not) from the branch into `into`. */
function closedPull(opts: { merged: boolean; into?: string; number: number; base?: string; commit?: string }) {
  const payload = examplePayload('pull_request', 'closed') as {
    pull_request: Record<string, unknown> & { base: Record<string, unknown>; head: Record<string, unknown> };
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
  };
  payload.pull_request.number = opts.number;
  payload.pull_request.merged = opts.merged;
  payload.pull_request.merge_commit_sha = opts.commit ?? merged;
  payload.pull_request.base = { ...payload.pull_request.base, ref: opts.into ?? 'main', sha: opts.base ?? base };
  payload.pull_request.head = { ...payload.pull_request.head, ref: 'model-change', sha: opts.commit ?? merged };
  payload.repository = {
    ...payload.repository,
    name: 'waooaw',
    full_name: 'acme/waooaw',
    default_branch: 'main',
    owner: { ...payload.repository.owner, login: 'acme' },
  };
  return { name: 'pull_request', id: randomUUID(), installationId: 7, payload };
}

describe.each(agentSetups)('WowDomain on %s', (_name, openSetup) => {
  let setup: AgentSetup;
  let agent: TestAgent;
  let github: GitHubDouble;
  let repo: DoubleRepo;

  beforeAll(async () => {
    setup = await openSetup('wowdomain');
    await createRepository();
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'waooaw', dir, pulls: [], installationId: 7, issues: [] };
    github.addRepo(repo);
    agent = await startTestAgent({
      agentsDir,
      id: 'wowdomain',
      relayOutbox: true,
      postgres: setup.postgres,
      redis: setup.redis,
      github: createGitHubPort({
        credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
        fetch: github.fetch,
        policy: testGitHubPolicy,
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await agent.stop();
    await setup.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    "Given a merged pull request that changes an event's schema in a domain model, when WowDomain handles it, " +
      'then it emits domain.model.changed',
    async () => {
      const sent = await agent.publish({
        type: 'github.pull_request.closed',
        subject: 'acme/waooaw#42',
        data: closedPull({ merged: true, number: 42 }),
      });
      const announced = await agent.emitted('domain.model.changed', (e) => (e.data as { pull?: number }).pull === 42);
      expect(announced.subject).toBe('support');
      expect(announced.traceparent?.split('-')[1]).toBe(sent.traceparent?.split('-')[1]);
      expect(announced.data).toMatchObject({
        domain: 'support',
        model: 'domains/support/model.yml',
        repository: 'acme/waooaw',
        commit: merged,
        events: [
          { type: 'support.csat.received', change: 'changed', versionBefore: 1, versionAfter: 1, incompatible: [] },
          {
            type: 'support.ticket.opened',
            change: 'changed',
            versionBefore: 1,
            versionAfter: 2,
            incompatible: ['data.messageId removed'],
          },
        ],
      });
      // Those that wake on the ticket's opening (WowSupport and WowIntegration exactly, WowNotification by
      // support.ticket.*), and WowSupport on csat.received too (it learns from good ratings).
      const agents = (announced.data as { agents: { id: string; events: string[] }[] }).agents;
      expect(agents).toEqual([
        { id: 'wowintegration', events: ['support.ticket.opened'] },
        { id: 'wownotification', events: ['support.ticket.opened'] },
        { id: 'wowsupport', events: ['support.csat.received', 'support.ticket.opened'] },
      ]);
    },
  );

  it('opens one issue per affected agent, once, however often the merge is delivered', async () => {
    await agent.eventually(async () => expect(repo.issues).toHaveLength(3));
    const titles = (repo.issues ?? []).map((i) => i.title).sort();
    expect(titles).toEqual([
      'wowintegration: the support domain model changed an event it uses',
      'wownotification: the support domain model changed an event it uses',
      'wowsupport: the support domain model changed 2 events it uses',
    ]);
    const body = repo.issues?.find((i) => i.title.startsWith('wowsupport'))?.body ?? '';
    expect(body).toContain('`support.ticket.opened`: changed, version 1 → 2');
    expect(body).toContain('`data.messageId removed`');
    expect(body).toContain(`<!-- wowdomain:model-change=${merged}:support:wowsupport -->`);
    expect(repo.labels?.get(repo.issues?.[0]?.number ?? 0)).toEqual(['wowdomain', 'domain-model']);

    // One regeneration pull request, through the Factory, on a branch over the merge: the three agents' schemas.
    const branch = `factory/models--${merged.slice(0, 12)}`;
    expect(repo.pulls.filter((p) => p.headRef === branch)).toHaveLength(1);
    const regen = repo.pulls.find((p) => p.headRef === branch);
    expect(regen).toMatchObject({ base: 'main', state: 'open' });
    expect(regen?.title).toBe('Regenerate wowintegration, wownotification, wowsupport from the support domain model');
    expect(regen?.body).toContain('- `domains/support/model.yml`:');
    expect(regen?.body).toContain('  - `support.ticket.opened`: changed (incompatible)');
    expect(regen?.body).toContain(
      '- **wowsupport**: `agents/wowsupport/src/domain-events.ts` — an incompatible change',
    );
    expect(body).toContain(`Its files rendered from the models are regenerated in #${regen?.number ?? 0}`);
    expect(await git('rev-parse', `${branch}^`)).toBe(merged);
    expect((await git('diff', '--name-only', merged, branch)).split('\n')).toEqual([
      'agents/wowintegration/src/domain-events.ts',
      'agents/wownotification/src/domain-events.ts',
      'agents/wowsupport/src/domain-events.ts',
    ]);
    const schemas = await git('show', `${branch}:agents/wowsupport/src/domain-events.ts`);
    expect(schemas).toContain('support.ticket.opened (support, version 2)');
    expect(schemas).toMatch(/supportTicketOpenedData = z\.object\(\{\n\s+ticketId: z\.string\(\),\n\}\)/);
    expect(schemas).toContain('channel: z.string().optional(),');

    // The same merge again (a redelivery, or GitHub's second webhook): found by their markers, nothing new.
    const lookups = github.callsTo('GET /repos/{owner}/{repo}/issues').length;
    await agent.publish({ type: 'github.pull_request.closed', data: closedPull({ merged: true, number: 42 }) });
    await agent.eventually(async () =>
      expect(github.callsTo('GET /repos/{owner}/{repo}/issues').length).toBe(lookups + 3),
    );
    expect(repo.issues).toHaveLength(3);
    expect(agent.events.filter((e) => e.type === 'domain.model.changed')).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/issues')).toHaveLength(3);
    await agent.eventually(async () => expect(github.callsTo('GET /repos/{owner}/{repo}/pulls').length).toBe(2));
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/refs')).toHaveLength(1);
    expect(github.violations).toEqual([]);
  });

  it('leaves a pull request closed without merging, or merged elsewhere than the default branch, alone', async () => {
    const compares = github.callsTo('GET /repos/{owner}/{repo}/compare/{base}...{head}').length;
    await agent.publish({ type: 'github.pull_request.closed', data: closedPull({ merged: false, number: 43 }) });
    await agent.publish({
      type: 'github.pull_request.closed',
      data: closedPull({ merged: true, into: 'release', number: 44 }),
    });
    // A merge into main after them reads the comparison; those two never do (and announce nothing).
    await agent.publish({ type: 'github.pull_request.closed', data: closedPull({ merged: true, number: 45 }) });
    await agent.eventually(async () =>
      expect(github.callsTo('GET /repos/{owner}/{repo}/compare/{base}...{head}').length).toBe(compares + 1),
    );
    expect(agent.events.filter((e) => e.type === 'domain.model.changed')).toHaveLength(1);
    expect(github.violations).toEqual([]);
  });

  it('regenerates the agents a compatible change affects in one pull request, and opens no issue', async () => {
    // search.articles gains an optional field: WowSearch answers it, and WowSupport asks it (its agent.yml's
    // emits, which its questionnaire does not list, so nothing of WowSupport's renders from it).
    await git('checkout', '-q', 'main');
    await git('checkout', '-q', '-b', 'search-locale');
    const model = await readFile(join(dir, 'domains/support/model.yml'), 'utf8');
    await writeFile(
      join(dir, 'domains/support/model.yml'),
      model.replace(
        '        limit: { type: integer, minimum: 1, maximum: 20 }',
        '        limit: { type: integer, minimum: 1, maximum: 20 }\n        locale: { type: string, maxLength: 20 }',
      ),
    );
    await git('commit', '-q', '-am', 'support: search.articles takes a locale');
    const commit = await git('rev-parse', 'HEAD');
    const issues = repo.issues?.length ?? 0;
    await agent.publish({
      type: 'github.pull_request.closed',
      data: closedPull({ merged: true, number: 47, base, commit }),
    });
    const branch = `factory/models--${commit.slice(0, 12)}`;
    await agent.eventually(async () => expect(repo.pulls.find((p) => p.headRef === branch)).toBeDefined());
    const regen = repo.pulls.find((p) => p.headRef === branch);
    expect(regen?.title).toBe('Regenerate wowsearch from the support domain model');
    expect(regen?.body).not.toContain('incompatible');
    expect(await git('diff', '--name-only', commit, branch)).toBe('agents/wowsearch/src/domain-events.ts');
    expect(await git('show', `${branch}:agents/wowsearch/src/domain-events.ts`)).toContain(
      'locale: z.string().max(20).optional(),',
    );
    const announced = await agent.emitted('domain.model.changed', (e) => (e.data as { pull?: number }).pull === 47);
    expect((announced.data as { agents: { id: string }[] }).agents.map((a) => a.id)).toEqual([
      'wowsearch',
      'wowsupport',
    ]);
    expect(repo.issues).toHaveLength(issues);
    expect(github.violations).toEqual([]);
  });
});
