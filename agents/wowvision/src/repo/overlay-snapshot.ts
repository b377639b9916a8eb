import { gitBlobId } from './git-blob-id.ts';
import type { RepoSnapshot } from './repo-snapshot.ts';

/** `base` with `files` written over it: a change judged before it exists anywhere. */
export function overlaySnapshot(base: RepoSnapshot, files: ReadonlyMap<string, string>): RepoSnapshot {
  const blobs = new Map(base.blobs);
  for (const [path, text] of files) blobs.set(path, gitBlobId(Buffer.from(text)));
  return { blobs, read: async (path) => files.get(path) ?? base.read(path) };
}
