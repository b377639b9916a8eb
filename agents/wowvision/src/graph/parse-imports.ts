import { parseSync, Visitor, type ParserOptions, type StaticExportEntry } from 'oxc-parser';

/** An import as written in one file, before resolution. */
export interface WrittenImport {
  specifier: string;
  line: number;
  column: number;
  typeOnly: boolean;
  dynamic: boolean;
  reexport: boolean;
}

export const sourceExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSourceFile(path: string): boolean {
  return sourceExtensions.some((ext) => path.endsWith(ext));
}

/**
 * Every import of a file: static imports and re-exports, `import x = require()`, and the
 * `import()` / `require()` calls and `import('…')` types with a literal argument.
 *
 * Parsed with oxc (native code) rather than the TypeScript compiler: this runs on every
 * file of a repository, and the graph needs only the module record oxc builds while it
 * parses. The full syntax tree is read (and turned into objects, the costly part) only for
 * a file whose text can hold a `require(` or `import(`, the forms the record leaves out.
 */
export function parseImports(path: string, text: string): WrittenImport[] {
  const result = parseSync(path, text, options(path));
  const lines = lineStarts(text);
  const at = (offset: number) => {
    const line = lastAtOrBefore(lines, offset);
    return { line: line + 1, column: offset - (lines[line] ?? 0) + 1 };
  };
  const found: WrittenImport[] = [];
  const { staticImports, staticExports, dynamicImports } = result.module;
  for (const s of staticImports) {
    const { value, start } = s.moduleRequest;
    // `import type …`, or named imports that are all `type`: TypeScript drops both.
    // `import './x'` (no entries) runs the module.
    const typeOnly = s.entries.length > 0 && s.entries.every((e) => e.isType);
    found.push({ specifier: value, ...at(start), typeOnly, dynamic: false, reexport: false });
  }
  // One `export … from` statement gives an entry per name; it is one import.
  const reexports = new Map<number, StaticExportEntry[]>();
  for (const s of staticExports)
    for (const e of s.entries) {
      // `import { x } from './a'; export { x }` gives an entry naming './a' too (an
      // indirect export, as the language defines it), written after its import; only
      // `export … from`, whose names come before the module they are from, re-exports.
      if (e.moduleRequest === null || e.start > e.moduleRequest.start) continue;
      const group = reexports.get(e.moduleRequest.start) ?? [];
      group.push(e);
      reexports.set(e.moduleRequest.start, group);
    }
  for (const [start, entries] of reexports) {
    const specifier = entries[0]?.moduleRequest?.value ?? '';
    found.push({ specifier, ...at(start), typeOnly: entries.every((e) => e.isType), dynamic: false, reexport: true });
  }
  const dynamicStarts = new Set<number>();
  for (const d of dynamicImports) {
    const specifier = literal(text.slice(d.moduleRequest.start, d.moduleRequest.end));
    if (specifier === undefined) continue;
    dynamicStarts.add(d.moduleRequest.start);
    found.push({ specifier, ...at(d.moduleRequest.start), typeOnly: false, dynamic: true, reexport: false });
  }
  if (text.includes('require(') || text.includes('require (') || /\bimport\s*\(/.test(text))
    for (const { offset, ...w } of fromSyntaxTree(result.program, dynamicStarts)) found.push({ ...w, ...at(offset) });
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

type Found = Omit<WrittenImport, 'line' | 'column'> & { offset: number };

/** `require('x')`, `import x = require('x')` and `import('x')` types, which the module record leaves out. */
function fromSyntaxTree(program: ReturnType<typeof parseSync>['program'], dynamicStarts: ReadonlySet<number>): Found[] {
  const found: Found[] = [];
  const stringArgument = (node: { type: string; value?: unknown; start: number } | undefined) =>
    node?.type === 'Literal' && typeof node.value === 'string' ? { value: node.value, start: node.start } : undefined;
  new Visitor({
    CallExpression(node) {
      const [arg] = node.arguments;
      const literalArg = stringArgument(arg);
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && literalArg !== undefined)
        found.push({
          specifier: literalArg.value,
          offset: literalArg.start,
          typeOnly: false,
          dynamic: true,
          reexport: false,
        });
    },
    TSImportEqualsDeclaration(node) {
      const ref = node.moduleReference;
      if (ref.type === 'TSExternalModuleReference')
        found.push({
          specifier: ref.expression.value,
          offset: ref.expression.start,
          typeOnly: node.importKind === 'type',
          dynamic: false,
          reexport: false,
        });
    },
    TSImportType(node) {
      const source = node.source as { value?: unknown; start: number } | undefined;
      if (typeof source?.value === 'string' && !dynamicStarts.has(source.start))
        found.push({ specifier: source.value, offset: source.start, typeOnly: true, dynamic: false, reexport: false });
    },
  }).visit(program);
  return found;
}

/** The text of a string literal without substitutions (`'x'`, `"x"`, `` `x` ``), or undefined. */
function literal(source: string): string | undefined {
  const match = /^(['"`])((?:(?!\1)[^\\$]|\$(?!\{))*)\1$/s.exec(source.trim());
  return match?.[2];
}

function options(path: string): ParserOptions {
  const lang = path.endsWith('.tsx')
    ? 'tsx'
    : path.endsWith('.jsx')
      ? 'jsx'
      : /\.[mc]?js$/.test(path)
        ? 'js'
        : path.endsWith('.d.ts')
          ? 'dts'
          : 'ts';
  // CommonJS files hold `require` calls, ES modules `import`s; a .js file can be either.
  return {
    lang,
    sourceType: path.endsWith('.cjs') || path.endsWith('.js') ? 'unambiguous' : 'module',
    preserveParens: false,
  };
}

/** The offset each line starts at. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
