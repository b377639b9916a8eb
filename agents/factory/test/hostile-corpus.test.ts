import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyPasses, testGitHubPolicy } from '#platform/testing';
import { hostileTexts } from '../../../test/fixtures/hostile/corpus.ts';
import { inStep, readOutputs } from '../../../test/support/actions-runner.ts';
import { wow } from '../../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { runFactoryAction, type FactoryContext } from '../../../actions/factory/src/run-factory-action.ts';
import { loadQuestionnaire, type IssuePayload } from '../src/index.ts';
import { platformRoot } from './support/factory-target.ts';
import { startFactoryBehindDoor, type FactoryBehindDoor } from './support/factory-behind-door.ts';
import { markdownShape, tsShape } from './support/generated-shape.ts';
import { issuePayload } from './support/questionnaire-issue.ts';

const q = await loadQuestionnaire();
const labelOf = (id: string) => q.fields.find((f) => f.id === id)?.label ?? id;
type Answers = Record<string, string | string[]>;

// The hostile-input corpus through the Factory's three doors: an issue (a signed webhook,
// the bus, the hosted factory agent), `wow factory new --answers`, and the Action. A text
// that hides what it says is refused in every field that takes text, naming each field and
// the character, and nothing is written or pushed; SQL, HTML and mentions are what people
// write, so they are taken, and the code generated from them says exactly what it says
// for plain words.
const refused = hostileTexts.filter((t) => !t.legitimate);
const legitimate = hostileTexts.filter((t) => t.legitimate);

/** The fields that take text, each holding `text`: every one must be refused, by name. */
const textFields = ['agent-id', 'name', 'purpose', 'wakes-on', 'emits', 'stores', 'uses', 'depends-on', 'acceptance'];
const everywhere = (text: string): Answers => ({
  ...Object.fromEntries(textFields.map((id) => [id, text])),
  tier: 'Platform CoE',
  capabilities: ['github:contents:read', 'store:write'],
  'service-level': 'within 1 minute',
  acceptance: `Given ${text}\nWhen ${text}\nThen ${text}`,
});

/** A valid request for agent `id` with `text` in each free-text answer: name, purpose, a table's description, an example. */
const freeText = (id: string, text: string): Answers => ({
  'agent-id': id,
  name: text,
  tier: 'Platform CoE',
  purpose: text,
  'wakes-on': 'github.pull_request.closed',
  emits: 'corpus.entry.drafted',
  stores: `corpus_entries - ${text}`,
  capabilities: ['github:contents:read', 'store:write'],
  'service-level': 'within 1 minute',
  acceptance: `Given ${text}\nWhen ${text}\nThen it emits corpus.entry.drafted`,
});

/** The answers as GitHub renders the issue form's body (CRLF, `- [X]` checkboxes, `_No response_`). */
function issueBody(answers: Answers): string {
  return q.fields
    .flatMap((f) => {
      const value = answers[f.id];
      const text =
        value === undefined
          ? '_No response_'
          : f.type === 'checkboxes'
            ? [value]
                .flat()
                .map((v) => `- [X] ${v}`)
                .join('\n')
            : [value].flat().join(', ');
      return [`### ${f.label}`, '', text, ''];
    })
    .join('\n')
    .replace(/\n/g, '\r\n');
}

/** The answers as an answers file, every character outside printable ASCII written as a YAML escape. */
function answersFile(answers: Answers): string {
  const quoted = (text: string) =>
    `"${Array.from(text, (c) =>
      c === '"' || c === '\\'
        ? `\\${c}`
        : c === '\n'
          ? '\\n'
          : /[\x20-\x7e]/.test(c)
            ? c
            : `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
    ).join('')}"`;
  return Object.entries(answers)
    .map(([id, v]) =>
      Array.isArray(v) ? `${id}:\n${v.map((x) => `  - ${quoted(x)}`).join('\n')}` : `${id}: ${quoted(v)}`,
    )
    .join('\n');
}

