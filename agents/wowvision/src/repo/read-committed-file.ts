import { runGit } from '#platform/git';

/**
 * The text of the file at `path` in `commit`, or undefined when the commit holds no file
 * there (nothing, or a folder). The path is taken as it is spelt: `git show <commit>:<path>`
 * reads a missing path with `*` or `[` as a pathspec, matches nothing and exits 0 with no
 * output, so a missing rule pack would read as an empty one and pass every change.
 * `git ls-tree` compares paths literally (with magic pathspecs off), and only an entry
 * that is exactly `path` counts, so the answer never depends on parsing git's messages.
 */
export async function readCommittedFile(root: string, commit: string, path: string): Promise<string | undefined> {
  // A tree holds no entry named "", "." or "..", so such a path (or an absolute one) names no file of the commit.
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  const listing = await runGit(root, ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', commit, '--', path]);
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    const [, type, object] = entry.slice(0, tab).split(' ');
    if (tab !== -1 && entry.slice(tab + 1) === path && type === 'blob' && object !== undefined)
      return runGit(root, ['cat-file', 'blob', object]);
  }
  return undefined;
}
