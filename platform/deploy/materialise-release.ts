import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { AgentRelease } from './agent-release.ts';

export interface MaterialiseOptions {
  /** Where versions are written: `<releasesDir>/<agent>/<tree hash>/`. */
  releasesDir: string;
  /** The runtime's own agents folder; its parent is the checkout the release is laid over. */
  agentsDir: string;
  release: AgentRelease;
}

/**
 * Writes a deployed version where it can run: a copy of the runtime's checkout made of
 * symbolic links, with only this agent's folder real. The agent's relative imports
 * (`#platform` through the checkout's package.json, sibling agents, templates) and its packages resolve as
 * they did in the repository, and through the links to the very modules the host already
 * loaded, so there is one runtime in the process. The folder is named by the tree hash,
 * so a new version is a new module URL and never a stale cached one. Returns the agent's folder.
 */
export async function materialiseRelease(opts: MaterialiseOptions): Promise<string> {
  const agentsDir = resolve(opts.agentsDir);
  const hostRoot = dirname(agentsDir);
  const { agentId, treeHash } = opts.release;
  const root = resolve(opts.releasesDir, agentId, treeHash);
  const agentDir = join(root, basename(agentsDir), agentId);
  if (await exists(root)) return agentDir; // Content-addressed: a finished folder is the right one.

  const staging = `${root}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(join(staging, basename(agentsDir)), { recursive: true });
    const releasesAt = resolve(opts.releasesDir);
    for (const entry of await readdir(hostRoot)) {
      const target = join(hostRoot, entry);
      // Never link the agents folder (rebuilt below) or a folder holding the releases (a loop).
      if (target === agentsDir || releasesAt === target || releasesAt.startsWith(target + sep)) continue;
      await symlink(target, join(staging, entry));
    }
    for (const entry of await readdir(agentsDir)) {
      if (entry !== agentId) await symlink(join(agentsDir, entry), join(staging, basename(agentsDir), entry));
    }
    const stagedAgent = join(staging, relative(root, agentDir));
    for (const file of opts.release.files) {
      const path = join(stagedAgent, file.path);
      await mkdir(dirname(path), { recursive: true });
      const content = Buffer.from(file.content, 'base64');
      if (file.mode === '120000') await symlink(content.toString('utf8'), path);
      else {
        await writeFile(path, content);
        if (file.mode === '100755') await chmod(path, 0o755);
      }
    }
    await mkdir(dirname(root), { recursive: true });
    await rename(staging, root).catch(async (err: unknown) => {
      // Another process finished the same version first; theirs is identical.
      if (!(await exists(root))) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return agentDir;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
