import { z } from 'zod';
import { defineKind } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

import { checks } from './support/typescript-checks.ts';

/**
 * TypeScript checks that need the syntax tree: no explicit `any` in what a module
 * exports, explicit return types on exported functions, and no synchronous file-system or
 * child-process calls (they stall every handler sharing the event loop).
 */
export const typescript = defineKind({
  name: 'typescript',
  summary: 'Exported signatures with `any` or without return types; blocking fs / child_process calls.',
  defaultScope: 'changed',
  options: z.strictObject({
    paths: fileSpec,
    checks: z
      .array(z.enum(checks))
      .min(1)
      .default([...checks]),
  }),
  async checkFile(options, file, view) {
    if (
      !/\.[mc]?tsx?$/.test(file.path) ||
      file.path.endsWith('.d.ts') ||
      matchFile(options.paths, file.path, view) === undefined
    )
      return [];
    // Loaded here, with the compiler it needs, only when a rule of this kind runs.
    const { checkTypescriptFile } = await import('./support/check-typescript-file.ts');
    return checkTypescriptFile(file, new Set(options.checks));
  },
});
