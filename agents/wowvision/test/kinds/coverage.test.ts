import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const source = [
  'export function grade(score: number): string {',
  "  if (score > 90) return 'A';",
  "  if (score > 50) return 'B';",
  "  return 'C';",
  '}',
  '',
].join('\n');

/** istanbul's coverage-final.json for src/grade.ts: one statement per line 2-4, with run counts. */
function istanbul(dir: string, counts: [number, number, number]): string {
  const statementMap = Object.fromEntries(
    [2, 3, 4].map((line, i) => [String(i), { start: { line, column: 2 }, end: { line, column: 30 } }]),
  );
  const s = Object.fromEntries(counts.map((c, i) => [String(i), c]));
  const path = join(dir, 'src/grade.ts');
  return JSON.stringify({ [path]: { path, statementMap, fnMap: {}, branchMap: {}, s, f: {}, b: {} } });
}

describe('coverage rules', () => {
  it('finds a changed file whose changed lines tests do not run, at the first such line', async () => {
    repo = await tempRepo({ ...packWith({ kind: 'coverage', threshold: 80 }), '.gitignore': 'coverage/\n' });
    await repo.write({ 'src/grade.ts': source, 'coverage/coverage-final.json': istanbul(repo.dir, [4, 0, 0]) });
    const review = await repo.review({ base: 'main', trustedCode: true });
    expect(where(review)).toEqual(['src/grade.ts:3 1 of 3 changed lines run in tests (33%), below 80%; not run: 3-4']);
  });

  it('passes when enough changed lines run, and reads lcov too', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'coverage', threshold: 60, report: 'lcov.info' }),
      '.gitignore': 'lcov.info\n',
    });
    await repo.write({
      'src/grade.ts': source,
      'lcov.info': 'TN:\nSF:src/grade.ts\nDA:2,4\nDA:3,1\nDA:4,0\nend_of_record\n',
    });
    expect(where(await repo.review({ base: 'main', trustedCode: true }))).toEqual([]);
    await repo.write({ 'lcov.info': 'TN:\nSF:src/grade.ts\nDA:2,4\nDA:3,0\nDA:4,0\nend_of_record\n' });
    expect(where(await repo.review({ base: 'main', trustedCode: true }))).toEqual([
      'src/grade.ts:3 1 of 3 changed lines run in tests (33%), below 60%; not run: 3-4',
    ]);
  });

  it('names files no test loads, and a missing report, instead of passing', async () => {
    repo = await tempRepo({ ...packWith({ kind: 'coverage' }), '.gitignore': 'coverage/\n' });
    await repo.write({ 'src/grade.ts': source });
    expect(where(await repo.review({ base: 'main', trustedCode: true }))[0]).toMatch(
      /^src\/grade\.ts:1 no coverage report at coverage\/coverage-final\.json: run the tests with coverage/,
    );
    await repo.write({
      'src/other.ts': 'export const x = 1;\n',
      'coverage/coverage-final.json': istanbul(repo.dir, [1, 1, 1]),
    });
    expect(where(await repo.review({ base: 'main', trustedCode: true }))).toEqual([
      'src/other.ts:1 not in the coverage report: no test loads src/other.ts',
    ]);
  });
});
