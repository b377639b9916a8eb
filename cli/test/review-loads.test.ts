import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../../agents/wowvision/test/support/temp-repo.ts';

const wowScript = fileURLToPath(new URL('../wow.js', import.meta.url));
const recorder = fileURLToPath(new URL('fixtures/record-imports.ts', import.meta.url));

// Graph rules alone: the review parses imports with oxc and never needs the compiler.
const graphPack =
  'rules:\n  - name: ui-not-db\n    kind: dependency\n    from: src/ui/**\n    to: src/db/**\n    scope: all\n' +
  '  - name: no-cycles\n    kind: cycle\n    scope: all\n';

describe('wow review with graph rules only', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await tempRepo({
      'tsconfig.json':
        '{ // comments and trailing commas, as TypeScript allows\n "compilerOptions": { "strict": true, }, }\n',
      'src/ui/page.ts': "import { rows } from '../db/rows.ts';\nexport const page = rows;\n",
      'src/db/rows.ts': "import { empty } from './page-type.ts';\nexport const rows = empty;\n",
      'src/db/page-type.ts':
        "import { rows } from './rows.ts';\nexport const empty = [];\nexport const size = () => rows.length;\n",
      'pack.yml': graphPack,
    });
    await repo.commit();
  });
  afterAll(() => repo.dispose());

  it('finds the violations without loading TypeScript, ts-morph or the engines it does not use', async () => {
    const run = await promisify(execFile)(
      process.execPath,
      ['--import', recorder, wowScript, 'review', '--all', '--config', 'pack.yml', '--no-cache', '--format', 'json'],
      { cwd: repo.dir },
    ).then(
      (r) => ({ ...r, code: 0 }),
      (err: unknown) => err as { stdout: string; stderr: string; code: number },
    );
    const loaded = JSON.parse(
      run.stderr
        .split('\n')
        .find((l) => l.startsWith('loaded:'))
        ?.slice(7) ?? '[]',
    ) as string[];
    // Nor the model SDK, the Redis driver or the embedded database, which a local review never uses.
    expect(loaded.filter((url) => /\/(typescript|ts-morph|openai|ioredis|@electric-sql)\//.test(url))).toEqual([]);
    expect(loaded.some((url) => url.includes('oxc-parser'))).toBe(true);
    // It imports WowVision's engine alone (src/engine.ts) and the platform's parts it needs, not the runtime.
    expect(
      loaded.filter((url) => /\/platform\/index\.ts$|\/agents\/wowvision\/src\/(index|github\/)/.test(url)),
    ).toEqual([]);
    const findings = (JSON.parse(run.stdout) as { findings: { rule: string; path: string }[] }).findings;
    expect(findings.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'no-cycles src/db/rows.ts',
      'ui-not-db src/ui/page.ts',
    ]);
    expect(run.code).toBe(1);
  });
});
