import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('typescript rules', () => {
  it('finds any in exported signatures but not in bodies or private code', async () => {
    repo = await tempRepo(packWith({ kind: 'typescript', paths: '**/*.ts', checks: ['no-any-export'] }));
    await repo.write({
      'src/api.ts': [
        'export function parse(input: any): string { return String(input); }',
        'export interface Shape { data: Record<string, any> }',
        'export function fine(input: unknown): string { const x: any = input; return String(x); }',
        'function hidden(v: any): any { return v; }',
        'export class Box { get(key: string): any { return key; } private inner(v: string): string { const y: any = v; return String(y); } }',
        'export const handler = (event: any): void => { void event; void hidden; };',
      ].join('\n'),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/api.ts:1 "any" in the exported signature of "parse"; name the type or use unknown',
      'src/api.ts:2 "any" in the exported signature of "Shape"; name the type or use unknown',
      'src/api.ts:5 "any" in the exported signature of "Box"; name the type or use unknown',
      'src/api.ts:6 "any" in the exported signature of "handler"; name the type or use unknown',
    ]);
  });

  it('asks exported functions for return types', async () => {
    repo = await tempRepo(packWith({ kind: 'typescript', paths: '**/*.ts', checks: ['explicit-return-types'] }));
    await repo.write({
      'src/f.ts':
        'export function a() { return 1; }\nexport function b(): number { return 1; }\n' +
        'export const c = () => 1;\nexport const d = (): number => 1;\nfunction e() { return 1; }\nexport { e };\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/f.ts:1 exported function "a" has no explicit return type',
      'src/f.ts:3 exported function "c" has no explicit return type',
      'src/f.ts:5 exported function "e" has no explicit return type',
    ]);
  });

  it('finds synchronous fs and child_process calls, whatever they are imported as', async () => {
    repo = await tempRepo(packWith({ kind: 'typescript', paths: 'agents/**', checks: ['no-sync-io'] }));
    await repo.write({
      'agents/x/src/run.ts': [
        "import { readFileSync as rf, existsSync } from 'node:fs';",
        "import * as cp from 'child_process';",
        "import fs from 'fs';",
        "import { readFile } from 'node:fs/promises';",
        'export async function run(): Promise<void> {',
        "  rf('a'); existsSync('b'); cp.execSync('ls'); fs.writeFileSync('c', ''); await readFile('d');",
        '}',
      ].join('\n'),
      'scripts/build.ts': "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n",
    });
    const messages = (await repo.review({ base: 'main' })).findings.map(
      (f) => `${f.line}:${f.column} ${f.message.split(' ')[0] ?? ''}`,
    );
    expect(messages).toEqual(['6:3 rf()', '6:12 existsSync()', '6:29 cp.execSync()', '6:48 fs.writeFileSync()']);
  });
});
