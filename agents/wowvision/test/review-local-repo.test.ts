import { afterEach, describe, expect, it } from 'vitest';
import { reviewLocalRepo } from '../src/index.ts';
import { tempRepo, type TempRepo } from './support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const noLib = [
  'rules:',
  '  - name: no-lib',
  '    kind: dependency',
  '    from: src/**',
  '    to: lib/**',
  '    because: lib is being retired',
].join('\n');

/** A base commit with `files` and lib/, and a head that imports lib from src/. */
async function changeOn(files: Record<string, string>): Promise<{ dir: string; base: string; head: string }> {
  repo = await tempRepo({ ...files, 'lib/x.ts': 'export const x = 1;\n' });
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  await repo.write({ 'src/use.ts': "import { x } from '../lib/x.ts';\nexport const y = x;\n" });
  const head = await repo.commit('use lib');
  return { dir: repo.dir, base, head };
}

describe("the CLI's and the Action's review: rule files are read from the base commit, each path as it is spelt", () => {
  it('refuses a pack path with * or [ that the base does not hold, naming it, rather than judging by no rules', async () => {
    const { dir, base, head } = await changeOn({ 'ci/pack.yml': noLib });
    for (const config of ['ci/pack*.yml', 'ci/[p]ack.yml'])
      await expect(reviewLocalRepo({ cwd: dir, base, head, config, persistCache: false })).rejects.toThrow(
        `no rule pack at ${config} in the base commit`,
      );
  });

  it('reads the file a path with [ names, not a file its pattern would match', async () => {
    const { dir, base, head } = await changeOn({ 'ci/pack[1].yml': noLib, 'ci/pack1.yml': 'rules: []\n' });
    const { review } = await reviewLocalRepo({ cwd: dir, base, head, config: 'ci/pack[1].yml', persistCache: false });
    expect(review.conclusion).toBe('failure');
    expect(review.findings).toMatchObject([{ rule: 'no-lib', path: 'src/use.ts', line: 1 }]);
  });

  it('reports a pack that extends a missing path with * as a problem naming it, not as an empty pack', async () => {
    const { dir, base, head } = await changeOn({ '.github/wowvision.yml': 'extends: [ci/shared*.yml]\n' });
    const { review } = await reviewLocalRepo({ cwd: dir, base, head, persistCache: false });
    expect(review.conclusion).toBe('failure');
    expect(review.findings.map((f) => [f.rule, f.path])).toEqual([['wowvision/config', '.github/wowvision.yml']]);
    expect(review.findings[0]?.message).toContain('extends "ci/shared*.yml": no such pack');
  });

  it('refuses a pack path that names a folder of the base, rather than reading its listing as YAML', async () => {
    const { dir, base, head } = await changeOn({ 'ci/pack.yml': noLib });
    await expect(reviewLocalRepo({ cwd: dir, base, head, config: 'ci', persistCache: false })).rejects.toThrow(
      `no rule pack at ci in the base commit`,
    );
  });
});
