import { afterEach, describe, expect, it } from 'vitest';
import { findRulePack, loadRulePack } from '../src/index.ts';
import { tempRepo, where, type TempRepo } from './support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const load = (text: string, files: Record<string, string> = {}) =>
  loadRulePack({ file: '.github/wowvision.yml', text }, async (ref) =>
    ref in files ? { file: ref, text: files[ref] ?? '' } : undefined,
  );

describe('rule packs', () => {
  it('names the file, line, column and problem of every mistake', async () => {
    const result = await load(
      [
        'scope: everything', // line 1
        'rules:',
        '  - name: a-rule',
        '    kind: dependency',
        '    from: src/**',
        '    to: lib/**',
        '    allowOnly: [x/**]', // both given
        '  - name: Bad Name', // line 8
        '    kind: cycle',
        '  - name: unknown-kind', // line 10
        '    kind: telepathy',
        '  - name: elementless', // line 12
        '    kind: dependency',
        '    from: frontend',
        '    to: backend',
        'colour: blue', // line 16
      ].join('\n'),
    );
    expect('problems' in result && result.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '1:8 scope: expected changed (lines the change adds), file (files it touches) or all',
      '8:11 rules[1].name: expected a kebab-case name, e.g. "no-agent-internals"',
      '16:1 colour: unknown field; a pack has extends, _extends, scope, baseline, review, elements, rules',
    ]);
    const second = await load(
      'rules:\n  - name: a-rule\n' +
        '    kind: dependency\n    from: src/**\n    to: lib/**\n    allowOnly: [x/**]\n  - name: unknown-kind\n' +
        '    kind: telepathy\n  - name: elementless\n    kind: dependency\n    from: frontend\n    to: backend\n',
    );
    expect('problems' in second && second.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '2:5 rule "a-rule": give either "to" (what is forbidden) or "allowOnly" (all that is allowed), not both or neither',
      '8:11 rule "unknown-kind": unknown kind "telepathy"; the kinds are dependency, cycle, agent-boundary, ' +
        'required-files, naming, manifest, domain, typescript, secrets, hidden-characters, eslint, coverage, advisory',
      '9:5 rule "elementless" names "frontend", which is neither an element (none defined) nor a path pattern',
      '9:5 rule "elementless" names "backend", which is neither an element (none defined) nor a path pattern',
    ]);
    const yaml = await load('rules: [\n  {name: x\n');
    expect('problems' in yaml && yaml.problems[0]?.message).toMatch(/^YAML: /);
  });

  it('extends built-in and file packs, overriding rules field by field by name', async () => {
    const result = await load(
      'extends: [recommended, rules/team.yml]\nrules:\n  - name: no-cycles\n    severity: warning\n',
      {
        'rules/team.yml':
          'elements:\n  ui: web/**\nrules:\n  - name: ui-no-db\n    kind: dependency\n    from: ui\n    to: db/**\n    because: team rule\n',
      },
    );
    if (!('pack' in result)) throw new Error(JSON.stringify(result.problems));
    const { pack } = result;
    expect(pack.rules.map((r) => `${r.name}:${r.kind}:${r.severity}`)).toEqual([
      'no-cycles:cycle:warning',
      'no-secrets:secrets:error',
      'no-hidden-characters:hidden-characters:error',
      'typed-exports:typescript:warning',
      'ui-no-db:dependency:error',
    ]);
    expect(pack.rules.find((r) => r.name === 'no-cycles')?.because).toMatch(/cycle/);
    expect(pack.files).toEqual(['rules/packs/recommended.yml (built-in)', 'rules/team.yml', '.github/wowvision.yml']);
    const again = await load(
      'extends: [recommended, rules/team.yml]\nrules:\n  - name: no-cycles\n    severity: error\n',
      { 'rules/team.yml': 'rules: []\n' },
    );
    expect('pack' in again && again.pack.hash).not.toBe(pack.hash);
  });

  it('reports missing and looping extends on the line that names them', async () => {
    const missing = await load('extends:\n  - nothing-like-it\n');
    expect('problems' in missing && missing.problems.map((p) => `${p.line} ${p.message}`)).toEqual([
      expect.stringMatching(/^2 extends "nothing-like-it": no such pack; built-in packs are recommended/),
    ]);
    const loop = await load('extends: a.yml\n', { 'a.yml': 'extends: b.yml\n', 'b.yml': 'extends: a.yml\n' });
    expect('problems' in loop && loop.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      'b.yml:1 extends "a.yml" again: .github/wowvision.yml → a.yml → b.yml → a.yml is a loop',
    ]);
  });

  it("resolves `_extends` as Probot's config names repositories, and reports bad values, loops and local use on their line", async () => {
    const packs: Record<string, string> = {
      'acme/.github:.github/wowvision.yml':
        '_extends: rules-repo:packs/base.yml\nrules:\n  - name: org-rule\n    kind: cycle\n',
      'acme/rules-repo:packs/base.yml': 'extends: more.yml\nrules:\n  - name: base-rule\n    kind: cycle\n',
      'acme/rules-repo:more.yml': 'rules:\n  - name: more-rule\n    kind: cycle\n',
      'other/loop:.github/wowvision.yml': '_extends: other/loop\n',
    };
    const asked: unknown[] = [];
    const repository = async (ref: { owner: string | undefined; repo: string; path: string | undefined }) => {
      asked.push(ref);
      const owner = ref.owner ?? 'acme';
      const file = `${owner}/${ref.repo}:${ref.path ?? '.github/wowvision.yml'}`;
      const text = packs[file];
      return text === undefined ? undefined : { file, text, home: { owner, repo: ref.repo } };
    };
    const found = await loadRulePack(
      { file: '.github/wowvision.yml', text: '_extends: .github\nrules:\n  - name: own-rule\n    kind: cycle\n' },
      async () => undefined,
      repository,
    );
    // Lowest first: what `_extends` names, then what that file extends, then the file itself.
    expect('pack' in found && found.pack.files).toEqual([
      'acme/rules-repo:more.yml',
      'acme/rules-repo:packs/base.yml',
      'acme/.github:.github/wowvision.yml',
      '.github/wowvision.yml',
    ]);
    expect(asked[0]).toEqual({ owner: undefined, repo: '.github', path: undefined });
    const loop = await loadRulePack(
      { file: '.github/wowvision.yml', text: '_extends: other/loop\n' },
      async () => undefined,
      repository,
    );
    expect('problems' in loop && loop.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      'other/loop:.github/wowvision.yml:1 _extends "other/loop" again: ' +
        '.github/wowvision.yml → other/loop:.github/wowvision.yml → other/loop:.github/wowvision.yml is a loop',
    ]);
    const bad = await load('rules: []\n_extends: ../../etc/passwd\n');
    expect('problems' in bad && bad.problems.map((p) => `${p.line} ${p.message}`)).toEqual([
      expect.stringMatching(/^2 _extends: expected a repository as Probot names one/),
    ]);
    const local = await load('_extends: .github\n');
    expect('problems' in local && local.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('another repository is read only by the App'),
    ]);
  });

  it('falls back to the org pack, then to the built-in recommended pack', async () => {
    const org = await findRulePack(async () => undefined, {
      org: async () => ({
        file: 'acme/.github:.github/wowvision.yml',
        text: 'rules:\n  - name: org-rule\n    kind: cycle\n',
      }),
    });
    expect('pack' in org && org.pack.rules.map((r) => r.name)).toEqual(['org-rule']);
    const builtin = await findRulePack(async () => undefined);
    expect('pack' in builtin && builtin.pack.rules.map((r) => r.name)).toEqual([
      'no-cycles',
      'no-secrets',
      'no-hidden-characters',
      'typed-exports',
    ]);
  });

  it("judges a change by the base revision's rules: a change cannot relax them", async () => {
    repo = await tempRepo({
      '.github/wowvision.yml': 'rules:\n  - name: no-lib\n    kind: dependency\n    from: src/**\n    to: lib/**\n',
      'lib/x.ts': 'export const x = 1;\n',
    });
    await repo.write({
      '.github/wowvision.yml': 'rules: []\n',
      'src/a.ts': "import { x } from '../lib/x.ts';\nexport const a = x;\n",
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual(['src/a.ts:1 src/a.ts imports lib/x.ts ("../lib/x.ts")']);
    expect(review.pendingRuleChanges).toEqual(['.github/wowvision.yml']);
  });

  it('turns an invalid pack into a failing review located on the pack', async () => {
    repo = await tempRepo({ '.github/wowvision.yml': 'rules:\n  - name: x\n    kind: cycle\n    paths: 42\n' });
    const review = await repo.review();
    expect(review.conclusion).toBe('failure');
    expect(review.findings.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual([
      'wowvision/config .github/wowvision.yml:4',
    ]);
  });
});
