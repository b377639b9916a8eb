import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCommit,
  readObject,
  resolveCommit,
  TreeRefused,
  writeCommit,
  writeObject,
  writeTree,
} from './git-objects.ts';

// The GitHub double's git objects, against git itself: a tree built here has the SHA git's
// own index builds for the same changes, and the long-lived reader sees what changed since.
const exec = promisify(execFile);
let dir: string;
const git = async (args: string[], env: Record<string, string> = {}) =>
  (await exec('git', args, { cwd: dir, env: { ...process.env, ...env } })).stdout.trim();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'git-objects-'));
  await git(['init', '-q', '-b', 'main']);
  for (const [path, text] of [
    ['a', 'a'],
    ['a.b', 'a.b'],
    ['a-b/x', 'x'],
    ['docs/kb/one.md', 'one'],
    ['docs/kb/two.md', 'two'],
    ['docs/readme', 'r'],
    ['z/only', 'only'],
  ] as const) {
    await exec('mkdir', ['-p', join(dir, path, '..')]);
    await writeFile(join(dir, path), text);
  }
  await git(['add', '-A']);
  await git(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The tree git's own index builds from `base` with the same changes (the double's former way). */
async function gitTree(base: string, changes: { path: string; mode: string; sha: string | null }[]) {
  const env = { GIT_INDEX_FILE: join(dir, '.git', 'test-index') };
  await git(['read-tree', base], env);
  for (const c of changes)
    await git(
      [
        'update-index',
        '--add',
        '--force-remove',
        ...(c.sha === null ? [c.path] : ['--cacheinfo', `${c.mode},${c.sha},${c.path}`]),
      ],
      env,
    );
  return git(['write-tree'], env);
}

describe("the GitHub double's git objects", () => {
  it('builds the tree git builds: files added deep, replaced, removed, a folder emptied, names git orders apart', async () => {
    const base = await git(['rev-parse', 'HEAD^{tree}']);
    const blob = await writeObject(dir, 'blob', Buffer.from('new\n'));
    expect(await git(['cat-file', 'blob', blob])).toBe('new');
    const changes = [
      { path: 'docs/kb/learned/new.md', mode: '100644', sha: blob },
      { path: 'docs/kb/one.md', mode: '100755', sha: blob },
      { path: 'docs/kb/two.md', mode: '100644', sha: null },
      { path: 'z/only', mode: '100644', sha: null },
      { path: 'a0', mode: '100644', sha: blob },
      { path: 'missing/gone', mode: '100644', sha: null },
    ];
    const ours = await writeTree(dir, base, changes);
    expect(ours).toBe(await gitTree(base, changes));
    expect(await git(['cat-file', '-t', ours])).toBe('tree');
    expect(await git(['ls-tree', '-r', '--name-only', ours])).toBe(
      ['a', 'a-b/x', 'a.b', 'a0', 'docs/kb/learned/new.md', 'docs/kb/one.md', 'docs/readme'].join('\n'),
    );
    // No base: the changes alone; and removing everything leaves git's empty tree.
    expect(await writeTree(dir, undefined, changes.slice(0, 2))).toBe(
      await gitTree('4b825dc642cb6eb9a060e54bf8d69288fbee4904', changes.slice(0, 2)),
    );
    const [learned] = changes;
    if (learned === undefined) throw new Error('no changes');
    expect(await writeTree(dir, await writeTree(dir, undefined, [learned]), [{ ...learned, sha: null }])).toBe(
      '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    );
  });

  it('refuses what GitHub refuses: a malformed path, an unknown mode, an object that is not there', async () => {
    const base = await git(['rev-parse', 'HEAD^{tree}']);
    const blob = await writeObject(dir, 'blob', Buffer.from('x'));
    for (const path of ['', '/abs', 'a//b', 'a/./b', '../up', 'x/.git/config', '.GIT/hooks', 'trailing/'])
      await expect(writeTree(dir, base, [{ path, mode: '100644', sha: blob }]), path).rejects.toThrow(TreeRefused);
    await expect(writeTree(dir, base, [{ path: 'a', mode: '100600', sha: blob }])).rejects.toThrow(/not a valid mode/);
    await expect(writeTree(dir, base, [{ path: 'a', mode: '100644', sha: '1'.repeat(40) }])).rejects.toThrow(
      /not a valid blob/,
    );
  });

  it('writes the commit commit-tree writes, and reads refs and objects as they are when asked', async () => {
    const head = await git(['rev-parse', 'HEAD']);
    expect(await resolveCommit(dir, 'main')).toBe(head);
    const tree = await writeTree(dir, await git(['rev-parse', 'HEAD^{tree}']), [
      { path: 'new', mode: '100644', sha: await writeObject(dir, 'blob', Buffer.from('n')) },
    ]);
    const who = { name: 'factory[bot]', email: 'factory@example.com' };
    const at = new Date('2026-12-07T00:00:00Z');
    const message = 'Add new\n\nWith a body line.\n';
    const sha = await writeCommit(dir, { tree, parents: [head], message, author: who, committer: who }, at);
    const env = {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: '1796601600 +0000',
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: '1796601600 +0000',
    };
    const theirs = await new Promise<string>((ok, fail) => {
      const args = ['commit-tree', tree, '-p', head, '-F', '-'];
      const child = execFile('git', args, { cwd: dir, env: { ...process.env, ...env } }, (err, out) => {
        if (err === null) ok(out.trim());
        else fail(new Error(`git commit-tree: ${err.message}`));
      });
      child.stdin?.end(message);
    });
    expect(sha).toBe(theirs);
    expect(parseCommit((await readObject(dir, sha))?.content ?? Buffer.alloc(0))).toEqual({
      tree,
      parents: [head],
      message,
    });
    await expect(writeCommit(dir, { tree: head, parents: [], message, author: who, committer: who })).rejects.toThrow(
      /not a tree/,
    );

    // The same reader, still running: the ref moved by another git process is read anew.
    await git(['update-ref', 'refs/heads/main', sha]);
    expect(await resolveCommit(dir, 'main')).toBe(sha);
    expect((await readObject(dir, 'main:new'))?.content.toString()).toBe('n');
    expect(await readObject(dir, 'main:nothing-here')).toBeUndefined();
    expect(await resolveCommit(dir, 'main\nHEAD')).toBeUndefined();
  });
});
