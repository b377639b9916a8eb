import { createError } from '../errors.ts';
import { blobHash, hashFolder, type TreeEntry } from './tree-hash.ts';

/** A file the folder should hold, as a deployed version records it (base64 content). */
export interface ExpectedFile {
  path: string;
  mode: string;
  content: string;
}

const namesShown = 10;

/**
 * Throws WOW_ERR_ATTESTATION_MISMATCH unless the folder on disk hashes to `expected` (a
 * git tree hash). With the version's files at hand, the error names the files that differ.
 */
export async function assertFolderMatches(opts: {
  agentId: string;
  dir: string;
  expected: string;
  files: readonly ExpectedFile[];
}): Promise<void> {
  const actual = await hashFolder(opts.dir);
  if (actual.treeHash === opts.expected) return;
  const wanted = new Map<string, TreeEntry>(
    opts.files.map((f) => [
      f.path,
      { mode: f.mode as TreeEntry['mode'], sha: blobHash(Buffer.from(f.content, 'base64')) },
    ]),
  );
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, entry] of wanted) {
    const found = actual.files.get(path);
    if (found === undefined) missing.push(path);
    else if (found.sha !== entry.sha || found.mode !== entry.mode) changed.push(path);
  }
  const added = [...actual.files.keys()].filter((path) => !wanted.has(path));
  const list = (label: string, paths: string[]) =>
    paths.length === 0
      ? []
      : [
          `${label}: ${paths.sort().slice(0, namesShown).join(', ')}${paths.length > namesShown ? ` and ${paths.length - namesShown} more` : ''}`,
        ];
  const differences = [...list('changed', changed), ...list('missing', missing), ...list('added', added)];
  throw createError(
    'WOW_ERR_ATTESTATION_MISMATCH',
    {
      agent: opts.agentId,
      actual: actual.treeHash,
      expected: opts.expected,
      files: differences.length > 0 ? differences.join('; ') : 'the files listed match; the difference is outside them',
    },
    { data: { changed, missing, added } },
  );
}
