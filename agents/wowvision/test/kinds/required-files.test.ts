import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('required-files rules', () => {
  it('asks each agent folder the change touches for its manifest, README and a test', async () => {
    repo = await tempRepo({
      ...packWith({
        kind: 'required-files',
        for: 'agents/(*)/',
        require: ['agent.yml', 'README.md', 'test/**/*.test.ts'],
      }),
      'agents/done/agent.yml': 'id: done\n',
      'agents/done/README.md': '# done\n',
      'agents/done/test/done.test.ts': '',
      'agents/old/src/index.ts': '', // incomplete, but untouched by the change
    });
    await repo.write({
      'agents/fresh/agent.yml': 'id: fresh\n',
      'agents/fresh/src/index.ts': 'export {};\n',
      'agents/done/src/index.ts': 'export {};\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/fresh/agent.yml:1 agents/fresh/ has no README.md',
      'agents/fresh/agent.yml:1 agents/fresh/ has no test/**/*.test.ts',
    ]);
  });

  it('asks a new module for its test with {name} and captures, and only of added files', async () => {
    repo = await tempRepo({
      ...packWith({
        kind: 'required-files',
        for: 'pkgs/(*)/src/**/*.ts',
        require: ['pkgs/$1/test/**/{name}.test.ts'],
        when: 'added',
      }),
      'pkgs/a/src/legacy.ts': 'export const l = 1;\n',
    });
    await repo.write({
      'pkgs/a/src/legacy.ts': 'export const l = 2;\n',
      'pkgs/a/src/tested.ts': 'export const t = 1;\n',
      'pkgs/a/test/unit/tested.test.ts': '',
      'pkgs/a/src/deep/untested.ts': 'export const u = 1;\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'pkgs/a/src/deep/untested.ts:1 pkgs/a/src/deep/untested.ts has no pkgs/a/test/**/untested.test.ts',
    ]);
  });
});
