import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('agent-boundary rules', () => {
  it("lets agents import each other's public entry only", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'agent-boundary' }),
      'agents/search/src/index.ts': "export { find } from './find.ts';\n",
      'agents/search/src/find.ts': 'export const find = () => 1;\n',
      'agents/support/src/helper.ts': 'export const h = 1;\n',
    });
    await repo.write({
      'agents/support/src/answer.ts': [
        "import { find } from '../../search/src/index.ts';",
        "import { find as f2 } from '../../search/src/find.ts';",
        "import { h } from './helper.ts';",
        'export const x = [find, f2, h];',
      ].join('\n'),
      'app/door.ts': "import { find } from '../agents/search/src/find.ts';\nexport const y = find;\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/support/src/answer.ts:2 agents/support/src/answer.ts reaches into agent "search": ' +
        'agents/search/src/find.ts is internal; import from agents/search/src/index.ts',
      'app/door.ts:1 app/door.ts reaches into agent "search": agents/search/src/find.ts is internal; import from agents/search/src/index.ts',
    ]);
  });

  it('honours other entries, a narrower "from", and type-only imports when allowed', async () => {
    repo = await tempRepo({
      ...packWith({
        kind: 'agent-boundary',
        entry: ['src/index.ts', 'src/types.ts'],
        from: { path: 'agents/**' },
        typeOnly: false,
      }),
      'agents/a/src/index.ts': 'export const a = 1;\n',
      'agents/a/src/types.ts': 'export interface T { x: number }\n',
      'agents/a/src/model.ts': 'export interface M { y: number }\n',
    });
    await repo.write({
      'agents/b/src/index.ts':
        "import type { T } from '../../a/src/types.ts';\nimport type { M } from '../../a/src/model.ts';\nexport type U = T & M;\n",
      'test/a.test.ts': "import { a } from '../agents/a/src/model.ts';\nexport { a };\n",
    });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });
});
