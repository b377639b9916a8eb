import type { ImportEdge, ImportGraph } from '../kinds/rule-kind.ts';
import type { ReviewCache } from '../cache/review-cache.ts';
import type { RepoSnapshot } from '../repo/repo-snapshot.ts';
import { isSourceFile, parseImports, type WrittenImport } from './parse-imports.ts';
import { createResolver, isResolverConfig } from './resolve-imports.ts';

/** Bumped when parse-imports changes what it records, so old cache entries are ignored. */
const parserVersion = 2;

/**
 * The whole repository's import graph at head. Parsing is the cost, so each file's
 * imports are cached by blob id; resolution runs every time because it depends on which
 * other files exist.
 */
export async function buildImportGraph(
  snapshot: RepoSnapshot,
  cache: ReviewCache,
): Promise<ImportGraph & { parsedFiles: number }> {
  const files = new Set(snapshot.blobs.keys());
  const modules = [...files].filter((p) => isSourceFile(p) && !p.includes('node_modules/')).sort();
  const configs = new Map<string, string>();
  const written = new Map<string, WrittenImport[]>();
  let parsedFiles = 0;
  await Promise.all([
    ...[...files].filter(isResolverConfig).map(async (path) => void configs.set(path, await snapshot.read(path))),
    ...modules.map(async (path) => {
      const key = `imports:${parserVersion}:${snapshot.blobs.get(path) ?? ''}:${path.slice(path.lastIndexOf('.'))}`;
      let imports = cache.get(key) as WrittenImport[] | undefined;
      if (imports === undefined) {
        imports = parseImports(path, await snapshot.read(path));
        parsedFiles++;
        cache.set(key, imports);
      }
      written.set(path, imports);
    }),
  ]);
  const resolve = createResolver({ files, configs });
  const edges = new Map<string, ImportEdge[]>();
  for (const from of modules) {
    edges.set(
      from,
      (written.get(from) ?? []).map((w) => ({ from, ...w, ...resolve(from, w.specifier) })),
    );
  }
  return { modules, edgesOf: (path) => edges.get(path) ?? [], parsedFiles };
}
