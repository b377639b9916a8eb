import type { ChangedFile } from '../kinds/rule-kind.ts';

/** A changed file with the new-side line ranges of its hunks, for review comments. */
export interface FileChange extends ChangedFile {
  /** Inclusive new-side ranges a review comment may anchor to. */
  hunks: { start: number; end: number }[];
  previousPath?: string;
}

/** Added lines and hunk ranges of one file's patch (the body after the `+++` line). */
export function parsePatch(patch: string): Pick<FileChange, 'addedLines' | 'hunks'> {
  const addedLines = new Set<number>();
  const hunks: FileChange['hunks'] = [];
  let line = 0;
  for (const raw of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(raw);
    if (header !== null) {
      line = Number(header[1]);
      const count = header[2] === undefined ? 1 : Number(header[2]);
      if (count > 0) hunks.push({ start: line, end: line + count - 1 });
      continue;
    }
    if (raw.startsWith('+')) addedLines.add(line++);
    else if (raw.startsWith(' ')) line++;
    // '-' lines and "\ No newline at end of file" do not exist on the new side.
  }
  return { addedLines, hunks };
}

/** `git diff` output (any context size, renames detected) → the files it changes. */
export function parseUnifiedDiff(diff: string): FileChange[] {
  const files: FileChange[] = [];
  for (const section of diff.split(/^(?=diff --git )/m)) {
    if (!section.startsWith('diff --git ')) continue;
    const bodyAt = section.search(/^@@ /m);
    const head = bodyAt === -1 ? section : section.slice(0, bodyAt);
    const oldPath = /^--- (?:a\/)?(.+)$/m.exec(head)?.[1];
    const newPath = /^\+\+\+ (?:b\/)?(.+)$/m.exec(head)?.[1];
    const renameFrom = /^rename from (.+)$/m.exec(head)?.[1];
    const renameTo = /^rename to (.+)$/m.exec(head)?.[1];
    const gitLine = /^diff --git a\/(.+) b\/(.+)$/m.exec(head);
    const status: FileChange['status'] = /^new file mode/m.test(head)
      ? 'added'
      : /^deleted file mode/m.test(head)
        ? 'removed'
        : renameTo !== undefined
          ? 'renamed'
          : 'modified';
    const path = unquote(
      status === 'removed'
        ? (oldPath ?? gitLine?.[1])
        : (renameTo ?? (newPath !== '/dev/null' ? newPath : undefined) ?? gitLine?.[2]),
    );
    if (path === undefined) continue;
    const { addedLines, hunks } =
      bodyAt === -1 ? { addedLines: new Set<number>(), hunks: [] } : parsePatch(section.slice(bodyAt));
    const change: FileChange = { path, status, addedLines, hunks };
    if (renameFrom !== undefined) change.previousPath = unquote(renameFrom);
    files.push(change);
  }
  return files;
}

/** git quotes paths with unusual characters: "a/caf\303\251.ts". */
function unquote(path: string | undefined): string | undefined {
  if (path === undefined || !path.startsWith('"')) return path?.replace(/\t$/, '');
  const bytes: number[] = [];
  const inner = path.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] ?? '';
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch));
      continue;
    }
    const next = inner[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(inner.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes)
    .toString('utf8')
    .replace(/^[ab]\//, '');
}
