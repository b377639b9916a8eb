import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';

/** An object as git stores it: its SHA, type and, when its contents were asked for, its bytes. */
export interface GitObject {
  sha: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  content: Buffer;
}

interface Waiting {
  contents: boolean;
  done: (found: GitObject | undefined) => void;
}

/**
 * One long-lived `git cat-file --batch-command` per repository, answering the GitHub double's
 * reads (refs, commits, file contents, blobs) in order: a git process per read was most of the
 * double's processes, and each costs 10–25 ms of system time on a small machine. Each command
 * reads the repository as it is when the command arrives: git reads a loose ref's file each
 * time, checks packed-refs by its stat, and looks an object up again (packs rescanned) before
 * calling it missing, so a ref moved or an object written since is seen. The process ends
 * after a second with nothing asked, and never holds the test process open.
 */
class ObjectReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: Waiting[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly onEnd: () => void;

  constructor(dir: string, onEnd: () => void) {
    this.onEnd = onEnd;
    // Its warnings are not read: a pipe left full would stop it.
    this.child = spawn('git', ['cat-file', '--batch-command'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.parse(chunk));
    const end = () => this.end();
    this.child.on('error', end);
    this.child.on('close', end);
    this.child.stdin.on('error', end);
    this.hold(false);
  }

  read(contents: boolean, spec: string): Promise<GitObject | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    clearTimeout(this.idle);
    if (this.waiting.length === 0) this.hold(true);
    return new Promise((done) => {
      this.waiting.push({ contents, done });
      this.child.stdin.write(`${contents ? 'contents' : 'info'} ${spec}\n`);
    });
  }

  /** Answers come as `<sha> <type> <size>\n` (`contents`: then the bytes and a line feed) or `<spec> missing\n`. */
  private parse(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const eol = this.buffered.indexOf(10);
      const next = this.waiting[0];
      if (eol === -1 || next === undefined) return;
      const header = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(this.buffered.subarray(0, eol).toString());
      if (header === null) {
        this.buffered = this.buffered.subarray(eol + 1);
        this.answer(undefined);
        continue;
      }
      const [, sha = '', type, size = '0'] = header;
      const end = next.contents ? eol + 1 + Number(size) : eol;
      if (this.buffered.length < end + 1) return;
      const content = Buffer.from(this.buffered.subarray(eol + 1, Math.max(end, eol + 1)));
      this.buffered = this.buffered.subarray(end + 1);
      this.answer({ sha, type: type as GitObject['type'], content });
    }
  }

  private answer(found: GitObject | undefined): void {
    this.waiting.shift()?.done(found);
    if (this.waiting.length > 0) return;
    this.hold(false);
    this.idle = setTimeout(() => {
      // Out of the map first: a read from now on starts a new process rather than write to this one's closed input.
      this.end();
      this.child.stdin.end();
    }, 1_000);
    this.idle.unref();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idle);
    this.onEnd();
    for (const { done } of this.waiting.splice(0)) done(undefined);
  }

  /** While a read is pending the process keeps the test's event loop alive; idle, it does not. */
  private hold(on: boolean): void {
    if (on) {
      this.child.ref();
      (this.child.stdout as Socket).ref();
      (this.child.stdin as Socket).ref();
    } else {
      this.child.unref();
      (this.child.stdout as Socket).unref();
      (this.child.stdin as Socket).unref();
    }
  }
}

const readers = new Map<string, ObjectReader>();

/**
 * The object `spec` names in the repository at `dir` (any name git understands: a SHA,
 * `<ref>^{commit}`, `<commit>:<path>`), with its bytes when `contents`; undefined when it names
 * nothing. A name with a line break in it names nothing (the command is one line).
 */
