import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('cycle rules', () => {
  it('reports a cycle the change closes, with its full path, on the import that closes it', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'cycle' }),
      'src/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
      'src/c.ts': 'export const c = 1;\n',
    });
    await repo.write({ 'src/c.ts': "import { a } from './a.ts';\nexport const c = 1;\nexport const again = a;\n" });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual(['src/c.ts:1 Import cycle: src/c.ts → src/a.ts → src/b.ts → src/c.ts']);
  });

  it('blocks a cycle the change touches but leaves cycles in untouched files alone', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'cycle' }),
      'x/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'x/b.ts': "import { a } from './a.ts';\nexport const b = a;\n",
      'y/c.ts': "import { d } from './d.ts';\nexport const c = d;\n",
      'y/d.ts': "import { c } from './c.ts';\nexport const d = c;\n",
    });
    await repo.write({ 'x/b.ts': "import { a } from './a.ts';\nexport const b = a;\nexport const more = 1;\n" });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual(['x/b.ts:1 Import cycle: x/b.ts → x/a.ts → x/b.ts']);
    expect(review.outOfScope).toBe(0);
  });

  it('ignores type-only edges unless asked to count them', async () => {
    const files = {
      'm/a.ts': "import type { B } from './b.ts';\nexport interface A { b?: B }\n",
      'm/b.ts': "import { type A } from './a.ts';\nexport interface B { a?: A }\n",
    };
    repo = await tempRepo(packWith({ kind: 'cycle' }));
    await repo.write(files);
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
    await repo.write(packWith({ kind: 'cycle', typeOnly: true }));
    expect(where(await repo.review({ all: true }))).toHaveLength(1);
  });
});
