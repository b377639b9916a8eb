/**
 * The head commit of the reviewed change, wherever it comes from: a local git repository
 * (CLI, Action) or the tarball GitHub serves for a commit (App).
 */
export interface RepoSnapshot {
  /** Every file at head with its content id (the git blob SHA), by repository path. */
  readonly blobs: ReadonlyMap<string, string>;
  /** The text of a file at head; throws for a path not in `blobs`. */
  read(path: string): Promise<string>;
}

/** A snapshot over texts already in memory; the blob ids are git's. */
export function snapshotOf(
  texts: ReadonlyMap<string, string | Buffer>,
  blobIdOf: (content: Buffer) => string,
): RepoSnapshot {
  const blobs = new Map<string, string>();
  for (const [path, content] of texts)
    blobs.set(path, blobIdOf(typeof content === 'string' ? Buffer.from(content) : content));
  return {
    blobs,
    async read(path) {
      const content = texts.get(path);
      if (content === undefined) throw new Error(`${path} is not in the snapshot`);
      return typeof content === 'string' ? content : content.toString('utf8');
    },
  };
}
