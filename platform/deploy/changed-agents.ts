import { posix } from 'node:path';
import { createError } from '../errors/errors.ts';
import { runGit } from '../git/run-git.ts';

export interface ChangedAgents {
  /** Agents (folders with an agent.yml at `ref`) with any file changed, sorted. */
  ids: string[];
  /** Changed folders under the agents folder that are not agents, e.g. the runtime, which needs a restart rather than a deploy. */
  others: string[];
}

const noCommit = /^0+$/;

/**
 * What a push changed under the agents folder, from `since` to `ref`. Without `since`
 * (a new branch: GitHub sends 000…0 as `before`), every agent at `ref` counts as changed.
 */
export async function changedAgents(opts: {
  repoRoot: string;
  agentsPath: string;
  since: string | undefined;
  ref: string;
}): Promise<ChangedAgents> {
  const { repoRoot, agentsPath, ref } = opts;
  for (const rev of [opts.since, ref]) {
    if (rev === undefined || noCommit.test(rev)) continue;
    await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => {
      throw createError('WOW_ERR_GIT_REVISION', {
        rev,
        repo: repoRoot,
        hint: 'a shallow checkout lacks the history; check out with fetch-depth: 0',
      });
    });
  }
  const prefix = agentsPath.replace(/\/$/, '') + '/';
  const paths =
    opts.since === undefined || noCommit.test(opts.since)
      ? await runGit(repoRoot, ['ls-tree', '-r', '-z', '--name-only', ref, '--', prefix])
      : await runGit(repoRoot, ['diff', '--name-only', '-z', opts.since, ref, '--', prefix]);
  const folders = new Set(
    paths
      .split('\0')
      .filter((p) => p.startsWith(prefix) && p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length).split('/')[0] ?? ''),
  );
  const ids: string[] = [];
  const others: string[] = [];
  for (const folder of [...folders].sort()) {
    const exists = (path: string) =>
      runGit(repoRoot, ['cat-file', '-t', `${ref}:${path}`]).then(
        () => true,
        () => false,
      );
    if (await exists(posix.join(prefix, folder, 'agent.yml'))) ids.push(folder);
    else if (await exists(posix.join(prefix, folder))) others.push(folder);
    // A folder gone at `ref` was removed; retiring an agent is not a deploy.
  }
  return { ids, others };
}
