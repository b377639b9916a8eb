import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import JSON5 from 'json5';

/** Where an import points: a file of the repository, a package, or nowhere. */
export interface Resolution {
  to: string | undefined;
  external: string | undefined;
}

/** The repository's configuration files that change how imports resolve. */
export interface ResolverInputs {
  files: ReadonlySet<string>;
  /** tsconfig*.json and package.json texts, by path. */
  configs: ReadonlyMap<string, string>;
}

interface PathAliases {
  /** Folder the alias targets are relative to. */
  base: string;
  aliases: { prefix: string; suffix: string; wildcard: boolean; targets: string[] }[];
}

const builtins = new Set(builtinModules);
const tryExtensions = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const emittedToSource: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export function isResolverConfig(path: string): boolean {
  const name = posix.basename(path);
  return name === 'package.json' || (name.startsWith('tsconfig') && name.endsWith('.json'));
}

/**
 * Resolves specifiers the way TypeScript with `moduleResolution: bundler | nodenext` does
 * for a repository's own files: relative paths with extension substitution and index
 * files, `paths` aliases of the nearest tsconfig.json (so each package of a monorepo
 * uses its own), subpath imports (`#name`) of the nearest package.json, and workspace
 * packages by their package.json name.
 */
export function createResolver(inputs: ResolverInputs): (from: string, specifier: string) => Resolution {
  const aliasesByDir = new Map<string, PathAliases | undefined>();
  const importsByDir = new Map<string, SubpathImports | undefined>();
  const workspaces = readWorkspaces(inputs.configs);

  // Each file is imported from many others under the same path: looked up once.
  const found = new Map<string, string | undefined>();
  const fileFor = (base: string): string | undefined => {
    if (found.has(base)) return found.get(base);
    const file = lookUp(base);
    found.set(base, file);
    return file;
  };
  const lookUp = (base: string): string | undefined => {
    if (inputs.files.has(base)) return base;
    const ext = posix.extname(base);
    for (const source of emittedToSource[ext] ?? []) {
      const candidate = base.slice(0, -ext.length) + source;
      if (inputs.files.has(candidate)) return candidate;
    }
    for (const extension of tryExtensions) if (inputs.files.has(base + extension)) return base + extension;
    for (const extension of tryExtensions)
      if (inputs.files.has(`${base}/index${extension}`)) return `${base}/index${extension}`;
    return undefined;
  };

  const aliasesFor = (dir: string): PathAliases | undefined => {
    if (aliasesByDir.has(dir)) return aliasesByDir.get(dir);
    const here = dir === '.' ? 'tsconfig.json' : `${dir}/tsconfig.json`;
    const found = inputs.configs.has(here)
      ? readAliases(here, inputs.configs)
      : dir === '.'
        ? undefined
        : aliasesFor(posix.dirname(dir));
    aliasesByDir.set(dir, found);
    return found;
  };

  const importsFor = (dir: string): SubpathImports | undefined => {
    if (importsByDir.has(dir)) return importsByDir.get(dir);
    const here = dir === '.' ? 'package.json' : `${dir}/package.json`;
    // Node stops at the nearest package.json, whether or not it has an "imports" field.
    const found = inputs.configs.has(here)
      ? readSubpathImports(dir, inputs.configs.get(here) ?? '')
      : dir === '.'
        ? undefined
        : importsFor(posix.dirname(dir));
    importsByDir.set(dir, found);
    return found;
  };

  const resolveSubpathImport = (from: string, specifier: string): string | undefined => {
    const imports = importsFor(posix.dirname(from));
    if (imports === undefined) return undefined;
    for (const entry of imports.entries) {
      const star = entry.wildcard
        ? specifier.startsWith(entry.prefix) && specifier.endsWith(entry.suffix)
          ? specifier.slice(entry.prefix.length, specifier.length - entry.suffix.length)
          : undefined
        : specifier === entry.prefix
          ? ''
          : undefined;
      if (star === undefined) continue;
      // A target that is not a path ("#x": "some-package") names a package: not a repository file.
      if (!entry.target.startsWith('./')) return undefined;
      return fileFor(posix.normalize(posix.join(imports.dir, entry.target.replace('*', star))));
    }
    return undefined;
  };

  return (from, specifier) => {
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      return { to: fileFor(posix.normalize(posix.join(posix.dirname(from), specifier))), external: undefined };
    }
    if (specifier.startsWith('/')) return { to: undefined, external: undefined };
    const aliases = aliasesFor(posix.dirname(from));
    if (aliases !== undefined) {
      const aliased = resolveAlias(aliases, specifier, fileFor);
      if (aliased !== undefined) return { to: aliased, external: undefined };
    }
    // TypeScript tries `paths` first, then the package.json's subpath imports.
    if (specifier.startsWith('#')) return { to: resolveSubpathImport(from, specifier), external: undefined };
    const name = packageName(specifier);
    const workspace = workspaces.get(name);
    if (workspace !== undefined) {
      const sub = specifier.slice(name.length).replace(/^\//, '');
      const to =
        sub === ''
          ? workspace.entries.map((e) => fileFor(posix.join(workspace.dir, e))).find((f) => f !== undefined)
          : fileFor(posix.join(workspace.dir, sub));
      if (to !== undefined) return { to, external: undefined };
    }
    if (specifier.startsWith('node:') || builtins.has(name))
      return { to: undefined, external: name.startsWith('node:') ? name : `node:${name}` };
    return { to: undefined, external: name };
  };
}

