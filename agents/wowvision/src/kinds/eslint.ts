import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint as ESLintClass } from 'eslint';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

const lintable = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

/**
 * The reviewed repository's own ESLint, with its own config, on the files in scope; its
 * messages become findings (ESLint warnings stay warnings). The repository's installed
 * ESLint is preferred, so its plugins load against the version they were written for.
 * Loading the config runs the head's code: a tool kind, so only on trusted code and in a
 * process of its own (agents/wowvision/src/engine/run-tool-kind.ts).
 */
export const eslint = defineKind({
  name: 'eslint',
  summary: "ESLint's messages on the changed files, run with the repository's own config.",
  defaultScope: 'changed',
  options: z.strictObject({
    paths: fileSpec.default({ path: lintable, pathNot: [] }),
    config: z.string().min(1).optional().describe('a config file instead of the eslint.config.* ESLint finds'),
  }),
  async checkCheckout(options, view) {
    const root = view.root;
    const files = view.targets.filter((p) => matchFile(options.paths, p, view) !== undefined);
    if (files.length === 0) return [];
    const linter = await loadESLint(root, options.config);
    const hits: Hit[] = [];
    for (const path of files) {
      let results: ESLintClass.LintResult[];
      try {
        results = await linter.lintText(await view.read(path), { filePath: join(root, path), warnIgnored: false });
      } catch (err) {
        // A config that does not load fails every file the same way: say it once.
        return [
          {
            path,
            line: 1,
            column: 1,
            message: `ESLint could not run: ${(err as Error).message.split('\n')[0] ?? ''}`,
            key: 'eslint could not run',
          },
        ];
      }
      for (const m of results.flatMap((r) => r.messages)) {
        hits.push({
          path,
          line: Math.max(1, m.line),
          column: Math.max(1, m.column),
          ...(m.endLine === undefined ? {} : { endLine: m.endLine }),
          ...(m.endColumn === undefined || (m.endLine ?? m.line) !== m.line ? {} : { endColumn: m.endColumn }),
          message: `${m.message} (${m.ruleId ?? (m.fatal === true ? 'parse error' : 'eslint')})`,
          ...(m.severity === 1 ? { severity: 'warning' as const } : {}),
          key: `${m.ruleId ?? 'fatal'}: ${m.message}`,
        });
      }
    }
    return hits;
  },
});

/** The repository's ESLint when it has one installed, else WowVision's own. */
async function loadESLint(root: string, config: string | undefined): Promise<ESLintClass> {
  let module: typeof import('eslint');
  try {
    const local = createRequire(join(root, 'package.json')).resolve('eslint');
    module = (await import(pathToFileURL(local).href)) as typeof import('eslint');
  } catch {
    module = await import('eslint');
  }
  return new module.ESLint({ cwd: root, ...(config === undefined ? {} : { overrideConfigFile: join(root, config) }) });
}