export function readObject(dir: string, spec: string, contents = true): Promise<GitObject | undefined> {
  if (spec === '' || /[\n\r\0]/.test(spec)) return Promise.resolve(undefined);
  let reader = readers.get(dir);
  if (reader === undefined) {
    const made = new ObjectReader(dir, () => {
      if (readers.get(dir) === made) readers.delete(dir);
    });
    reader = made;
    readers.set(dir, made);
  }
  return reader.read(contents, spec);
}

/** The commit `ref` names (as `git rev-parse --verify <ref>^{commit}`), or undefined. */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  if (ref === '') return undefined;
  return (await readObject(dir, `${ref}^{commit}`, false))?.sha;
}

/** A commit's tree, parents and message, read from its object as git wrote it. */
export function parseCommit(content: Buffer): { tree: string; parents: string[]; message: string } {
  const text = content.toString();
  const split = text.indexOf('\n\n');
  const headers = (split === -1 ? text : text.slice(0, split)).split('\n');
  const field = (name: string) => headers.filter((h) => h.startsWith(`${name} `)).map((h) => h.slice(name.length + 1));
  return { tree: field('tree')[0] ?? '', parents: field('parent'), message: split === -1 ? '' : text.slice(split + 2) };
}

const exec = promisify(execFile);
const objectsDirs = new Map<string, Promise<string>>();

/**
 * Writes an object as `git hash-object -w` does (a zlib-deflated loose object named by the
 * SHA-1 of its header and bytes) without a process per object: the double writes dozens of
 * blobs for a generated agent, and a tree and a commit for every pull request.
 */
export async function writeObject(dir: string, type: GitObject['type'], content: Buffer): Promise<string> {
  let objects = objectsDirs.get(dir);
  if (objects === undefined) {
    objects = exec('git', ['rev-parse', '--git-path', 'objects'], { cwd: dir }).then(({ stdout }) =>
      resolvePath(dir, stdout.trim()),
    );
    objectsDirs.set(dir, objects);
  }
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const sha = createHash('sha1').update(raw).digest('hex');
  const folder = join(await objects, sha.slice(0, 2));
  const path = join(folder, sha.slice(2));
  if (
    await access(path).then(
      () => false,
      () => true,
    )
  ) {
    await mkdir(folder, { recursive: true });
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temp, deflateSync(raw));
    await rename(temp, path);
  }
  return sha;
}

/** An entry of a tree as GitHub's "create a tree" takes it: `sha: null` removes the path. */
export interface TreeChange {
  path: string;
  mode: string;
  sha: string | null;
}

/** What GitHub answers 422 for: a path or object it cannot put in a tree. */
export class TreeRefused extends Error {}

// A tree's entries by name. Names are kept as their bytes (latin1 strings), as git stores them.
interface Folder {
  changed: Map<string, { mode: string; sha: string } | Folder>;
}
type Tree = Folder['changed'];

const treeMode = '40000';

async function readTree(dir: string, sha: string): Promise<Tree> {
  const found = await readObject(dir, sha);
  if (found?.type !== 'tree') throw new TreeRefused(`${sha} is not a tree`);
  const tree: Tree = new Map<string, never>();
  // Entries are "<mode> <name>\0" and the 20 bytes of the SHA.
  for (let at = 0; at < found.content.length;) {
    const space = found.content.indexOf(32, at);
    const nul = found.content.indexOf(0, space);
    const mode = found.content.subarray(at, space).toString();
    const name = found.content.subarray(space + 1, nul).toString('latin1');
    tree.set(name, { mode, sha: found.content.subarray(nul + 1, nul + 21).toString('hex') });
    at = nul + 21;
  }
  return tree;
}