/** "@scope/pkg/sub" → "@scope/pkg"; "pkg/sub" → "pkg". */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function resolveAlias(
  aliases: PathAliases,
  specifier: string,
  fileFor: (base: string) => string | undefined,
): string | undefined {
  // TypeScript picks the matching pattern with the longest prefix.
  const matching = aliases.aliases
    .filter((a) =>
      a.wildcard
        ? specifier.startsWith(a.prefix) &&
          specifier.endsWith(a.suffix) &&
          specifier.length >= a.prefix.length + a.suffix.length
        : specifier === a.prefix,
    )
    .sort((a, b) => b.prefix.length - a.prefix.length);
  for (const alias of matching) {
    const star = alias.wildcard ? specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length) : '';
    for (const target of alias.targets) {
      const to = fileFor(posix.normalize(posix.join(aliases.base, target.replace('*', star))));
      if (to !== undefined) return to;
    }
  }
  return undefined;
}

/** `paths` and `baseUrl` of a tsconfig, following relative `extends`. */
function readAliases(
  path: string,
  configs: ReadonlyMap<string, string>,
  seen = new Set<string>(),
): PathAliases | undefined {
  if (seen.has(path)) return undefined;
  seen.add(path);
  const text = configs.get(path);
  if (text === undefined) return undefined;
  const config = parseTsconfig(text);
  const dir = posix.dirname(path);
  const parents = (Array.isArray(config?.extends) ? config.extends : [config?.extends]).filter(
    (e): e is string => typeof e === 'string' && e.startsWith('.'),
  );
  let inherited: PathAliases | undefined;
  for (const parent of parents) {
    const parentPath = posix.normalize(posix.join(dir, parent.endsWith('.json') ? parent : `${parent}.json`));
    inherited = readAliases(parentPath, configs, seen) ?? inherited;
  }
  const options = config?.compilerOptions;
  const baseUrl = typeof options?.baseUrl === 'string' ? posix.normalize(posix.join(dir, options.baseUrl)) : undefined;
  const paths = options?.paths;
  if (paths === null || typeof paths !== 'object')
    return inherited === undefined || baseUrl === undefined ? inherited : { ...inherited, base: baseUrl };
  const aliases = Object.entries(paths as Record<string, unknown>).map(([key, targets]) => {
    const star = key.indexOf('*');
    return {
      prefix: star === -1 ? key : key.slice(0, star),
      suffix: star === -1 ? '' : key.slice(star + 1),
      wildcard: star !== -1,
      targets: Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : [],
    };
  });
  return { base: baseUrl ?? dir, aliases };
}

interface SubpathImports {
  /** The folder of the package.json; targets are relative to it. */
  dir: string;
  /** Exact keys first, then patterns by longest prefix, as Node matches them. */
  entries: { prefix: string; suffix: string; wildcard: boolean; target: string }[];
}

/** A package.json's "imports" field; conditional targets take the first of types, import, node, default. */
function readSubpathImports(dir: string, text: string): SubpathImports | undefined {
  let imports: unknown;
  try {
    imports = (JSON.parse(text) as { imports?: unknown }).imports;
  } catch {
    return undefined;
  }
  if (imports === null || typeof imports !== 'object') return { dir, entries: [] };
  const entries = Object.entries(imports as Record<string, unknown>).flatMap(([key, value]) => {
    const target = pickTarget(value);
    if (target === undefined || !key.startsWith('#')) return [];
    const star = key.indexOf('*');
    return [
      {
        prefix: star === -1 ? key : key.slice(0, star),
        suffix: star === -1 ? '' : key.slice(star + 1),
        wildcard: star !== -1,
        target,
      },
    ];
  });
  entries.sort((a, b) => Number(a.wildcard) - Number(b.wildcard) || b.prefix.length - a.prefix.length);
  return { dir, entries };
}

function pickTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(pickTarget).find((t) => t !== undefined);
  if (value === null || typeof value !== 'object') return undefined;
  const conditions = value as Record<string, unknown>;
  for (const condition of ['types', 'import', 'node', 'default'])
    if (condition in conditions) return pickTarget(conditions[condition]);
  return undefined;
}

interface Workspace {
  dir: string;
  entries: string[];
}

function readWorkspaces(configs: ReadonlyMap<string, string>): Map<string, Workspace> {
  const workspaces = new Map<string, Workspace>();
  for (const [path, text] of configs) {
    if (posix.basename(path) !== 'package.json' || path.includes('node_modules/')) continue;
    try {
      const pkg = JSON.parse(text) as { name?: unknown; main?: unknown; types?: unknown; exports?: unknown };
      if (typeof pkg.name !== 'string') continue;
      const dotExport = typeof pkg.exports === 'string' ? pkg.exports : undefined;
      const entries = [dotExport, pkg.types, pkg.main, 'src/index', 'index'].filter(
        (e): e is string => typeof e === 'string',
      );
      workspaces.set(pkg.name, { dir: posix.dirname(path), entries });
    } catch {
      // A broken package.json is the package manager's problem; the imports stay external.
    }
  }
  return workspaces;
}

/**
 * A tsconfig's text, read as TypeScript reads it (comments and trailing commas allowed),
 * with JSON5 rather than the compiler: the graph must not load TypeScript. A file that
 * does not parse counts as empty, as TypeScript's own reader would leave it.
 */
function parseTsconfig(
  text: string,
): { extends?: unknown; compilerOptions?: { paths?: unknown; baseUrl?: unknown } } | undefined {
  try {
    const parsed: unknown = JSON5.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
