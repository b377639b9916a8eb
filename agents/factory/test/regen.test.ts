import { readdirSync } from 'node:fs';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../../test/support/run-wow.ts';
import { tempRepo, type TempRepo } from '../../wowvision/test/support/temp-repo.ts';
import { loadDomainModels } from '#platform';
import { workingTreeSnapshot } from '../../wowvision/src/index.ts';
import { migrationName } from '../src/generate/generate-agent.ts';
import {
  answersPath,
  loadQuestionnaire,
  loadTemplates,
  mergeThreeWay,
  platformFacts,
  readAnswersFile,
  regenerateAgent,
  renderAgentFiles,
  templateForTier,
  validateAnswers,
  type Questionnaire,
} from '../src/index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const labels = { current: 'now', base: 'v1', next: 'v2' };

describe('mergeThreeWay', () => {
  it('takes the side that changed, keeps both when they changed different lines', () => {
    expect(mergeThreeWay('a\nb\nc', 'a\nb\nc', 'a\nB\nc', labels)).toEqual({ text: 'a\nB\nc', conflict: undefined });
    expect(mergeThreeWay('a\nb\nc', 'A\nb\nc', 'a\nb\nc', labels)).toEqual({ text: 'A\nb\nc', conflict: undefined });
    expect(mergeThreeWay('1\n2\n3\n4\n5\n6', '1 edited\n2\n3\n4\n5\n6', '1\n2\n3\n4\n5\n6 new', labels)).toEqual({
      text: '1 edited\n2\n3\n4\n5\n6 new',
      conflict: undefined,
    });
  });

  it('marks and reports lines both sides changed', () => {
    const merged = mergeThreeWay('a\nb\nc', 'a\nmine\nc', 'a\ntheirs\nc', labels);
    expect(merged.text).toBe('a\n<<<<<<< now\nmine\n||||||| v1\nb\n=======\ntheirs\n>>>>>>> v2\nc');
    expect(merged.conflict).toContain('1 place changed both here and in the template');
  });

  it('respects removals: a file removed here stays removed; one the template dropped is kept when edited', () => {
    expect(mergeThreeWay('x', undefined, 'x', labels)).toEqual({ text: undefined, conflict: undefined });
    expect(mergeThreeWay('x', undefined, 'y', labels).text).toBeUndefined();
    expect(mergeThreeWay('x', undefined, 'y', labels).conflict).toContain('stays removed');
    expect(mergeThreeWay('x', 'x', undefined, labels)).toEqual({ text: undefined, conflict: undefined });
    expect(mergeThreeWay('x', 'edited', undefined, labels)).toEqual({
      text: 'edited',
      conflict: expect.stringContaining('is kept') as string,
    });
    expect(mergeThreeWay(undefined, undefined, 'new', labels)).toEqual({ text: 'new', conflict: undefined });
  });
});

