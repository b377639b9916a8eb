import { statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface TypeProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

// The checkout's own files (the platform, node_modules' types, TypeScript's libs) parsed
// once per process, as TypeScript's language service keeps them: a check reuses a parse
// while the file's size, mtime and ctime (to the nanosecond) are unchanged, so each
// generated agent after the first costs its checking, not a reparse (3 s to 0.5 s here).
// Kept for the last two checkouts, and only while checks keep coming: bound, this
// repository's ~1,750 files hold ~530 MB of heap, which an idle Factory has no use for and
// which made every later child process of the same process slower to start (fork copies
// the page tables of all of it: ~30 ms a spawn at 1.3 GB here).
interface Parsed {
  stamp: string;
  sf: ts.SourceFile;
}
const parsedByRoot = new Map<string, Map<string, Parsed>>();

const stampOf = (path: string) => {
  // TypeScript's compiler host asks for files synchronously; a stat is cheaper than the read it replaces.
  // wowvision-disable-next-line no-blocking-io-in-agents -- the compiler host is synchronous
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st === undefined ? undefined : `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
};

/** How long the parses are kept after the last check: a burst of checks (a matrix of plans, a regen of every agent) parses once. */
export const parsedIdleMs = 15_000;
let idleRelease: NodeJS.Timeout | undefined;

/** How many checkouts' parses are held now. */
export function parsedCheckouts(): number {
  return parsedByRoot.size;
}

/** Counted from the end of each check, so that a slow check does not use up the window. */
function releaseWhenIdle(): void {
  clearTimeout(idleRelease);
  // Unref'd: the parses never keep a process alive.
  idleRelease = setTimeout(() => parsedByRoot.clear(), parsedIdleMs).unref();
}

function parsedIn(root: string): Map<string, Parsed> {
  const parsed = parsedByRoot.get(root) ?? new Map<string, Parsed>();
  parsedByRoot.delete(root);
  parsedByRoot.set(root, parsed);
  for (const old of [...parsedByRoot.keys()].slice(0, -2)) parsedByRoot.delete(old);
  return parsed;
}

/**
 * Type errors in `files` (repository paths → text) as if they were written into the
 * checkout at `root`, judged by its tsconfig.json: generated code is checked before
 * anything is written or pushed. The files stay in memory; only their own errors count.
 */
export function typecheckFiles(root: string, files: ReadonlyMap<string, string>): TypeProblem[] {
  const overlay = new Map(
    [...files].filter(([path]) => /\.(m|c)?tsx?$/.test(path)).map(([path, text]) => [resolve(root, path), text]),
  );
  if (overlay.size === 0) return [];
  const configFile = ts.findConfigFile(root, (p) => ts.sys.fileExists(p), 'tsconfig.json');
  const config = configFile === undefined ? undefined : ts.readConfigFile(configFile, (p) => ts.sys.readFile(p));
  const options = {
    ...ts.parseJsonConfigFileContent(
      config?.config ?? { compilerOptions: { strict: true, module: 'nodenext' } },
      ts.sys,
      root,
    ).options,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (p) => overlay.has(resolve(p)) || fileExists(p);
  // A new agent's folders exist only in memory too: module resolution asks for them before their files.
  const folders = new Set([...overlay.keys()].flatMap((p) => ancestors(p)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (p) => folders.has(resolve(p)) || (directoryExists?.(p) ?? true);
  host.readFile = (p) => overlay.get(resolve(p)) ?? readFile(p);
  const getSourceFile = host.getSourceFile.bind(host);
  const parsed = parsedIn(resolve(root));
  host.getSourceFile = (p, languageVersion, onError) => {
    const path = resolve(p);
    if (overlay.has(path)) return getSourceFile(p, languageVersion, onError);
    const stamp = stampOf(path);
    if (stamp === undefined) return undefined;
    const key = `${path}\0${JSON.stringify(languageVersion)}`;
    const cached = parsed.get(key);
    if (cached?.stamp === stamp) return cached.sf;
    const text = readFile(p);
    if (text === undefined) return undefined;
    const sf = ts.createSourceFile(p, text, languageVersion);
    parsed.set(key, { stamp, sf });
    return sf;
  };
  try {
    return problemsIn(ts.createProgram({ rootNames: [...overlay.keys()], options, host }), root, overlay.keys());
  } finally {
    releaseWhenIdle();
  }
}

function problemsIn(program: ts.Program, root: string, paths: Iterable<string>): TypeProblem[] {
  const problems: TypeProblem[] = [];
  for (const path of paths) {
    const sf = program.getSourceFile(path);
    if (sf === undefined) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push({
        path: path
          .slice(resolve(root).length + 1)
          .split(sep)
          .join('/'),
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  return problems;
}

/** Every folder above a path, up to the root. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(path); !out.includes(dir) && dir !== dirname(dir); dir = dirname(dir)) out.push(dir);
  return out;
}
