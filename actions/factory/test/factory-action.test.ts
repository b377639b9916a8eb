import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse } from 'yaml';
import { testGitHubPolicy } from '#platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { inStep, stepSummary, readOutputs, serveGitHubDouble } from '../../../test/support/actions-runner.ts';
import { body, commentPayload, issuePayload } from '../../../agents/factory/test/support/questionnaire-issue.ts';
import { factoryExit, runFactoryAction, type FactoryContext } from '../src/run-factory-action.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

// The Action on a workflow's events: the same engine as the App, with the workflow's token.
describe('the Factory Action', () => {
  let dir: string;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  /** The Action in this process: @actions/github's context as the runner's variables make it, the double's fetch. */
  const run = async (event: string, payload: unknown) => {
    const context: FactoryContext = {
      eventName: event,
      payload: payload as FactoryContext['payload'],
      apiUrl: 'https://api.github.com',
    };
    const { value: code, stdout } = await inStep(
      {
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        INPUT_TOKEN: 'ghs_workflowtoken',
      },
      () =>
        runFactoryAction({
          context,
          workspace: repo.dir,
          summary: stepSummary(),
          fetch: github.fetch,
          policy: testGitHubPolicy,
        }),
    );
    return { code, stdout, outputs: await readOutputs(join(dir, 'output')) };
  };
  /** The Action as GitHub runs it (`node main.js`, action.yml), its context made from the runner's variables. */
  const runMain = async (env: Record<string, string>) => {
    await writeFile(join(dir, 'output'), '');
    return exec(process.execPath, [join(root, 'actions/factory/main.js')], {
      env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: join(dir, 'output'), ...env },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: unknown) => err as { code: number; stdout: string },
    );
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-action-'));
    // The workflow's checkout of the repository (actions/checkout), which is also GitHub's copy.
    await exec('git', ['clone', '-q', '--local', '--no-hardlinks', root, join(dir, 'platform')]);
    await exec('git', ['branch', '-M', 'main'], { cwd: join(dir, 'platform') });
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'platform', dir: join(dir, 'platform'), pulls: [] };
    github.addRepo(repo);
    // The issues are a maintainer's: the Factory acts for people who may write to the repository.
    github.roles.set('Codertocat', 'write');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers an invalid questionnaire with one comment listing the problems, and says so in its outputs', async () => {
    const result = await run(
      'issues',
      issuePayload('opened', body('Release Notes').replace('release-notes', 'Release Notes!')),
    );
    expect(result.code).toBe(factoryExit.ok);
    expect(result.outputs).toEqual({ outcome: 'invalid' });
    expect(result.stdout).toMatch(/Issue #31: \d+ problem\(s\) with the answers/);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('Agent id');
    expect(repo.pulls).toHaveLength(0);
  }, 60_000);

  it('turns the corrected questionnaire into a gated pull request, editing the same comment', async () => {
    const result = await run('issues', issuePayload('edited', body('Release Notes')));
    expect(result.outputs).toEqual({ outcome: 'published', 'agent-id': 'release-notes', 'pull-request': '101' });
    expect(result.stdout).toContain(
      '"release-notes" is in pull request #101 (branch factory/release-notes created, pull request opened)',
    );
    expect(repo.pulls).toMatchObject([{ headRef: 'factory/release-notes', base: 'main' }]);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('opened #101');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('## WowAgentFactory');
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('takes /factory cancel, and ignores events it does not answer', async () => {
    expect((await run('issue_comment', commentPayload('/factory cancel', body('Release Notes')))).outputs).toEqual({
      outcome: 'cancelled',
    });
    expect(repo.pulls[0]?.state).toBe('closed');
    const push = await run('push', {});
    expect(push).toMatchObject({ code: factoryExit.ok, outputs: { outcome: 'ignored' } });
    expect(push.stdout).toContain('this run is for "push"');
  }, 60_000);

  it('takes only a new comment as a command: an edited or deleted /factory retry changes nothing', async () => {
    const writes = () =>
      github.calls.filter((c) => !c.route.startsWith('GET ') && !c.route.includes('/access_tokens')).length;
    const before = writes();
    for (const action of ['edited', 'deleted'] as const) {
      const result = await run('issue_comment', commentPayload('/factory retry', body('Release Notes'), { action }));
      expect(result.outputs).toEqual({ outcome: 'ignored' });
      expect(result.stdout).toContain(`a comment ${action}`);
    }
    expect(writes()).toBe(before);
    expect(repo.pulls[0]?.state).toBe('closed');
  }, 60_000);

  it('refuses answers carrying U+2028 (a JavaScript line terminator) with code after it, naming the field; nothing is pushed', async () => {
    const hostile = body('Notes\u2028process.exit(1) //').replace('release-notes', 'release-scribe');
    const commits = github.callsTo('POST /repos/{owner}/{repo}/git/commits').length;
    const result = await run('issues', {
      ...issuePayload('opened', hostile),
      issue: { ...issuePayload('opened', hostile).issue, number: 33 },
    });
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(commits);
    expect(result.outputs).toEqual({ outcome: 'invalid' });
    const comment = github.comments.find((c) => c.issue === 33);
    expect(comment?.body).toContain('**Agent name** contains U+2028 (LINE SEPARATOR)');
  }, 60_000);

  it('writes its job summary as the text it says: what the event names is never Markdown or HTML', async () => {
    const hostile = '<img src=x onerror=alert(1)> _em_ `code` [link](x.html)';
    const result = await run('issues', { ...issuePayload('opened', body('Release Notes')), action: hostile });
    expect(result.outputs).toEqual({ outcome: 'ignored' });
    const [heading, line, ...rest] = fromMarkdown(await readFile(join(dir, 'summary.md'), 'utf8')).children;
    expect(heading).toMatchObject({ type: 'heading', children: [{ type: 'text', value: 'WowAgentFactory' }] });
    expect(line).toMatchObject({
      type: 'paragraph',
      children: [{ type: 'text', value: `Nothing to do: the issue was ${hostile}, which changes no answer.` }],
    });
    expect(line?.type === 'paragraph' ? line.children : []).toHaveLength(1);
    expect(rest).toEqual([]);
  }, 60_000);

  it('runs as GitHub runs it (node main.js), with the exit code the workflow sees', async () => {
    const ignored = await runMain({ GITHUB_EVENT_NAME: 'schedule' });
    expect(ignored).toMatchObject({ code: factoryExit.ok });
    expect(ignored.stdout).toContain('this run is for "schedule"');
    expect(await readOutputs(join(dir, 'output'))).toEqual({ outcome: 'ignored' });
    const failed = await runMain({ GITHUB_EVENT_NAME: 'issues' });
    expect(failed).toMatchObject({ code: factoryExit.failed });
    expect(failed.stdout).toContain(
      '::error::WowAgentFactory failed: the event payload is empty: GITHUB_EVENT_PATH is not set',
    );
  }, 60_000);

  it("runs as GitHub runs it against GitHub's API: answers a questionnaire with its comment, the token masked", async () => {
    const served = await serveGitHubDouble(github);
    try {
      const invalid = issuePayload('opened', body('Release Notes').replace('release-notes', 'Release Notes!'));
      await writeFile(join(dir, 'event.json'), JSON.stringify({ ...invalid, issue: { ...invalid.issue, number: 34 } }));
      await writeFile(join(dir, 'summary.md'), '');
      const result = await runMain({
        GITHUB_EVENT_NAME: 'issues',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_WORKSPACE: repo.dir,
        GITHUB_API_URL: served.url,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        INPUT_TOKEN: 'ghs_workflowtoken',
      });
      expect(result.code).toBe(factoryExit.ok);
      expect(result.stdout).toContain('::add-mask::ghs_workflowtoken');
      expect(result.stdout).toMatch(/Issue #34: \d+ problem\(s\) with the answers/);
      expect(await readOutputs(join(dir, 'output'))).toEqual({ outcome: 'invalid' });
      expect(github.comments.find((c) => c.issue === 34)?.body).toContain('Agent id');
      expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/^## WowAgentFactory\n\nIssue #34: \d+ problem/);
      expect(github.violations).toEqual([]);
    } finally {
      await served.close();
    }
  }, 60_000);

  it('declares every output it writes, and runs on Node 24', async () => {
    const action = parse(await readFile(new URL('../action.yml', import.meta.url), 'utf8')) as {
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(Object.keys(action.outputs).sort()).toEqual(['agent-id', 'outcome', 'pull-request']);
    expect(action.runs).toEqual({ using: 'node24', main: 'main.js' });
  });
});