/** The code points of `text` outside printable ASCII, as messages name them ("U+2028"). */
const codePoints = (text: string) =>
  new Set(
    Array.from(text)
      .filter((c) => !/[\x20-\x7e]/.test(c))
      .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`),
  );

/** The text fields `output` refuses for one of `text`'s characters: lines `<before label after> contains U+XXXX (`. */
function fieldsRefused(output: string, text: string, line: (label: string) => string): string[] {
  const named = codePoints(text);
  return textFields.filter((id) => {
    const found = output.split('\n').find((l) => l.startsWith(`${line(labelOf(id))} contains U+`));
    const code = /contains (U\+[0-9A-F]{4,6}) \(/.exec(found ?? '')?.[1];
    return code !== undefined && named.has(code);
  });
}

/** Every request that writes to the repository (the Factory's comment on the issue is how it answers, so it is not one). */
const repositoryWrites = [
  'POST /repos/{owner}/{repo}/git/blobs',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/refs',
  'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  'POST /repos/{owner}/{repo}/pulls',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
];

/** Generated files by role: the agent's id in a path is written `ID`, so two agents' files line up. */
type Generated = Map<string, string>;
const byRole = (id: string, files: Iterable<[string, string]>): Generated =>
  new Map(
    [...files].map(([path, text]) => [path.replaceAll(id.replaceAll('-', '_'), 'ID').replaceAll(id, 'ID'), text]),
  );

describe("the hostile-input corpus through the Factory's three doors", () => {
  let door: FactoryBehindDoor;
  let dir: string;
  let baseline: Generated;
  let db: pg.Client;
  const schema = uniqueName('factory_corpus');
  const writesMade = () => repositoryWrites.flatMap((route) => door.target.github.callsTo(route)).length;
  const factoryComment = (issue: number) =>
    door.target.github.comments.find(
      (c) => c.issue === issue && c.body.includes('<!-- waooaw-factory:questionnaire -->'),
    )?.body ?? '';
  const branchFiles = async (id: string): Promise<Generated> => {
    const git = (...args: string[]) => door.target.git(...args);
    const paths = (await git('diff', '--name-only', 'main', `factory/${id}`)).split('\n').filter(Boolean);
    return byRole(
      id,
      await Promise.all(paths.map(async (p) => [p, await git('show', `factory/${id}:${p}`)] as [string, string])),
    );
  };
  const cliNew = async (answers: Answers, out: string) => {
    const file = join(dir, `${relative(dir, out).replaceAll('/', '-')}.yml`);
    await writeFile(file, answersFile(answers));
    return wow(['factory', 'new', '--answers', file, '-C', platformRoot, '--out', out]);
  };
  const filesUnder = async (root: string): Promise<[string, string][]> => {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return Promise.all(
      entries
        .filter((e) => e.isFile())
        .map(async (e) => {
          const path = join(e.parentPath, e.name);
          return [relative(root, path), await readFile(path, 'utf8')] as [string, string];
        }),
    );
  };
  const runAction = async (payload: IssuePayload) => {
    const { value: code, stdout } = await inStep(
      { GITHUB_OUTPUT: join(dir, 'output'), INPUT_TOKEN: 'ghs_workflowtoken' },
      () =>
        runFactoryAction({
          context: {
            eventName: 'issues',
            payload: payload as FactoryContext['payload'],
            apiUrl: 'https://api.github.com',
          },
          workspace: door.target.repo.dir,
          fetch: door.target.github.fetch,
          policy: testGitHubPolicy,
        }),
    );
    return { code, stdout, outputs: await readOutputs(join(dir, 'output')) };
  };

  /** The generated agent says what plain words make it say: the same statements, the text as values, no Markdown or SQL from it. */
  async function expectSameStatements(made: Generated, text: string) {
    expect([...made.keys()].sort()).toEqual([...baseline.keys()].sort());
    for (const [path, code] of made) {
      if (path.endsWith('.ts')) {
        const expected = tsShape(path, baseline.get(path) ?? '');
        const shape = tsShape(path, code);
        expect({ path, errors: shape.errors }).toEqual({ path, errors: [] });
        expect({ path, statements: shape.statements, kinds: shape.kinds }).toEqual({
          path,
          statements: expected.statements,
          kinds: expected.kinds,
        });
      }
      if (path.endsWith('README.md')) {
        const expected = markdownShape(baseline.get(path) ?? '');
        const shape = markdownShape(code);
        expect({ path, linked: shape.linked, counts: shape.counts }).toEqual({
          path,
          linked: [],
          counts: expected.counts,
        });
      }
    }
    expect(parse(made.get('agents/ID/agent.yml') ?? '')).toMatchObject({ name: text });
    const migration = [...made.keys()].find((p) => /^agents\/[^/]+\/migrations\//.test(p)) ?? '';
    await db.query(`drop schema if exists ${schema} cascade; create schema ${schema}; set search_path to ${schema}`);
    await db.query(made.get(migration) ?? '');
    const { rows } = await db.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1',
      [schema],
    );
    expect(rows).toEqual([{ table_name: 'corpus_entries' }]);
  }

  beforeAll(async () => {
    door = await startFactoryBehindDoor({ maintainer: 'write' });
    dir = await mkdtemp(join(tmpdir(), 'factory-corpus-'));
    db = new pg.Client({ connectionString: testDatabaseUrl });
    await db.connect();
    const plain = await cliNew(freeText('corpus-plain', 'Plain words'), join(dir, 'plain'));
    expect(plain.code).toBe(0);
    baseline = byRole('corpus-plain', await filesUnder(join(dir, 'plain')));
  }, 120_000);
  afterAll(async () => {
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.end();
    await door.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('an issue: a signed webhook, the bus, the factory agent', () => {
    const checked = (issue: number) =>
      door.emitted.find(
        (e) => e.type === 'factory.questionnaire.checked' && (e.data as { issue: number }).issue === issue,
      );

    it.each(refused.map((t, i) => [t.name, t.text, 200 + i] as const))(
      '%s: refused in every text field, each named with the character; nothing is pushed',
      async (_, text, issue) => {
        const before = writesMade();
        const payload = issuePayload('opened', issueBody(everywhere(text)), { number: issue, author: 'maintainer' });
        expect(await door.send('issues', payload)).toBe(202);
        await eventuallyPasses(() => expect(checked(issue)).toBeDefined(), 30_000);
        expect(checked(issue)?.data).toMatchObject({ valid: false });
        expect(fieldsRefused(factoryComment(issue), text, (label) => `- **${label}**`)).toEqual(textFields);
        expect(writesMade()).toBe(before);
        expect(await door.target.git('branch', '--list', 'factory/*corpus*')).toBe('');
      },
      60_000,
    );

    it.each(legitimate.map((t, i) => [t.name, t.text, 210 + i, `corpus-app-${i}`] as const))(
      '%s: generated and pushed, each file saying what plain words make it say',
      async (_, text, issue, id) => {
        const payload = issuePayload('opened', issueBody(freeText(id, text)), { number: issue, author: 'maintainer' });
        expect(await door.send('issues', payload)).toBe(202);
        await eventuallyPasses(() => expect(checked(issue)).toBeDefined(), 60_000);
        expect(checked(issue)?.data).toMatchObject({ valid: true, agentId: id, gatePassed: true });
        await expectSameStatements(await branchFiles(id), text);
        expect(door.target.github.violations).toEqual([]);
      },
      90_000,
    );
  });

  describe('wow factory new --answers', () => {
    it.each(refused.map((t, i) => [t.name, t.text, i] as const))(
      '%s: refused in every text field, each named with the character; nothing is written',
      async (_, text, i) => {
        const out = join(dir, `cli-refused-${i}`);
        const run = await cliNew(everywhere(text), out);
        expect(run.code).toBe(1);
        expect(fieldsRefused(run.stdout, text, (label) => `✖ ${label}:`)).toEqual(textFields);
        expect(run.stdout).toContain('nothing written');
        expect(await filesUnder(out)).toEqual([]);
      },
      60_000,
    );

    it.each(legitimate.map((t, i) => [t.name, t.text, `corpus-cli-${i}`] as const))(
      '%s: generated, each file saying what plain words make it say',
      async (_, text, id) => {
        const out = join(dir, id);
        const run = await cliNew(freeText(id, text), out);
        expect({ code: run.code, stdout: run.stdout }).toMatchObject({ code: 0 });
        await expectSameStatements(byRole(id, await filesUnder(out)), text);
      },
      90_000,
    );
  });

  describe('the Action', () => {
    it.each(refused.map((t, i) => [t.name, t.text, 300 + i] as const))(
      '%s: refused in every text field, each named with the character; nothing is pushed',
      async (_, text, issue) => {
        const before = writesMade();
        const result = await runAction(
          issuePayload('opened', issueBody(everywhere(text)), { number: issue, author: 'maintainer' }),
        );
        expect(result.outputs).toEqual({ outcome: 'invalid' });
        expect(fieldsRefused(factoryComment(issue), text, (label) => `- **${label}**`)).toEqual(textFields);
        expect(writesMade()).toBe(before);
      },
      60_000,
    );

    it.each(legitimate.map((t, i) => [t.name, t.text, 310 + i, `corpus-action-${i}`] as const))(
      '%s: generated and pushed, each file saying what plain words make it say',
      async (_, text, issue, id) => {
        const result = await runAction(
          issuePayload('opened', issueBody(freeText(id, text)), { number: issue, author: 'maintainer' }),
        );
        expect(result.outputs).toMatchObject({ outcome: 'published' });
        await expectSameStatements(await branchFiles(id), text);
        expect(door.target.github.violations).toEqual([]);
      },
      90_000,
    );
  });
});