/** A changed tree and those under it, written bottom up; an emptied folder is left out, as git leaves it. */
async function writeChanged(dir: string, tree: Tree): Promise<string | undefined> {
  const entries: { name: string; mode: string; sha: string }[] = [];
  for (const [name, entry] of tree) {
    if ('changed' in entry) {
      const sha = await writeChanged(dir, entry.changed);
      if (sha !== undefined) entries.push({ name, mode: treeMode, sha });
    } else entries.push({ name, ...entry });
  }
  if (entries.length === 0) return undefined;
  // git orders a tree's names by their bytes, a folder's as if it ended in '/'.
  const key = (e: { name: string; mode: string }) => (e.mode === treeMode ? `${e.name}/` : e.name);
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const body = Buffer.concat(
    entries.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, 'latin1'), Buffer.from(e.sha, 'hex')]),
  );
  return writeObject(dir, 'tree', body);
}

/**
 * The folder at `parts` under `root`, read from git and marked changed on the way down; a
 * missing folder is made when `making` (a file in its way replaced), else there is none.
 */
async function folderOf(dir: string, root: Tree, parts: string[], making: boolean): Promise<Tree | undefined> {
  let tree = root;
  for (const part of parts) {
    const entry = tree.get(part);
    if (entry !== undefined && 'changed' in entry) {
      tree = entry.changed;
      continue;
    }
    if (!making && entry?.mode !== treeMode) return undefined;
    const changed: Tree = entry?.mode === treeMode ? await readTree(dir, entry.sha) : new Map<string, never>();
    tree.set(part, { changed });
    tree = changed;
  }
  return tree;
}

const modes: Record<string, GitObject['type']> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit',
};

/**
 * The tree GitHub's "create a tree" builds: `base` (when given) with each change applied, the
 * folders on a changed path written again and the rest shared. A path git could not check out
 * (an empty, `.`, `..` or `.git` part) or an object that is not there is refused, as GitHub does.
 */
export async function writeTree(dir: string, base: string | undefined, changes: TreeChange[]): Promise<string> {
  const root: Tree = base === undefined ? new Map<string, never>() : await readTree(dir, base);
  for (const change of changes) {
    const type = modes[change.mode];
    if (type === undefined) throw new TreeRefused(`tree.mode ${change.mode} is not a valid mode`);
    const parts = Buffer.from(change.path, 'utf8').toString('latin1').split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git'))
      throw new TreeRefused(`tree.path contains a malformed path component: ${change.path}`);
    if (change.sha !== null && type !== 'commit' && (await readObject(dir, change.sha, false))?.type !== type)
      throw new TreeRefused(`tree.sha ${change.sha} is not a valid ${type}`);
    const name = parts.pop() ?? '';
    const tree = await folderOf(dir, root, parts, change.sha !== null);
    if (tree === undefined) continue;
    if (change.sha === null) tree.delete(name);
    else tree.set(name, { mode: type === 'tree' ? treeMode : change.mode, sha: change.sha });
  }
  return (await writeChanged(dir, root)) ?? (await writeObject(dir, 'tree', Buffer.alloc(0)));
}

/** A person on a commit, as git writes one: name, address, seconds since the epoch, UTC. */
const signature = (who: { name: string; email: string }, at: Date) =>
  `${who.name} <${who.email}> ${Math.floor(at.getTime() / 1000)} +0000`;

/** The commit `git commit-tree` writes: the tree, its parents (each must be a commit), who and the message. */
export async function writeCommit(
  dir: string,
  commit: {
    tree: string;
    parents: string[];
    message: string;
    author: { name: string; email: string };
    committer: { name: string; email: string };
  },
  at = new Date(),
): Promise<string> {
  if ((await readObject(dir, commit.tree, false))?.type !== 'tree')
    throw new TreeRefused(`tree ${commit.tree} is not a tree`);
  for (const parent of commit.parents)
    if ((await readObject(dir, parent, false))?.type !== 'commit')
      throw new TreeRefused(`parent ${parent} is not a commit`);
  const lines = [
    `tree ${commit.tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${signature(commit.author, at)}`,
    `committer ${signature(commit.committer, at)}`,
    '',
    commit.message,
  ];
  return writeObject(dir, 'commit', Buffer.from(lines.join('\n')));
}
