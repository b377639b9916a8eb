import { copyFile, lstat, mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RepoSnapshot } from '../repo/repo-snapshot.ts';

/** A copied checkout file (a coverage report) larger than this is refused: tools read it whole. */
const maxCopiedBytes = 256 * 1024 ** 2;
const writesAtOnce = 32;

/** The head's files in a folder of their own, where tool kinds run. */
export interface HeadExport {
  root: string;
  /** Real folders outside `root` a tool may read: the checkout's installed dependencies, linked in. */
  readable: string[];
  /** Copies files of the checkout that are not part of the head (a report the test run wrote), those that exist. */
  copyFromCheckout(paths: readonly string[]): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A clean export of the head for tool kinds: the files the review reads (regular files only,
 * never a symbolic link) written into a temporary folder, and each `node_modules` folder the
 * checkout has installed beside them linked in, so the repository's ESLint and its plugins
 * load. The checkout itself (its .env, .git, data folders and whatever else the job keeps
 * there) is not in it, and the child process may read only this folder and those links.
 */
export async function exportHead(snapshot: RepoSnapshot, checkoutPath: string): Promise<HeadExport> {
  const checkout = resolve(checkoutPath);
  // Real paths, as modules load from them and the child's permissions are checked against them.
  const root = await realpath(await mkdtemp(join(tmpdir(), 'wowvision-head-')));
  const inside = (path: string): string | undefined => {
    const target = resolve(root, path);
    return target.startsWith(root + sep) ? target : undefined;
  };
  try {
    const paths = [...snapshot.blobs.keys()];
    const folders = new Set(['.']);
    for (let i = 0; i < paths.length; i += writesAtOnce) {
      await Promise.all(
        paths.slice(i, i + writesAtOnce).map(async (path) => {
          const target = inside(path);
          if (target === undefined) return;
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, await snapshot.read(path));
          for (let folder = dirname(path); folder !== '.' && !folders.has(folder); folder = dirname(folder))
            folders.add(folder);
        }),
      );
    }
    const readable: string[] = [];
    for (const folder of folders) {
      const installed = join(checkout, folder, 'node_modules');
      const link = join(root, folder, 'node_modules');
      if (!(await isFolder(installed)) || (await exists(link))) continue;
      // Modules load from their real path: that is what the child may read.
      readable.push(await realpath(installed));
      await symlink(await realpath(installed), link, 'dir');
    }
    return {
      root,
      readable,
      async copyFromCheckout(files) {
        for (const path of files) {
          const from = resolve(checkout, path);
          const to = inside(path);
          if (!from.startsWith(checkout + sep) || to === undefined) continue;
          const found = await stat(from).catch(() => undefined);
          if (found?.isFile() !== true) continue;
          if (found.size > maxCopiedBytes)
            throw new Error(
              `${relative(checkout, from)} is ${found.size.toLocaleString('en-US')} bytes, ` +
                `more than the ${maxCopiedBytes / 1024 ** 2} MiB a tool rule may read; ` +
                'write a smaller report (e.g. coverage for the changed files only)',
            );
          await mkdir(dirname(to), { recursive: true });
          await copyFile(from, to);
        }
      },
      dispose: () => rm(root, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}
