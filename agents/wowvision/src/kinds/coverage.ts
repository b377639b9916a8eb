import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/** Per file: executable line → times run. */
type LineCounts = Map<number, number>;

/**
 * Test coverage of the lines a change adds, from the report the test step wrote
 * (istanbul's coverage-final.json, as vitest, jest, c8 and nyc write it, or lcov). A file
 * below the threshold gets one finding, on its first uncovered changed line.
 */
export const coverage = defineKind({
  name: 'coverage',
  summary: 'Changed lines covered by tests, below a threshold, from the coverage report of the test run.',
  defaultScope: 'changed',
  options: z.strictObject({
    paths: fileSpec.default({
      path: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      pathNot: ['**/test/**', '**/*.test.*', '**/*.spec.*'],
    }),
    report: z
      .string()
      .min(1)
      .default('coverage/coverage-final.json')
      .describe('istanbul JSON (coverage-final.json) or lcov (.info)'),
    threshold: z
      .number()
      .min(0)
      .max(100)
      .default(80)
      .describe('percent of changed executable lines that tests must run'),
  }),
  // The test run writes the report into the checkout, beside the head's files.
  checkoutFiles: (options) => [options.report],
  async checkCheckout(options, view) {
    const files = view.targets.filter((p) => matchFile(options.paths, p, view) !== undefined);
    if (files.length === 0) return [];
    let report: Map<string, LineCounts>;
    try {
      report = parseReport(await readFile(join(view.root, options.report), 'utf8'), view.checkout, options.report);
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ENOENT';
      const message = missing
        ? `no coverage report at ${options.report}: run the tests with coverage before the review (e.g. vitest run --coverage --coverage.reporter=json)`
        : (err as Error).message;
      return [{ path: files[0] ?? '', line: 1, column: 1, message, key: 'coverage report' }];
    }
    const hits: Hit[] = [];
    for (const path of files) {
      const counts = report.get(path);
      const changed = view.changes.get(path)?.addedLines;
      if (counts === undefined) {
        hits.push({
          path,
          line: first(changed) ?? 1,
          column: 1,
          message: `not in the coverage report: no test loads ${path}`,
          key: `coverage ${path}`,
        });
        continue;
      }
      const lines = [...counts.keys()].filter((l) => changed === undefined || changed.has(l)).sort((a, b) => a - b);
      if (lines.length === 0) continue;
      const uncovered = lines.filter((l) => (counts.get(l) ?? 0) === 0);
      const percent = (100 * (lines.length - uncovered.length)) / lines.length;
      if (percent >= options.threshold || uncovered[0] === undefined) continue;
      hits.push({
        path,
        line: uncovered[0],
        column: 1,
        message:
          `${lines.length - uncovered.length} of ${lines.length} changed lines run in tests (${Math.floor(percent)}%), ` +
          `below ${options.threshold}%; not run: ${ranges(uncovered)}`,
        key: `coverage ${path}`,
      });
    }
    return hits;
  },
});

function parseReport(text: string, root: string, name: string): Map<string, LineCounts> {
  const relativePath = (p: string) => (isAbsolute(p) ? relative(root, p) : p).split('\\').join('/');
  const files = new Map<string, LineCounts>();
  if (text.trimStart().startsWith('{')) {
    const json = JSON.parse(text) as Record<
      string,
      { path?: string; statementMap?: Record<string, { start: { line: number } }>; s?: Record<string, number> }
    >;
    for (const [key, entry] of Object.entries(json)) {
      if (entry.statementMap === undefined || entry.s === undefined)
        throw new Error(`${name} is not istanbul's coverage-final.json: ${key} has no statementMap`);
      const counts: LineCounts = new Map();
      // A line runs when any statement starting on it ran (istanbul's own line coverage).
      for (const [id, statement] of Object.entries(entry.statementMap))
        counts.set(statement.start.line, Math.max(counts.get(statement.start.line) ?? 0, entry.s[id] ?? 0));
      files.set(relativePath(entry.path ?? key), counts);
    }
    return files;
  }
  let current: LineCounts | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('SF:')) {
      current = new Map<number, number>();
      files.set(relativePath(line.slice(3)), current);
    } else if (line.startsWith('DA:') && current !== undefined) {
      const [at, count] = line.slice(3).split(',').map(Number);
      if (at !== undefined && count !== undefined) current.set(at, count);
    } else if (line === 'end_of_record') current = undefined;
  }
  if (files.size === 0) throw new Error(`${name} is neither istanbul JSON nor lcov: it names no source file`);
  return files;
}

function first(lines: ReadonlySet<number> | undefined): number | undefined {
  return lines === undefined || lines.size === 0 ? undefined : Math.min(...lines);
}

/** 3, 5-7, 9 */
function ranges(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (lines[j + 1] === (lines[j] ?? 0) + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
