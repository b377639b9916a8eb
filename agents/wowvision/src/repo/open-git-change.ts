import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBlobReader, runGit } from '#platform/git';
import { parseUnifiedDiff, type FileChange } from '../change/parse-diff.ts';
import { createError } from '../errors.ts';
import { gitBlobId } from './git-blob-id.ts';
import type { RepoSnapshot } from './repo-snapshot.ts';

export interface GitChange {
  snapshot: RepoSnapshot;
  changes: FileChange[];
  /** The merge base the change is measured from, or undefined when nothing is compared. */
  base: string | undefined;
  /** The head commit, or "working tree". */
  head: string;
  /** The repository's top folder and its git directory, both absolute. */
  root: string;
  gitDir: string;
  close(): void;
}

export interface GitChangeOptions {
  cwd: string;
  /** A ref; the change is measured from its merge base with head, as a pull request is. */
  base?: string;
  /** A ref; without one, the working tree (tracked and untracked, not ignored, files). */
  head?: string;
}

/**
 * A change of a local git repository: the CLI's and the Action's source. A warm review of
 * a small change is mostly git's start-up, so the commands that do not depend on each
 * other run at once: three rounds of processes, whatever the change.
 */
export async function openGitChange(options: GitChangeOptions): Promise<GitChange> {
  const { cwd } = options;
  const located = await runGit(cwd, ['rev-parse', '--absolute-git-dir', '--show-toplevel']).catch(() => {
    throw createError('WOW_ERR_VISION_NOT_A_REPO', { dir: cwd });
  });
  const [gitDir = '', top = ''] = located.trim().split('\n');
  const [headSha, base] = await Promise.all([
    options.head === undefined ? undefined : runGit(top, ['rev-parse', '--verify', `${options.head}^{commit}`]),
    options.base === undefined ? undefined : runGit(top, ['merge-base', options.base, options.head ?? 'HEAD']),
  ]).then((shas) => shas.map((sha) => sha?.trim()));
  const diffArgs = ['-c', 'core.quotePath=true', 'diff', '--no-color', '--no-ext-diff', '-M', '--unified=0'];
  if (headSha === undefined) {
    const [{ snapshot, untracked }, diff] = await Promise.all([
      readWorkingTree(top),
      base === undefined ? undefined : runGit(top, [...diffArgs, base]),
    ]);
    const changes = diff === undefined ? [] : parseUnifiedDiff(diff);
    if (base !== undefined) {
      // Untracked files are not in git diff; they are wholly new.
      for (const path of untracked) {
        if (!snapshot.blobs.has(path)) continue; // A symbolic link, left out above.
        const lines = (await snapshot.read(path)).split('\n').length;
        changes.push({
          path,
          status: 'added',
          addedLines: new Set(Array.from({ length: lines }, (_, i) => i + 1)),
          hunks: [{ start: 1, end: lines }],
        });
      }
    }
    return { snapshot, changes, base, head: 'working tree', root: top, gitDir, close: () => undefined };
  }
  const [tree, diff] = await Promise.all([
    runGit(top, ['ls-tree', '-r', '-z', '--full-tree', headSha]),
    base === undefined ? undefined : runGit(top, [...diffArgs, base, headSha]),
  ]);
  const blobs = new Map<string, string>();
  for (const entry of tree.split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (match !== null && match[1] !== '120000') blobs.set(match[3] ?? '', match[2] ?? '');
  }
  const reader = openBlobReader(top);
  const snapshot: RepoSnapshot = {
    blobs,
    async read(path) {
      const sha = blobs.get(path);
      if (sha === undefined) throw new Error(`${path} is not in ${headSha}`);
      return (await reader.read(sha)).toString('utf8');
    },
  };
  const changes = diff === undefined ? [] : parseUnifiedDiff(diff);
  return { snapshot, changes, base, head: headSha, root: top, gitDir, close: () => reader.close() };
}

/**
 * The working tree as a snapshot: tracked and untracked files, not ignored ones. Symbolic
 * links are left out, as a commit's snapshot leaves them: read through, one committed as
 * `leak -> ~/.aws/credentials` would put a file from outside the repository in the review.
 *
 * A tracked file git's index holds unchanged (by its stat data) has the index's blob id and
 * is read only when a rule asks for it: a warm review reads the few files its cache lacks,
 * not the whole tree. Changed and untracked files are read and hashed at once.
 */
export async function workingTreeSnapshot(top: string): Promise<RepoSnapshot> {
  return (await readWorkingTree(top)).snapshot;
}

/** The working tree's snapshot, and its untracked files (a change counts them as added). */
async function readWorkingTree(top: string): Promise<{ snapshot: RepoSnapshot; untracked: string[] }> {
  // One ls-files for the index, what changed since, what was deleted and what is untracked:
  // each git process costs a fork of this one, which is most of a warm review's git time.
  // With -t every entry is tagged: H in the index, C changed, R deleted, ? untracked.
  const entries = (
    await runGit(top, [
      'ls-files',
      '-z',
      '-t',
      '--stage',
      '--cached',
      '--modified',
      '--deleted',
      '--others',
      '--exclude-standard',
    ])
  ).split('\0');
  const untracked: string[] = [];
  const indexed = new Map<string, { mode: string; sha: string; stage: string }>();
  const gone = new Set<string>();
  const changed = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('? ')) {
      untracked.push(entry.slice(2));
      continue;
    }
    const match = /^([HCR]) (\d+) ([0-9a-f]+) (\d)\t(.+)$/s.exec(entry);
    if (match === null) continue;
    const [, tag, mode = '', sha = '', stage = '', path = ''] = match;
    if (tag === 'R') gone.add(path);
    else if (tag === 'C') changed.add(path);
    else indexed.set(path, { mode, sha, stage });
  }
  const clean = new Map<string, string>();
  const toRead = new Set(untracked);
  for (const [path, { mode, sha, stage }] of indexed) {
    // Symbolic links (120000) and submodules (160000) are not files of this repository.
    if (gone.has(path) || (mode !== '100644' && mode !== '100755')) continue;
    if (stage === '0' && !changed.has(path)) clean.set(path, sha);
    else toRead.add(path); // changed since it was staged, or in a merge conflict
  }
  const texts = new Map<string, Buffer>();
  await Promise.all(
    [...toRead].map(async (path) => {
      if ((await lstat(join(top, path)).catch(() => undefined))?.isFile() !== true) return;
      const content = await readFile(join(top, path)).catch(() => undefined);
      if (content !== undefined) texts.set(path, content);
    }),
  );
  const blobs = new Map(clean);
  for (const [path, content] of texts) blobs.set(path, gitBlobId(content));
  const snapshot: RepoSnapshot = {
    blobs,
    async read(path) {
      const content = texts.get(path);
      if (content !== undefined) return content.toString('utf8');
      if (!clean.has(path)) throw new Error(`${path} is not in the working tree`);
      return readFile(join(top, path), 'utf8');
    },
  };
  return { snapshot, untracked };
}
