import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../../agents/wowvision/test/support/temp-repo.ts';
import { wow } from '../../test/support/run-wow.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const pack = [
  'baseline: .github/wowvision-baseline.json',
  'rules:',
  '  - name: no-lib',
  '    kind: dependency',
  '    from: src/**',
  '    to: lib/**',
  '    because: lib is being retired',
  '    fix: use core instead',
  '  - name: names',
  '    kind: naming',
  '    severity: warning',
  '    paths: src/**',
  '    file: kebab-case',
].join('\n');

async function repoWithViolation(): Promise<TempRepo> {
  const r = await tempRepo({
    '.github/wowvision.yml': pack,
    'lib/x.ts': 'export const x = 1;\n',
    'src/ok.ts': 'export const ok = 1;\n',
  });
  await r.write({ 'src/uses-lib.ts': "import { x } from '../lib/x.ts';\nexport const y = x;\n" });
  return r;
}

describe('wow review', () => {
  it('prints linter-style findings with the rule texts and exits 1 when an error blocks', async () => {
    repo = await repoWithViolation();
    const run = await wow(['review', '-C', repo.dir, '--base', 'main']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'src/uses-lib.ts:1:19  error  src/uses-lib.ts imports lib/x.ts ("../lib/x.ts")  no-lib',
    );
    expect(run.stdout).toContain('why: lib is being retired');
    expect(run.stdout).toContain('fix: use core instead');
    expect(run.stdout).toMatch(/✖ 1 finding \(1 error\) in 1 file · 2 rules over 1 changed file of \d+/);
  });

  it('exits 0 for warnings only and for a clean change', async () => {
    repo = await tempRepo({ '.github/wowvision.yml': pack });
    await repo.write({ 'src/BadName.ts': 'export {};\n' });
    const warned = await wow(['review', '-C', repo.dir, '--base', 'main']);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('warning  file name "BadName" is not kebab-case');
    await repo.remove('src/BadName.ts');
    const clean = await wow(['review', '-C', repo.dir, '--base', 'main']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('✔ No findings');
  });

  it('gives JSON and valid SARIF 2.1.0 for machines', async () => {
    repo = await repoWithViolation();
    const json = await wow(['review', '-C', repo.dir, '--base', 'main', '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as {
      conclusion: string;
      findings: { rule: string; path: string; line: number; column: number; fix: string }[];
      head: string;
    };
    expect(json.code).toBe(1);
    expect(parsed).toMatchObject({
      conclusion: 'failure',
      head: 'working tree',
      findings: [{ rule: 'no-lib', path: 'src/uses-lib.ts', line: 1, column: 19, fix: 'use core instead' }],
    });

    const out = join(repo.dir, 'out.sarif');
    const sarifRun = await wow(['review', '-C', repo.dir, '--base', 'main', '--format', 'sarif', '--output', out]);
    expect(sarifRun.code).toBe(1);
    expect(sarifRun.stderr).toContain('✖ 1 finding');
    const sarif = JSON.parse(await readFile(out, 'utf8')) as Sarif.Log;
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run?.tool.driver).toMatchObject({
      name: 'WowVision',
      rules: [
        {
          id: 'no-lib',
          shortDescription: { text: 'lib is being retired' },
          help: { text: 'use core instead' },
          defaultConfiguration: { level: 'error' },
        },
      ],
    });
    expect(run?.results).toEqual([
      {
        ruleId: 'no-lib',
        ruleIndex: 0,
        level: 'error',
        message: { text: 'src/uses-lib.ts imports lib/x.ts ("../lib/x.ts"). Fix: use core instead' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'src/uses-lib.ts', uriBaseId: '%SRCROOT%' },
              region: { startLine: 1, startColumn: 19, endColumn: 32 },
            },
          },
        ],
        partialFingerprints: { 'wowvision/v1': expect.stringMatching(/^[0-9a-f]{20}$/) as unknown },
      },
    ]);
  });

  it('adopts an existing codebase through the baseline: only new findings block', async () => {
    repo = await repoWithViolation();
    await repo.commit('legacy code');
    const written = await wow(['review', '-C', repo.dir, '--write-baseline']);
    expect(written).toMatchObject({
      code: 0,
      stdout:
        'Wrote 1 finding(s) to .github/wowvision-baseline.json. Commit it; from then on only new findings block.\n',
    });
    await repo.commit('baseline');
    const known = await wow(['review', '-C', repo.dir, '--all']);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('1 in the baseline');
    // An edit above the known finding moves it down a line; it stays known.
    await repo.write({
      'src/uses-lib.ts': "// moved\nimport { x } from '../lib/x.ts';\nexport const y = x;\n",
      'src/new.ts': "import { x } from '../lib/x.ts';\nexport const z = x;\n",
    });
    const fresh = await wow(['review', '-C', repo.dir, '--all', '--format', 'json']);
    expect(fresh.code).toBe(1);
    expect((JSON.parse(fresh.stdout) as { findings: { path: string }[] }).findings.map((f) => f.path)).toEqual([
      'src/new.ts',
    ]);
  });

  it('explains a rule, and exits 2 for bad usage with a message', async () => {
    repo = await repoWithViolation();
    const explained = await wow(['review', '-C', repo.dir, '--explain', 'no-lib']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain(
      'no-lib (dependency, error): Imports from one part of the code to another that the architecture forbids.',
    );
    expect((await wow(['review', '-C', repo.dir, '--explain', 'nope'])).code).toBe(2);
    const badRef = await wow(['review', '-C', repo.dir, '--base', 'no-such-branch']);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toMatch(/^error WOW_ERR_CLI_USAGE: git merge-base no-such-branch HEAD failed/);
    const notGit = await wow(['review', '-C', '/']);
    expect(notGit).toMatchObject({
      code: 2,
      stderr: 'error WOW_ERR_CLI_USAGE: / is not inside a git repository; run wow review in a clone\n',
    });
    expect((await wow(['review', '--format', 'xml'])).code).toBe(2);
  });
});
