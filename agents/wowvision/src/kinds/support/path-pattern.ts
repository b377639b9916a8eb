/**
 * Path patterns of rule packs: globs over repository-relative paths with "/" separators.
 * `*` matches within one folder, `**` across folders, `{a,b}` either, and `( … )` captures
 * for `$1`, `$2` … in a later pattern of the same rule (peer folders that must not import
 * each other: from `agents/(*)/**` to `agents/*\/**` but not `agents/$1/**`).
 * A pattern ending in "/" names a folder.
 */
export interface PathPattern {
  readonly source: string;
  /** The captures when `path` matches, or undefined. */
  match(path: string): readonly string[] | undefined;
}

const cache = new Map<string, PathPattern>();

export function compilePattern(glob: string): PathPattern {
  let pattern = cache.get(glob);
  if (pattern === undefined) {
    const regex = new RegExp(`^${globToRegex(glob)}$`);
    pattern = {
      source: glob,
      match(path) {
        const m = regex.exec(path);
        return m === null ? undefined : m.slice(1).map((c) => c ?? '');
      },
    };
    cache.set(glob, pattern);
  }
  return pattern;
}

/** Replaces `$1`… with earlier captures, escaped so they match literally. */
export function withCaptures(glob: string, captures: readonly string[]): string {
  return glob.replace(/\$(\d)/g, (whole, n: string) => {
    const value = captures[Number(n) - 1];
    return value === undefined ? whole : value.replace(/[*?{}(),[\]\\]/g, '\\$&');
  });
}

/** Throws a message a rule author can act on when the glob cannot be compiled. */
export function assertPatternValid(glob: string): void {
  if (glob.startsWith('/') || glob.startsWith('./'))
    throw new Error(`"${glob}": patterns are relative to the repository root, without a leading "/" or "./"`);
  let depth = 0;
  for (const ch of glob) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) break;
  }
  if (depth !== 0) throw new Error(`"${glob}": unbalanced parentheses`);
  new RegExp(globToRegex(glob));
}

function globToRegex(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '\\') {
      out += escape(glob[++i] ?? '');
    } else if (ch === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      const atStart = i === 0 || glob[i - 1] === '/';
      if (atStart && slashAfter) {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (ch === '*') {
      // A whole segment ("agents/*/") names a folder: it is never empty.
      const before = glob.slice(0, i).replace(/\($/, '');
      const after = glob.slice(i + 1).replace(/^\)/, '');
      out += (before === '' || before.endsWith('/')) && (after === '' || after.startsWith('/')) ? '[^/]+' : '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '(') out += '(';
    else if (ch === ')') out += ')';
    else if (ch === '{') {
      braces++;
      out += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (ch === ',' && braces > 0) out += '|';
    else out += escape(ch);
  }
  // "folder/" names the folder; "folder/**" also matches the folder itself.
  if (glob.endsWith('/')) out = out.slice(0, -1) + '/?';
  return out;
}

function escape(ch: string): string {
  return /[.+^$|[\]\\(){}*?]/.test(ch) ? `\\${ch}` : ch;
}
