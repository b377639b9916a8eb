import type { ImportEdge, ImportGraph } from '../kinds/rule-kind.ts';
import type { ReviewCache } from '../cache/review-cache.ts';
import type { RepoSnapshot } from '../repo/repo-snapshot.ts';
import { isSourceFile, parseImports, type WrittenImport } from './parse-imports.ts';
import { createResolver, isResolverConfig } from './resolve-imports.ts';

/** Bumped when parse-imports changes what it records, so old cache entries are ignored. */
const parserVersion = 3;

/**
 * The whole repository's import graph at head. Parsing is the cost, so each file's
 * imports are cached by blob id; resolution runs every time because it depends on which
 * other files exist.
 *
 * Files are parsed on this thread. Measured on the 2-core machine CI runs on, two worker
 * threads lost at every size tried: 527 files (vue core) 0.16-0.34 s here against 0.89-0.95 s,
 * 1,565 (vite) 0.38-0.54 s against 0.64-0.92 s, 6,260 and 12,520 (vite's files four and eight
 * times) 1.2 and 2.3 s against 1.6-2.3 and 3.4-4.1 s. oxc's lazy parse costs ~0.1 ms a file,
 * less than copying the texts to a worker, which also starts its own module graph (~0.5 s).
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
