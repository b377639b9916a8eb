import { afterEach, describe, expect, it } from 'vitest';
import { loadRulePack, reviewChange } from '../../src/index.ts';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';
import { wow } from '../../../../test/support/run-wow.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const config = "export default [{ files: ['**/*.js'], rules: { eqeqeq: 'error', 'no-var': 'warn' } }];\n";

describe('eslint rules', () => {
  it("folds the repository's own ESLint messages into findings, on changed lines, keeping warnings warnings", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'eslint' }),
      'package.json': '{ "type": "module" }\n',
      'eslint.config.js': config,
      'old.js': 'export const same = (a, b) => a == b;\n',
    });
    await repo.write({
      'old.js': 'export const same = (a, b) => a == b;\nexport const other = (a, b) => a != b;\n',
      'new.js': 'var x = 1;\nexport { x };\n',
    });
    const review = await repo.review({ base: 'main', trustedCode: true });
    expect(where(review)).toEqual([
      'new.js:1 Unexpected var, use let or const instead. (no-var)',
      "old.js:2 Expected '!==' and instead saw '!='. (eqeqeq)",
    ]);
    expect(review.findings.map((f) => [f.severity, f.column])).toEqual([
      ['warning', 1],
      ['error', 34],
    ]);
    expect(review.conclusion).toBe('failure');
  });

  it('says once, on a finding, when the config does not load', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'eslint', config: 'missing.config.js' }),
      'a.js': 'export const a = 1;\n',
    });
    await repo.write({ 'a.js': 'export const a = 2;\n', 'b.js': 'export const b = 2;\n' });
    const review = await repo.review({ base: 'main', trustedCode: true });
    expect(review.findings).toHaveLength(1);
    expect(review.findings[0]?.message).toMatch(/^ESLint could not run: .*missing\.config\.js/);
  });

  it("runs only when asked (--trusted-code), on a developer's machine as in CI: a branch checked out to review is someone else's code", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'eslint' }),
      'package.json': '{ "type": "module" }\n',
      'eslint.config.js': config,
    });
    await repo.write({ 'new.js': 'var x = 1;\nexport { x };\n' });
    const review = (args: string[], env: Record<string, string> = {}) =>
      wow(['review', '-C', repo?.dir ?? '', '--base', 'main', '--no-cache', ...args], env);
    const byDefault = await review([]);
    expect(byDefault.stdout).not.toContain('no-var');
    expect(byDefault.stdout).toContain('Not run here: the-rule (not run: untrusted code.');
    expect((await review([], { CI: 'true' })).stdout).toContain('not run: untrusted code');
    expect((await review(['--trusted-code'])).stdout).toContain(
      'new.js:1:1  warning  Unexpected var, use let or const instead. (no-var)',
    );
    expect((await review(['--trusted-code'], { CI: 'true' })).stdout).toContain('(no-var)');
    expect((await review(['--tool-timeout', 'soon'])).stderr).toContain(
      "option '--tool-timeout <seconds>' argument 'soon' is invalid. expected a whole number of seconds from 1 to 99999",
    );
  }, 60_000);

  it("runs a trusted config on a clean export of the head: checkout plugins load; the checkout's .env, .data and .git stay out of reach", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'eslint' }),
      'package.json': '{ "type": "module" }\n',
      '.gitignore': 'node_modules/\n.env\n.data/\n',
    });
    const checkout = repo.dir;
    // What the head's config can read: the job's files beside the checkout, and its own folder.
    const probe = [
      "import { readFileSync } from 'node:fs';",
      "import probe from 'eslint-plugin-probe';",
      'const tryRead = (path) => { try { readFileSync(path); return "read"; } catch (err) { return err.code; } };',
      `const checkout = ${JSON.stringify(checkout)};`,
      "const reach = { here: tryRead(new URL('.env', import.meta.url)), env: tryRead(`${checkout}/.env`), " +
        'data: tryRead(`${checkout}/.data/db`), git: tryRead(`${checkout}/.git/config`) };',
      "export default [{ files: ['**/*.js'], plugins: { probe }, rules: { 'probe/reach': ['error', reach] } }];",
    ].join('\n');
    await repo.write({
      'eslint.config.js': `${probe}\n`,
      'src/a.js': 'export const a = 1;\n',
      '.env': 'DATABASE_URL=postgres://app:hunter2@db/waooaw\n',
      '.data/db': 'customer records\n',
      // Installed, not committed: the plugin the config imports.
      'node_modules/eslint-plugin-probe/package.json':
        '{ "name": "eslint-plugin-probe", "type": "module", "main": "index.js" }\n',
      'node_modules/eslint-plugin-probe/index.js':
        "export default { rules: { reach: { meta: { type: 'problem', schema: false }, create: (context) => ({ Program: " +
        '(node) => context.report({ node, message: `reach ${JSON.stringify(context.options[0])}` }) }) } } };\n',
    });
    const review = await repo.review({ base: 'main', trustedCode: true });
    expect(where(review)).toEqual([
      'eslint.config.js:1 reach {"here":"ENOENT","env":"ERR_ACCESS_DENIED","data":"ERR_ACCESS_DENIED","git":"ERR_ACCESS_DENIED"} (probe/reach)',
      'src/a.js:1 reach {"here":"ENOENT","env":"ERR_ACCESS_DENIED","data":"ERR_ACCESS_DENIED","git":"ERR_ACCESS_DENIED"} (probe/reach)',
    ]);
  });

  it('is listed as not run, never passed silently, where no checkout exists (the App)', async () => {
    const loaded = await loadRulePack(
      { file: '.github/wowvision.yml', text: 'rules:\n  - name: lint\n    kind: eslint\n' },
      async () => undefined,
    );
    if (!('pack' in loaded)) throw new Error('pack invalid');
    const texts = new Map([['a.js', 'var a = 1;\n']]);
    const snapshot = { blobs: new Map([['a.js', 'blob-a']]), read: async (p: string) => texts.get(p) ?? '' };
    const review = await reviewChange({
      snapshot,
      changes: [{ path: 'a.js', status: 'added', addedLines: new Set([1]), hunks: [{ start: 1, end: 1 }] }],
      pack: loaded.pack,
    });
    expect(review.findings).toEqual([]);
    expect(review.skipped).toEqual([
      {
        rule: 'lint',
        why: 'the eslint kind runs where the repository is checked out: the WowVision Action or `wow review`',
      },
    ]);
  });
});
