import { execFile, spawn } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createEvent,
  createIdentity,
  createMemoryReplayCache,
  loadConfig,
  openStore,
  type AgentRow,
  type CloudEvent,
  type GitHubClient,
} from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { wow } from '../../../test/support/run-wow.ts';
import { deleteRedisKeys, testDatabaseUrl, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { checkQuestionnaireIssue, loadQuestionnaire, platformFacts, type Generation } from '../src/index.ts';
import { startFactoryTarget, platformRoot, type FactoryTarget } from './support/factory-target.ts';
import { body, commentPayload, issuePayload } from './support/questionnaire-issue.ts';
import { childEnv } from '../../../test/support/child-env.ts';
import { killedWithItsFile } from '../../../test/support/child-processes.ts';

const exec = promisify(execFile);
const root = platformRoot;
const q = await loadQuestionnaire();
const facts = await platformFacts(join(root, 'agents'));

describe('the Factory on GitHub: questionnaire issue → generated, gated agent → one PR that follows the issue', () => {
  let target: FactoryTarget;
  let dir: string;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let client: GitHubClient;
  let generation: Generation;
  const git = (...args: string[]) => target.git(...args);

  beforeAll(async () => {
    // The questionnaires are a maintainer's (the example payloads' Codertocat): the Factory acts for people with write access.
    target = await startFactoryTarget({ Codertocat: 'write' });
    ({ dir, github, repo, client, generation } = target);
  }, 60_000);
  afterAll(() => target.dispose());

  it('opens one PR from factory/<id> with every file in one commit on main, labelled, closing the issue, and links it on the issue', async () => {
    const main = await git('rev-parse', 'main');
    const outcome = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', body('Release Notes')),
      q,
      facts,
      generation,
    );
    expect(outcome).toMatchObject({
      did: 'published',
      pull: { number: 101, branch: 'factory/release-notes', branchWas: 'created', pullWas: 'opened' },
    });
    expect(await git('rev-parse', 'factory/release-notes^')).toBe(main);
    const changed = (await git('diff', '--name-status', 'main', 'factory/release-notes')).split('\n').sort();
    // The agent's tables take the number after the newest migration on main.
    const newest = Math.max(
      ...(await git('ls-tree', '-r', '--name-only', 'main'))
        .split('\n')
        .map((p) => Number(/^(?:platform|domains\/[^/]+|agents\/[^/]+)\/migrations\/(\d{4})_/.exec(p)?.[1] ?? 0)),
    );
    expect(changed).toEqual([
      'A\tagents/release-notes/README.md',
      'A\tagents/release-notes/agent.yml',
      `A\tagents/release-notes/migrations/${String(newest + 1).padStart(4, '0')}_release_notes_tables.sql`,
      'A\tagents/release-notes/questionnaire.yml',
      'A\tagents/release-notes/src/domain-events.ts',
      'A\tagents/release-notes/src/index.ts',
      'A\tagents/release-notes/test/release-notes.test.ts',
      // Its new event types, in a domain model of their own, with its page.
      'A\tdocs/domains/release.md',
      'A\tdomains/release/model.yml',
      'A\tinfra/k8s/base/agents/release-notes.yaml',
      'M\tdocs/agents.md',
      'M\tinfra/k8s/base/agents/kustomization.yaml',
    ]);
    // Its workload is as `wow infra k8s` writes it: the pull request is in step from the start.
    expect(await git('show', 'factory/release-notes:infra/k8s/base/agents/kustomization.yaml')).toContain(
      '- release-notes.yaml',
    );
    expect(await git('show', 'factory/release-notes:docs/agents.md')).toContain(
      '| [release-notes](../agents/release-notes/README.md) | Release Notes |',
    );
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]).toMatchObject({
      headRef: 'factory/release-notes',
      base: 'main',
      title: 'New agent: Release Notes (release-notes)',
    });
    expect(repo.pulls[0]?.body).toMatch(/^Closes #31\n/);
    expect(repo.labels?.get(101)).toEqual(['factory']);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('### `release-notes` is generated: opened #101');
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('does nothing twice under redelivery: no second commit, branch or PR', async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const outcome = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', body('Release Notes')),
      q,
      facts,
      generation,
    );
    expect(outcome).toMatchObject({
      did: 'published',
      pull: { number: 101, branchWas: 'unchanged', pullWas: 'unchanged' },
    });
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    expect(repo.pulls).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  }, 60_000);

  it('regenerates the same branch and updates the same PR when the issue is edited', async () => {
    const outcome = await checkQuestionnaireIssue(
      client,
      issuePayload('edited', body('Release Scribe')),
      q,
      facts,
      generation,
    );
    expect(outcome).toMatchObject({
      did: 'published',
      pull: { number: 101, branchWas: 'updated', pullWas: 'updated' },
    });
    expect(await git('show', 'factory/release-notes:agents/release-notes/agent.yml')).toContain('name: Release Scribe');
    expect(await git('rev-parse', 'factory/release-notes^')).toBe(await git('rev-parse', 'main'));
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]?.title).toBe('New agent: Release Scribe (release-notes)');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('updated #101');
  }, 60_000);

  it('/factory cancel closes the PR; /factory retry opens it again; other comments are ignored', async () => {
    expect(
      await checkQuestionnaireIssue(client, commentPayload('thanks!', body('Release Scribe')), q, facts, generation),
    ).toEqual({ did: 'ignored', why: 'a comment without a /factory command' });
    expect(
      await checkQuestionnaireIssue(
        client,
        commentPayload('/factory cancel', body('Release Scribe')),
        q,
        facts,
        generation,
      ),
    ).toMatchObject({ did: 'cancelled', pull: 101 });
    expect(repo.pulls[0]?.state).toBe('closed');
    expect(github.comments[0]?.body).toContain('Pull request #101 is closed');
    expect(
      await checkQuestionnaireIssue(
        client,
        commentPayload('/factory retry', body('Release Scribe')),
        q,
        facts,
        generation,
      ),
    ).toMatchObject({ did: 'published', pull: { number: 101, pullWas: 'reopened' } });
    expect(repo.pulls[0]?.state).toBe('open');
    expect(repo.pulls).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('merged, it is deployed by wow deploy and a runtime already running starts it: listed Active by wow agents list, consuming from the bus', async () => {
    // The runtime runs from a checkout of main as it was before the merge, in its own
    // process, on real PostgreSQL and Redis; the deploy runs from the merged checkout.
    const before = await git('rev-parse', 'main');
    await git('checkout', '-q', 'main');
    await git(
      '-c',
      'user.email=t@example.com',
      '-c',
      'user.name=t',
      'merge',
      '-q',
      '--no-ff',
      '-m',
      'Merge pull request #101 from acme/factory/release-notes',
      'factory/release-notes',
    );
    const runtimeDir = join(dir, 'runtime');
    await git('worktree', 'add', '-q', '--detach', runtimeDir, before);
    for (const checkout of [repo.dir, runtimeDir])
      await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'));

    const database = uniqueName('factorye2e');
    const keyPrefix = `${uniqueName('factorye2e')}:`;
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${database}`;
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: testRedisUrl,
      BUS_KEY_PREFIX: keyPrefix,
      DATA_DIR: join(dir, 'data'),
      HEARTBEAT_INTERVAL_MS: '100',
      HEARTBEAT_TIMEOUT_MS: '1000',
    };
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`create database ${database}`);
    const runtime = killedWithItsFile(
      spawn(process.execPath, ['cli/wow.js', 'agents', 'run'], {
        cwd: runtimeDir,
        env: { ...childEnv(), LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const exited = new Promise<number | null>((resolve) => runtime.on('exit', resolve));
    const bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: runtime.stdout }).on('line', (line) => {
          if (line.includes('agents running')) resolve();
        });
        void exited.then((code) => reject(new Error(`wow agents run exited with ${String(code)}`)));
      });
      const drafted: CloudEvent[] = [];
      await bus.subscribe({
        group: 'observer',
        types: ['release.notes.drafted'],
        handler: async (e) => void drafted.push(e),
      });

      const changed = await wow(['agents', 'changed', before, '-C', repo.dir], env);
      expect(changed.stdout).toBe('release-notes\n');
      const deployed = await wow(['deploy', '--changed-since', before, '-C', repo.dir], env);
      expect(deployed.stderr).toBe('');
      expect(deployed.code).toBe(0);
      expect(deployed.stdout).toMatch(
        /^✔ release-notes 0\.1\.0 \([0-9a-f]{7}, commit [0-9a-f]{7}\) is Active; runtimes are swapping it in\n$/,
      );

      const listed = async () =>
        (JSON.parse((await wow(['agents', 'list', '--json'], env)).stdout) as AgentRow[]).find(
          (a) => a.id === 'release-notes',
        );
      await eventually(
        async () => (await listed())?.deployed?.runningInstances === 1,
        'release-notes running on the runtime',
        20_000,
      );
      expect(await listed()).toMatchObject({
        status: 'Available',
        deployed: { state: 'Active', treeHash: await git('rev-parse', 'main:agents/release-notes') },
      });

      const merged = createEvent({
        type: 'github.pull_request.closed',
        source: 'urn:wow:test',
        subject: 'acme/platform#7',
        data: { action: 'closed', number: 7 },
      });
      // Signed as the App door signs a webhook: by the platform, with the runtime's keys.
      const config = loadConfig(env);
      const store = await openStore(config, quietLog);
      try {
        const identity = await createIdentity({ settings: config.identity, store, log: quietLog });
        const guard = identity.messageGuard({ platformTypes: ['github.*'], replay: createMemoryReplayCache() });
        await bus.publish(await guard.sign(merged));
      } finally {
        await store.close();
      }
      await eventually(
        () => drafted.some((e) => (e.data as { cause?: string }).cause === merged.id),
        'release.notes.drafted',
        20_000,
      );
    } finally {
      runtime.kill('SIGTERM');
      await exited;
      await bus.close();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
      await deleteRedisKeys(keyPrefix);
    }
  }, 120_000);

  it("reports the gate's findings on the issue instead of opening a PR the rules would block", async () => {
    // The target repository's rules ask for a file the template does not write.
    await exec('git', ['checkout', '-q', 'main'], { cwd: repo.dir });
    await writeFile(
      join(repo.dir, '.github/wowvision.yml'),
      'extends: rules/waooaw.yml\nrules:\n  - name: owners-file\n    kind: required-files\n' +
        '    for: agents/(*)/\n    require: [OWNERS]\n    because: Every agent has named owners.\n',
    );
    await exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'require OWNERS'], {
      cwd: repo.dir,
    });
    const before = github.callsTo('POST /repos/{owner}/{repo}/pulls').length;
    const other = body('Changelog Keeper')
      .replace('release-notes', 'changelog-keeper')
      .replace('release.notes.drafted', 'changelog.entry.drafted')
      .replace('release.notes.drafted', 'changelog.entry.drafted')
      .replace('release_notes', 'changelog_entries');
    const outcome = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', other, { number: 32 }),
      q,
      facts,
      generation,
    );
    expect(outcome).toMatchObject({ did: 'blocked', gate: { passed: false } });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(before);
    const comment = github.comments.find((c) => c.issue === 32);
    expect(comment?.body).toContain('did not pass the gate, so no pull request was opened');
    expect(comment?.body).toContain('**owners-file** (error)');
  }, 60_000);
});
