import { describe, expect, it } from 'vitest';
import { parseImports } from '../../src/graph/parse-imports.ts';

/** "line:column specifier flags", one per import, in the order parseImports reports them. */
const imports = (path: string, lines: string[]) =>
  parseImports(path, lines.join('\n')).map(
    (i) =>
      `${i.line}:${i.column} ${i.specifier}` +
      (i.typeOnly ? ' type' : '') +
      (i.dynamic ? ' dynamic' : '') +
      (i.reexport ? ' reexport' : ''),
  );

describe('parseImports', () => {
  it('tells type-only imports and re-exports from those that run, as TypeScript erases them', () => {
    expect(
      imports('src/a.ts', [
        "import type { A } from './a';",
        "import { type B, type C } from './b';",
        "import D, { type E } from './d';",
        "import { type F, G } from './f';",
        "import type * as NS from './ns';",
        "import './side';",
        "import {} from './empty';",
        "import type {} from './empty-type';",
        "export type { H } from './h';",
        "export { type I, type J } from './i';",
        "export { type K, L } from './k';",
        "export * from './star';",
        "export type * from './star-type';",
        "export * as all from './all';",
        "export {} from './empty-export';",
        'export const local = 1;',
      ]),
    ).toEqual([
      '1:24 ./a type',
      '2:32 ./b type',
      '3:27 ./d',
      '4:27 ./f',
      '5:26 ./ns type',
      '6:8 ./side',
      '7:16 ./empty',
      '8:21 ./empty-type type',
      '9:24 ./h type reexport',
      '10:32 ./i type reexport',
      '11:27 ./k reexport',
      '12:15 ./star reexport',
      '13:20 ./star-type type reexport',
      '14:22 ./all reexport',
      '15:16 ./empty-export reexport',
    ]);
  });

  it('finds import x = require(), require() and import() calls with a literal, and import() types, after the statements', () => {
    expect(
      imports('src/a.ts', [
        'function later() { return require("./nested"); }',
        "import x = require('./req');",
        "import type y = require('./req-type');",
        "const z = require('./call');",
        "const w = import('./dyn');",
        'const t = import(`./template`);',
        'const computed = import(`./template${z}`);',
        'const variable = require(z);',
        "type T = import('./import-type').X;",
        "declare module 'ambient' { import q from './inside-ambient'; }",
        'later(require);',
      ]),
    ).toEqual([
      '2:20 ./req',
      '3:25 ./req-type type',
      '1:35 ./nested dynamic',
      '4:19 ./call dynamic',
      '5:18 ./dyn dynamic',
      '6:18 ./template dynamic',
      '9:17 ./import-type type',
    ]);
  });

  it('counts columns in UTF-16 code units and lines at every line break TypeScript knows', () => {
    expect(imports('src/a.ts', ["// é😀\r\nimport { a } from './a';\rimport './b';\u2028import './c';"])).toEqual([
      '2:19 ./a',
      '3:8 ./b',
      '4:8 ./c',
    ]);
    expect(imports('src/a.ts', ["/* é😀 */ import { a } from './a';"])).toEqual(['1:29 ./a']);
  });

  it('reads JSX in every JavaScript file, and CommonJS in .cjs', () => {
    expect(imports('src/view.js', ["import React from 'react';", 'export const View = () => <div />;'])).toEqual([
      '1:19 react',
    ]);
    expect(imports('src/old.cjs', ["const fs = require('node:fs');", 'with (fs) {}'])).toEqual([
      '1:20 node:fs dynamic',
    ]);
  });
});