describe('wow factory regen', () => {
  let repo: TempRepo;
  let q: Questionnaire;
  const templates = (dir: string) => join(dir, 'templates', 'agents');
  const answers = `agent-id: ledger-keeper
name: Ledger Keeper
tier: Platform CoE
purpose: Keeps a ledger of releases.
wakes-on: github.release.published
emits: ledger.entry.recorded
service-level: best effort
acceptance: |
  Given a github.release.published event
  When it is handled
  Then it emits ledger.entry.recorded
`;

  // The template's version today (v), and the two the test makes after it.
  let v: number;

  beforeAll(async () => {
    q = await loadQuestionnaire();
    v = (await loadTemplates()).find((t) => t.name === 'platform-coe')?.version ?? 0;
    repo = await tempRepo({ 'answers.yml': answers, 'package.json': '{"type":"module"}\n' });
    await cp(join(root, 'templates', 'agents'), templates(repo.dir), { recursive: true });
    await repo.commit(`templates v${v}`);
    // Gated against this repository (its runtime and rules), written into the temporary one.
    const made = await wow([
      'factory',
      'new',
      '--answers',
      join(repo.dir, 'answers.yml'),
      '-C',
      root,
      '--out',
      repo.dir,
    ]);
    expect(made.stdout).toContain(`✔ agents/ledger-keeper/ generated from template platform-coe v${v}`);
    expect(made.code).toBe(0);
    await repo.commit('ledger-keeper as generated');
  }, 60_000);
  afterAll(() => repo.dispose());

  it('is in step right after generation (no drift)', async () => {
    const check = await wow(['factory', 'regen', 'ledger-keeper', '-C', repo.dir, '--check']);
    expect(check.stdout).toContain(`agents/ledger-keeper/ is in step with template platform-coe v${v}`);
    expect(check.code).toBe(0);
  });

  it('merges a hand edit with a template change, then reports a conflict where both changed the same line', async () => {
    const index = join(repo.dir, 'agents/ledger-keeper/src/index.ts');
    const handWritten = (await readFile(index, 'utf8')).replace(
      "return { did: 'handled', type: event.type };",
      "ctx.log.info({ ledger: event.id }, 'recorded');\n    return { did: 'handled', type: event.type };",
    );
    await writeFile(index, handWritten);
    await repo.commit('hand edit');
    // Template v+1: a new header line in the handler and a new README section.
    const files = join(templates(repo.dir), 'platform-coe');
    await writeFile(
      join(files, 'template.yml'),
      (await readFile(join(files, 'template.yml'), 'utf8')).replace(`version: ${v}`, `version: ${v + 1}`),
    );
    const tpl = join(files, 'files/agents/__id__/src/index.ts.eta');
    await writeFile(
      tpl,
      (await readFile(tpl, 'utf8')).replace(
        'import { defineAgent',
        '// Runs on the WAOOAW runtime; see platform/README.md.\nimport { defineAgent',
      ),
    );
    const readme = join(files, 'files/agents/__id__/README.md.eta');
    await writeFile(
      readme,
      `${await readFile(readme, 'utf8')}\n## Operating it\n\n\`wow agents list\` shows its status.\n`,
    );
    await repo.commit(`templates v${v + 1}`);

    const dry = await wow(['factory', 'regen', 'ledger-keeper', '-C', repo.dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`template platform-coe v${v} → platform-coe v${v + 1}`);
    expect(dry.stdout).toContain('+// Runs on the WAOOAW runtime');
    expect(await readFile(index, 'utf8')).toBe(handWritten);

    const run = await wow(['factory', 'regen', 'ledger-keeper', '-C', repo.dir]);
    expect(run.code).toBe(0);
    const merged = await readFile(index, 'utf8');
    expect(merged).toContain('// Runs on the WAOOAW runtime');
    expect(merged).toContain("ctx.log.info({ ledger: event.id }, 'recorded');");
    expect(await readFile(join(repo.dir, 'agents/ledger-keeper/README.md'), 'utf8')).toContain('## Operating it');
    expect(await readFile(join(repo.dir, 'agents/ledger-keeper/questionnaire.yml'), 'utf8')).toContain(
      `templateVersion: ${v + 1}`,
    );
    await repo.commit(`regen to v${v + 1}`);

    // v+2 changes the very line the hand edit changed.
    await writeFile(
      join(files, 'template.yml'),
      (await readFile(join(files, 'template.yml'), 'utf8')).replace(`version: ${v + 1}`, `version: ${v + 2}`),
    );
    await writeFile(
      tpl,
      (await readFile(tpl, 'utf8')).replace(
        "return { did: 'handled', type: event.type };",
        "return { did: 'handled', type: event.type, at: ctx.clock().toISOString() };",
      ),
    );
    await repo.commit(`templates v${v + 2}`);
    const conflicted = await wow(['factory', 'regen', 'ledger-keeper', '-C', repo.dir, '--json']);
    expect(conflicted.code).toBe(1);
    expect(JSON.parse(conflicted.stdout)).toMatchObject({
      files: expect.arrayContaining([
        expect.objectContaining({ path: 'agents/ledger-keeper/src/index.ts', status: 'conflict' }),
      ]) as unknown,
    });
    const text = await readFile(index, 'utf8');
    expect(text).toContain('<<<<<<< agents/ledger-keeper now');
    expect(text).toContain("ctx.log.info({ ledger: event.id }, 'recorded');");
    expect(text).toContain(`>>>>>>> template platform-coe v${v + 2}`);

    // Committed as it stands, the conflict is no longer between template versions, but
    // --check still refuses to call the agent in step while it is marked.
    await repo.commit('regen with a conflict left in');
    const check = await wow(['factory', 'regen', 'ledger-keeper', '-C', repo.dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain("an earlier regen's conflict is still marked");
  }, 60_000);

  it('carries an edited answer into the files, from the answers as last rendered', async () => {
    await repo.git('checkout', '-q', '--', '.');
    await repo.git('reset', '-q', '--hard', 'HEAD');
    const file = join(repo.dir, 'agents/ledger-keeper/questionnaire.yml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('name: Ledger Keeper', 'name: Release Ledger'));
    const plan = await regenerateAgent({
      root: repo.dir,
      id: 'ledger-keeper',
      questionnaire: q,
      templatesDir: templates(repo.dir),
    });
    const readme = plan.files.find((f) => f.path === 'agents/ledger-keeper/README.md');
    expect(readme?.text).toContain('# Release Ledger');
    expect(plan.files.find((f) => f.path === 'agents/ledger-keeper/agent.yml')?.text).toContain('name: Release Ledger');
  });
});

// One test per agent: each regenerates on its own clock, and a drift names its agent.
const ownAgents = readdirSync(join(root, 'agents'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("the platform's own agents (dogfood)", () => {
  it('are more than one', () => {
    expect(ownAgents.length).toBeGreaterThan(1);
  });
  it.each(ownAgents)('%s keeps the answers it is generated from, and regen finds no drift', async (id) => {
    const plan = await regenerateAgent({ root, id, questionnaire: await loadQuestionnaire() });
    expect(plan.files.filter((f) => f.status !== 'unchanged').map((f) => `${f.status} ${f.path}`)).toEqual([]);
  });
});

describe("the platform's own agents' requests", () => {
  it("every agent.yml `answers:` block, comments and all, is what its questionnaire's requests render", async () => {
    const q = await loadQuestionnaire();
    const templates = await loadTemplates();
    const facts = await platformFacts(join(root, 'agents'));
    const repo = await workingTreeSnapshot(root);
    const models = await loadDomainModels(join(root, 'domains'));
    const answersBlock = (text: string) => /^answers:\n(?:[ #].*\n)+/m.exec(text)?.[0];
    let answering = 0;
    for (const id of (await readdir(join(root, 'agents'), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)) {
      const { answers } = readAnswersFile(await readFile(join(root, answersPath(id)), 'utf8'), id, q);
      const own = { ...facts, agents: facts.agents.filter((a) => a !== id) };
      const checked = validateAnswers(
        answers,
        q,
        { ...own, emittedBy: new Map([...own.emittedBy].filter(([, by]) => by !== id)) },
        { existing: true },
      );
      if ('problems' in checked) throw new Error(`${id}: ${JSON.stringify(checked.problems)}`);
      const template = templateForTier(templates, checked.request.tier);
      const files = await renderAgentFiles(
        checked.request,
        answers,
        template,
        q,
        migrationName(repo, id),
        models.map((m) => m.model),
      );
      const manifest = await readFile(join(root, 'agents', id, 'agent.yml'), 'utf8');
      expect({ id, answers: answersBlock(files.get(`agents/${id}/agent.yml`) ?? '') }).toEqual({
        id,
        answers: answersBlock(manifest),
      });
      if (answersBlock(manifest) !== undefined) answering++;
    }
    expect(answering).toBeGreaterThanOrEqual(6);
  });
});
