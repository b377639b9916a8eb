import { posix } from 'node:path';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';
import { typescriptSource } from './support/load-typescript.ts';

const styles = {
  'kebab-case': /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  camelCase: /^[a-z][a-zA-Z0-9]*$/,
  PascalCase: /^[A-Z][a-zA-Z0-9]*$/,
  snake_case: /^[a-z0-9]+(?:_[a-z0-9]+)*$/,
  UPPER_CASE: /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/,
} as const;

const style = z.union([
  z.enum(Object.keys(styles) as [keyof typeof styles, ...(keyof typeof styles)[]]),
  z.string().regex(/^\/.+\/$/, {
    message: 'expected kebab-case, camelCase, PascalCase, snake_case, UPPER_CASE or a /regular expression/',
  }),
]);

function test(styleName: string, name: string): boolean {
  const known = styles[styleName as keyof typeof styles] as RegExp | undefined;
  return (known ?? new RegExp(styleName.slice(1, -1))).test(name);
}

/**
 * Names of files (the part before the first dot), of the folders below the pattern's
 * fixed prefix, and of exported functions, classes, constants and types.
 */
export const naming = defineKind({
  name: 'naming',
  summary: 'File, folder and exported names that break the naming convention.',
  defaultScope: 'file',
  options: z.strictObject({
    paths: fileSpec,
    file: style.optional(),
    folder: style.optional(),
    exports: z
      .strictObject({
        function: style.optional(),
        class: style.optional(),
        const: style.optional(),
        type: style.optional(),
      })
      .optional(),
  }),
  async checkFile(options, file, view) {
    if (matchFile(options.paths, file.path, view) === undefined) return [];
    const hits: Hit[] = [];
    const at = { path: file.path, line: 1, column: 1 };
    const name = posix.basename(file.path).replace(/\..*$/, '');
    if (options.file !== undefined && !test(options.file, name))
      hits.push({ ...at, message: `file name "${name}" is not ${options.file}`, key: `file ${file.path}` });
    if (options.folder !== undefined) {
      const fixed =
        (
          options.paths.path
            .map((p) => view.pattern(p))
            .find((p) => matchFile({ path: [p], pathNot: [] }, file.path, view)) ?? ''
        ).split(/[*({?]/)[0] ?? '';
      for (const folder of posix
        .dirname(file.path)
        .slice(posix.dirname(`${fixed}x`).length)
        .split('/')
        .filter(Boolean)) {
        if (!test(options.folder, folder))
          hits.push({ ...at, message: `folder name "${folder}" is not ${options.folder}`, key: `folder ${folder}` });
      }
    }
    if (options.exports !== undefined && /\.[mc]?[jt]sx?$/.test(file.path)) {
      const { exportedNames } = await typescriptSource();
      for (const exported of exportedNames(file)) {
        const wanted = options.exports[exported.kind];
        if (wanted !== undefined && !test(wanted, exported.name))
          hits.push({
            path: file.path,
            line: exported.line,
            column: exported.column,
            message: `exported ${exported.kind} "${exported.name}" is not ${wanted}`,
            key: `export ${exported.name}`,
          });
      }
    }
    return hits;
  },
});
