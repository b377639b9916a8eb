import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('naming rules', () => {
  it('checks file and folder names below the pattern, and exported names', async () => {
    repo = await tempRepo(
      packWith({
        kind: 'naming',
        paths: 'src/**/*.ts',
        file: 'kebab-case',
        folder: 'kebab-case',
        exports: { function: 'camelCase', class: 'PascalCase', type: 'PascalCase', const: '/^[a-zA-Z]+$/' },
      }),
    );
    await repo.write({
      'src/good-name.ts':
        'export function doIt(): void {}\nexport class Thing {}\nexport interface Shape { a: number }\nexport const value = 1;\n',
      'src/BadName.ts': 'export {};\n',
      'src/Sub_Dir/ok.ts': 'export {};\n',
      'src/exports.ts':
        'export function Do_it(): void {}\nexport class thing {}\nexport type shape = 1;\nexport const arrow_fn = (): number => 1;\nexport const MAX_1 = 1;\n',
      // Exported by list count as exported; a default export has no name of its own to judge.
      'src/listed.ts':
        'function Listed_fn(): void {}\nconst Aliased_c = 1;\nclass lower {}\n' +
        'export { Listed_fn, Aliased_c as aliased };\nexport default lower;\nexport default function Default_fn(): void {}\n',
      'src/file.test.ts': 'export {};\n',
      'other/Whatever.ts': 'export {};\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/BadName.ts:1 file name "BadName" is not kebab-case',
      'src/Sub_Dir/ok.ts:1 folder name "Sub_Dir" is not kebab-case',
      'src/exports.ts:1 exported function "Do_it" is not camelCase',
      'src/exports.ts:2 exported class "thing" is not PascalCase',
      'src/exports.ts:3 exported type "shape" is not PascalCase',
      'src/exports.ts:4 exported function "arrow_fn" is not camelCase',
      'src/exports.ts:5 exported const "MAX_1" is not /^[a-zA-Z]+$/',
      'src/listed.ts:1 exported function "Listed_fn" is not camelCase',
      'src/listed.ts:2 exported const "Aliased_c" is not /^[a-zA-Z]+$/',
    ]);
  });

  it('refuses an unknown style with the list of known ones', async () => {
    repo = await tempRepo(packWith({ kind: 'naming', paths: '**', file: 'Title Case' }));
    const review = await repo.review();
    expect(review.conclusion).toBe('failure');
    expect(where(review)[0]).toMatch(
      /^\.github\/wowvision\.yml:\d+ rule "the-rule", file: expected kebab-case, camelCase, PascalCase, snake_case, UPPER_CASE or a \/regular expression\//,
    );
  });
});
