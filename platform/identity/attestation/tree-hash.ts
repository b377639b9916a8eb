import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A file as git records it in a tree: its mode and the SHA-1 of its blob. */
export interface TreeEntry {
  mode: '100644' | '100755' | '120000';
  sha: string;
}

export interface FolderHash {
  /** What `git rev-parse <commit>:<folder>` prints for the same files. */
  treeHash: string;
  /** Every file by its path relative to the folder, `/`-separated. */
  files: Map<string, TreeEntry>;
}

/** The id git gives a blob holding `content` (`git hash-object`). */
export function blobHash(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

type Node = { kind: 'file'; entry: TreeEntry } | { kind: 'tree'; children: Map<string, Node> };

/**
 * The git tree hash of a folder on disk, computed here as git computes it, so that it
 * works on any folder (a deployed version is written out of the registry, not checked
 * out): blobs are `blob <size>\0<bytes>`, a symbolic link is a blob of its target, a
 * file with its owner's execute bit is 100755, and an empty folder is no entry at all.
 */
export async function hashFolder(dir: string): Promise<FolderHash> {
  const files = new Map<string, TreeEntry>();
  const walk = async (at: string, prefix: string): Promise<Map<string, Node>> => {
    const children = new Map<string, Node>();
    for (const name of await readdir(at)) {
      const path = join(at, name);
      const stat = await lstat(path);
      let node: Node | undefined;
      if (stat.isSymbolicLink())
        node = { kind: 'file', entry: { mode: '120000', sha: blobHash(Buffer.from(await readlink(path), 'utf8')) } };
      else if (stat.isDirectory()) {
        const sub = await walk(path, `${prefix}${name}/`);
        if (sub.size > 0) node = { kind: 'tree', children: sub };
      } else if (stat.isFile())
        node = {
          kind: 'file',
          entry: { mode: (stat.mode & 0o100) === 0 ? '100644' : '100755', sha: blobHash(await readFile(path)) },
        };
      // Sockets, pipes and devices are nothing git can hold; nothing deployed makes one.
      if (node === undefined) continue;
      if (node.kind === 'file') files.set(`${prefix}${name}`, node.entry);
      children.set(name, node);
    }
    return children;
  };
  return { treeHash: treeHashOf(await walk(dir, '')), files };
}

function treeHashOf(children: Map<string, Node>): string {
  // git orders a tree's entries by name, comparing a folder's name as if it ended in "/".
  const key = (name: string, node: Node) => Buffer.from(node.kind === 'tree' ? `${name}/` : name, 'utf8');
  const entries = [...children].sort(([a, na], [b, nb]) => Buffer.compare(key(a, na), key(b, nb)));
  const body = Buffer.concat(
    entries.map(([name, node]) => {
      const [mode, sha] =
        node.kind === 'tree' ? ['40000', treeHashOf(node.children)] : [node.entry.mode, node.entry.sha];
      return Buffer.concat([Buffer.from(`${mode} ${name}\0`, 'utf8'), Buffer.from(sha, 'hex')]);
    }),
  );
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}
