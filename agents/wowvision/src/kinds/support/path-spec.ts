import { z } from 'zod';
import type { ImportEdge, ReviewView } from '../rule-kind.ts';
import { assertPatternValid, compilePattern, withCaptures } from './path-pattern.ts';

const glob = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      // Element names are checked against the pack's elements when the pack is loaded.
      if (!/^[a-z][\w-]*$/i.test(value)) assertPatternValid(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const globs = z.union([glob, z.array(glob).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Which files a rule looks at: an element name or glob, or `{ path, pathNot }`. */
export const fileSpec = z.union([
  globs.transform((path) => ({ path, pathNot: [] as string[] })),
  z.strictObject({ path: globs, pathNot: globs.default([]) }),
]);
export type FileSpec = z.output<typeof fileSpec>;

/** What an import points at: files (path/element), packages (external), and its kind. */
export const importTarget = z.union([
  globs.transform((path) => ({
    path,
    pathNot: [] as string[],
    external: undefined,
    typeOnly: undefined,
    dynamic: undefined,
  })),
  z.strictObject({
    path: globs.optional(),
    pathNot: globs.default([]),
    external: globs.optional().describe('package names, e.g. "lodash", "@aws-sdk/*", "node:*"'),
    typeOnly: z.boolean().optional(),
    dynamic: z.boolean().optional(),
  }),
]);
export type ImportTarget = z.output<typeof importTarget>;

/** The captures of the first matching pattern, or undefined when the file is not selected. */
export function matchFile(
  spec: FileSpec,
  path: string,
  view: Pick<ReviewView, 'pattern'>,
  captures: readonly string[] = [],
): readonly string[] | undefined {
  if (spec.pathNot.some((p) => compilePattern(withCaptures(view.pattern(p), captures)).match(path) !== undefined))
    return undefined;
  for (const p of spec.path) {
    const found = compilePattern(withCaptures(view.pattern(p), captures)).match(path);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function matchImport(
  target: ImportTarget,
  edge: ImportEdge,
  view: Pick<ReviewView, 'pattern'>,
  captures: readonly string[],
): boolean {
  if (target.typeOnly !== undefined && target.typeOnly !== edge.typeOnly) return false;
  if (target.dynamic !== undefined && target.dynamic !== edge.dynamic) return false;
  if (target.external !== undefined) {
    if (edge.external === undefined) return false;
    const name = edge.external;
    if (
      !target.external.some(
        (p) =>
          compilePattern(p).match(name) !== undefined ||
          compilePattern(p).match(name.replace(/^node:/, '')) !== undefined,
      )
    )
      return false;
  }
  if (target.path !== undefined) {
    if (edge.to === undefined) return false;
    if (matchFile({ path: target.path, pathNot: target.pathNot }, edge.to, view, captures) === undefined) return false;
  } else if (
    target.pathNot.length > 0 &&
    edge.to !== undefined &&
    matchFile({ path: ['**'], pathNot: target.pathNot }, edge.to, view, captures) === undefined
  )
    return false;
  return (
    target.path !== undefined ||
    target.external !== undefined ||
    target.typeOnly !== undefined ||
    target.dynamic !== undefined ||
    target.pathNot.length > 0
  );
}

export function describeEdge(edge: ImportEdge): string {
  const what = edge.typeOnly ? 'imports types from' : edge.dynamic ? 'loads' : edge.reexport ? 're-exports' : 'imports';
  const target = edge.to ?? edge.external ?? `unresolved "${edge.specifier}"`;
  return `${what} ${target}${edge.to !== undefined && edge.specifier !== edge.to ? ` ("${edge.specifier}")` : ''}`;
}
