import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubClient } from '#platform';
import { wow } from '../../../test/support/run-wow.ts';
import { type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { checkQuestionnaireIssue, loadQuestionnaire, platformFacts, type Generation } from '../src/index.ts';
import { platformRoot, startFactoryTarget, type FactoryTarget } from './support/factory-target.ts';
import { body, issuePayload } from './support/questionnaire-issue.ts';

const exec = promisify(execFile);
const root = platformRoot;
const q = await loadQuestionnaire();
const facts = await platformFacts(join(root, 'agents'));

// U+2028 is a line terminator to JavaScript: written into the `// <name>: …` comment the
// template opens src/index.ts with, it ends the comment, and what follows is code.
const injectedName = 'Notes\u2028process.exit(1) //';

/** The statements of the TypeScript files pushed to `branch` that call process.exit. */
async function injectedStatements(repoDir: string, branch: string): Promise<string[]> {
  const git = async (...args: string[]) => (await exec('git', args, { cwd: repoDir })).stdout;
  if (!(await git('branch', '--list', branch)).includes(branch)) return [];
  const files = (await git('diff', '--name-only', 'main', branch)).split('\n').filter((p) => p.endsWith('.ts'));
  const found: string[] = [];
  for (const path of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node) && node.getText().startsWith('process.exit'))
        found.push(`${path}: ${node.getText()}`);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(path, await git('show', `${branch}:${path}`), ts.ScriptTarget.Latest, true));
  }
  return found;
}

describe('code injection through the questionnaire', () => {
  let target: FactoryTarget;
  let dir: string;
  let github: GitHubDouble;
  let client: GitHubClient;
  let generation: Generation;

  beforeAll(async () => {
    // Even a maintainer's request is refused: the character is invisible in the issue.
    target = await startFactoryTarget({ Codertocat: 'write' });
    ({ dir, github, client, generation } = target);
  }, 60_000);
  afterAll(() => target.dispose());

  it('the issue door: a name carrying U+2028 and code is refused, naming the field, and nothing is pushed', async () => {
    const outcome = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', body(injectedName)),
      q,
      facts,
      generation,
    );
    expect(await injectedStatements(join(dir, 'platform'), 'factory/release-notes')).toEqual([]);
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toEqual([]);
    expect(outcome).toMatchObject({
      did: 'invalid',
      problems: [{ field: 'name', message: expect.stringContaining('U+2028') as string }],
    });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('**Agent name**');
    // The comment names the character; it never carries it.
    expect(github.comments[0]?.body).not.toContain('\u2028');
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('the CLI door: wow factory new --answers refuses the same answers, naming the field, and writes nothing', async () => {
    const answers = join(dir, 'answers.yml');
    await writeFile(
      answers,
      [
        'agent-id: release-notes',
        `name: "${injectedName.replace('\u2028', '\\u2028')}"`,
        'tier: Platform CoE',
        'purpose: Writes release notes.',
        'wakes-on: github.pull_request.closed',
        'emits: release.notes.drafted',
        'service-level: within 1 minute',
        'acceptance: |',
        '  Given a github.pull_request.closed event',
        '  When the agent handles it',
        '  Then it emits release.notes.drafted',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'cli-out');
    // Gated against this repository (its runtime and rules), written elsewhere.
    const run = await wow(['factory', 'new', '--answers', answers, '-C', root, '--out', out]);
    expect(await readdir(out).catch(() => [])).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ Agent name: contains U+2028');
  }, 60_000);
});
