import { posix } from 'node:path';
import { parseManifest } from '../agent/load-manifests.ts';
import { createError } from '../errors/errors.ts';
import { openBlobReader, runGit } from '../git/run-git.ts';
import type { AgentRelease, ReleaseFile } from './agent-release.ts';

export interface ReadReleaseOptions {
  repoRoot: string;
  /** The agents folder relative to the repository root, `agents` by default. */
  agentsPath: string;
  id: string;
  /** The commit (or any revision) to deploy from. */
  ref: string;
}

/**
 * Reads `agents/<id>` as committed at `ref`, never the working tree: what is deployed is
 * exactly what was reviewed and merged. The manifest is validated on the way.
 */
export async function readAgentRelease(opts: ReadReleaseOptions): Promise<AgentRelease> {
  const { repoRoot, id } = opts;
  const folder = posix.join(opts.agentsPath, id);
  const commit = (
    await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', `${opts.ref}^{commit}`]).catch(() => '')
  ).trim();
  if (commit === '')
    throw createError('WOW_ERR_DEPLOY', {
      agent: id,
      problem: `"${opts.ref}" is not a commit of the repository in ${repoRoot}`,
    });
  const treeHash = (
    await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', `${commit}:${folder}`]).catch(() => '')
  ).trim();
  if (treeHash === '')
    throw createError('WOW_ERR_DEPLOY', {
      agent: id,
      problem: `${folder}/ does not exist at ${commit.slice(0, 12)}; deploy agents after their folder is committed`,
    });

  const entries = (await runGit(repoRoot, ['ls-tree', '-r', '-z', treeHash]))
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      const [mode = '', type = '', sha = ''] = meta.split(' ');
      return { mode, type, sha, path };
    });
  const reader = openBlobReader(repoRoot);
  let files: ReleaseFile[];
  try {
    // Submodules (type commit) have no content here; an agent folder should not hold one.
    files = await Promise.all(
      entries
        .filter((e) => e.type === 'blob')
        .map(async (e) => ({ path: e.path, mode: e.mode, content: (await reader.read(e.sha)).toString('base64') })),
    );
  } finally {
    reader.close();
  }

  const manifestFile = files.find((f) => f.path === 'agent.yml');
  if (manifestFile === undefined)
    throw createError('WOW_ERR_DEPLOY', {
      agent: id,
      problem: `${folder}/agent.yml is missing at ${commit.slice(0, 12)}; only agents can be deployed`,
    });
  const parsed = parseManifest(
    Buffer.from(manifestFile.content, 'base64').toString('utf8'),
    `${folder}/agent.yml@${commit.slice(0, 12)}`,
    id,
  );
  if ('problems' in parsed)
    throw createError('WOW_ERR_DEPLOY', {
      agent: id,
      problem: `its manifest is invalid:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
    });
  return { agentId: id, treeHash, commit, manifest: parsed.manifest, files };
}
