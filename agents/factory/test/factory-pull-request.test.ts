import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, type GitHubClient } from '../../runtime/src/index.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';
import { checkQuestionnaireIssue, loadQuestionnaire, loadTemplates, platformFacts, type Generation, type IssuePayload } from '../src/index.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const q = await loadQuestionnaire();
const facts = await platformFacts(join(root, 'agents'));

const body = (name: string) => [
  '### Agent id', '', 'release-notes', '', '### Agent name', '', name, '', '### Tier / domain', '', 'Platform CoE', '',
  '### Purpose and responsibilities', '', 'Writes release notes from merged pull requests.', '',
  '### Events that wake it', '', 'github.pull_request.closed', '', '### Events it emits', '', 'release.notes.drafted', '',
  '### Data it stores', '', 'release_notes - one row per merged pull request', '', '### Capabilities it needs', '', '- [X] github:contents:read', '',
  '### Agents it depends on', '', '_No response_', '', '### Service level (response target)', '', 'within 1 minute', '',
  '### Acceptance examples', '', 'Given a github.pull_request.closed event for a merged pull request', 'When the agent handles it', 'Then it emits release.notes.drafted', '',
].join('\r\n');

function issuePayload(action: string, text: string): IssuePayload {
  const p = examplePayload('issues', action) as IssuePayload & Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = { ...(p.issue as object), number: 31, body: text, labels: [{ name: 'factory' }, { name: 'new-agent' }] };
  if (action === 'labeled') p.label = { name: 'factory' };
  return p;
}

function commentPayload(comment: string, text: string): IssuePayload {
  const p = examplePayload('issue_comment', 'created') as IssuePayload & Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = { number: 31, body: text, labels: [{ name: 'factory' }] };
  p.comment = { body: comment };
  p.sender = { type: 'User' };
  return p;
}

describe('the Factory on GitHub: questionnaire issue → generated, gated agent → one PR that follows the issue', () => {
  let dir: string;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let client: GitHubClient;
  let generation: Generation;
  const git = async (...args: string[]) => (await exec('git', args, { cwd: join(dir, 'platform') })).stdout.trim();

  beforeAll(async () => {
    // The target repository is a clone of this one: its own rules judge the generated agent.
    dir = await mkdtemp(join(tmpdir(), 'factory-pr-'));
    await exec('git', ['clone', '-q', '--local', '--no-hardlinks', root, join(dir, 'platform')]);
    await git('branch', '-M', 'main');
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'platform', dir: join(dir, 'platform'), pulls: [] };
    github.addRepo(repo);
    client = createGitHubPort({ credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' }, fetch: github.fetch }).forInstallation(7);
    generation = { templates: await loadTemplates(), typecheckRoot: root };
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens one PR from factory/<id> with every file in one commit on main, labelled, closing the issue, and links it on the issue', async () => {
    const main = await git('rev-parse', 'main');
    const outcome = await checkQuestionnaireIssue(client, issuePayload('opened', body('Release Notes')), q, facts, generation);
    expect(outcome).toMatchObject({ did: 'published', pull: { number: 101, branch: 'factory/release-notes', branchWas: 'created', pullWas: 'opened' } });
    expect(await git('rev-parse', 'factory/release-notes^')).toBe(main);
    const changed = (await git('diff', '--name-status', 'main', 'factory/release-notes')).split('\n').sort();
    expect(changed).toEqual([
      'A\tagents/release-notes/README.md', 'A\tagents/release-notes/agent.yml', 'A\tagents/release-notes/questionnaire.yml',
      'A\tagents/release-notes/src/index.ts', 'A\tagents/release-notes/test/release-notes.test.ts',
      'A\tinfra/db/migrations/0003_release_notes_tables.sql', 'M\tdocs/agents.md',
    ]);
    expect(await git('show', 'factory/release-notes:docs/agents.md')).toContain('| [release-notes](../agents/release-notes/README.md) | Release Notes |');
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]).toMatchObject({ headRef: 'factory/release-notes', base: 'main', title: 'New agent: Release Notes (release-notes)' });
    expect(repo.pulls[0]?.body).toMatch(/^Closes #31\n/);
    expect(repo.labels?.get(101)).toEqual(['factory']);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('### `release-notes` is generated: opened #101');
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('does nothing twice under redelivery: no second commit, branch or PR', async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const outcome = await checkQuestionnaireIssue(client, issuePayload('opened', body('Release Notes')), q, facts, generation);
    expect(outcome).toMatchObject({ did: 'published', pull: { number: 101, branchWas: 'unchanged', pullWas: 'unchanged' } });
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    expect(repo.pulls).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(1);
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  }, 60_000);

  it('regenerates the same branch and updates the same PR when the issue is edited', async () => {
    const outcome = await checkQuestionnaireIssue(client, issuePayload('edited', body('Release Scribe')), q, facts, generation);
    expect(outcome).toMatchObject({ did: 'published', pull: { number: 101, branchWas: 'updated', pullWas: 'updated' } });
    expect(await git('show', 'factory/release-notes:agents/release-notes/agent.yml')).toContain('name: Release Scribe');
    expect(await git('rev-parse', 'factory/release-notes^')).toBe(await git('rev-parse', 'main'));
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]?.title).toBe('New agent: Release Scribe (release-notes)');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('updated #101');
  }, 60_000);

  it('/factory cancel closes the PR; /factory retry opens it again; other comments are ignored', async () => {
    expect(await checkQuestionnaireIssue(client, commentPayload('thanks!', body('Release Scribe')), q, facts, generation)).toEqual({ did: 'ignored', why: 'a comment without a /factory command' });
    expect(await checkQuestionnaireIssue(client, commentPayload('/factory cancel', body('Release Scribe')), q, facts, generation)).toMatchObject({ did: 'cancelled', pull: 101 });
    expect(repo.pulls[0]?.state).toBe('closed');
    expect(github.comments[0]?.body).toContain('Pull request #101 is closed');
    expect(await checkQuestionnaireIssue(client, commentPayload('/factory retry', body('Release Scribe')), q, facts, generation)).toMatchObject({ did: 'published', pull: { number: 101, pullWas: 'reopened' } });
    expect(repo.pulls[0]?.state).toBe('open');
    expect(repo.pulls).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('reports the gate\'s findings on the issue instead of opening a PR the rules would block', async () => {
    // The target repository's rules ask for a file the template does not write.
    await exec('git', ['checkout', '-q', 'main'], { cwd: repo.dir });
    await writeFile(join(repo.dir, '.github/wowvision.yml'), 'extends: rules/waooaw.yml\nrules:\n  - name: owners-file\n    kind: required-files\n    for: agents/(*)/\n    require: [OWNERS]\n    because: Every agent has named owners.\n');
    await exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'require OWNERS'], { cwd: repo.dir });
    const before = github.callsTo('POST /repos/{owner}/{repo}/pulls').length;
    const other = body('Changelog Keeper').replace('release-notes', 'changelog-keeper').replace('release.notes.drafted', 'changelog.entry.drafted').replace('release.notes.drafted', 'changelog.entry.drafted').replace('release_notes', 'changelog_entries');
    const outcome = await checkQuestionnaireIssue(client, { ...issuePayload('opened', other), issue: { number: 32, body: other, labels: [{ name: 'factory' }] } }, q, facts, generation);
    expect(outcome).toMatchObject({ did: 'blocked', gate: { passed: false } });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(before);
    const comment = github.comments.find((c) => c.issue === 32);
    expect(comment?.body).toContain('did not pass the gate, so no pull request was opened');
    expect(comment?.body).toContain('**owners-file** (error)');
  }, 60_000);
});
