import { runGit } from '#platform/git';

/**
 * Makes `shas` and the history between them present in a local clone. CI checkouts are
 * shallow (actions/checkout fetches one commit), so a merge base cannot be found without
 * this. Returns what it fetched, for the log.
 */
export async function fetchMissingCommits(cwd: string, shas: readonly string[], remote = 'origin'): Promise<string[]> {
  const missing: string[] = [];
  for (const sha of shas) {
    if (
      !(await runGit(cwd, ['cat-file', '-e', `${sha}^{commit}`]).then(
        () => true,
        () => false,
      ))
    )
      missing.push(sha);
  }
  const shallow = (await runGit(cwd, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  if (missing.length === 0 && !shallow) return [];
  await runGit(cwd, ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--unshallow'] : []), remote, ...shas]);
  return shallow ? [...shas, '(full history)'] : missing;
}
