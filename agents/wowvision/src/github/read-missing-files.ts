import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { inlineCode } from '../report/inline-code.ts';
import { figure, tooLarge, type SizedSnapshot, type TarballLimits } from '../repo/read-tarball.ts';
import type { GitHubRepo } from './github-repo.ts';
import type { ListedFile } from './pull-request-changes.ts';

export interface MissingFilesRead {
  /** The head with every file that could be read added. */
  snapshot: SizedSnapshot;
  /** Changed files GitHub would not serve, with its answer. */
  unread: { path: string; why: string }[];
}

/**
 * Changed files the head's tarball leaves out, read one by one by the blob SHA of the files
 * list. GitHub builds the tarball with `git archive`, which drops every path the head's own
 * `.gitattributes` marks `export-ignore` (and submodules): a file left out that way must
 * still be judged. The tarball's caps hold for what is added: one file's bytes, all bytes,
 * the number of files (WOW_ERR_VISION_TOO_LARGE).
 */
export async function readMissingFiles(
  at: GitHubRepo,
  head: SizedSnapshot,
  missing: readonly ListedFile[],
  limits: TarballLimits,
): Promise<MissingFilesRead> {
  const added = new Map<string, { sha: string; content: Buffer }>();
  const unread: MissingFilesRead['unread'] = [];
  let bytes = head.bytes;
  for (const file of missing) {
    if (head.blobs.size + added.size >= limits.maxFiles)
      throw tooLarge(
        `the head commit holds more than ${limits.maxFiles.toLocaleString('en-US')} files`,
        'WOWVISION_TARBALL_MAX_FILES',
      );
    let body: ReadableStream<Uint8Array>;
    try {
      const { data } = await at.client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
        owner: at.owner,
        repo: at.repo,
        file_sha: file.sha,
        // The bytes themselves, read as they arrive, rather than base64 in JSON read whole.
        headers: { accept: 'application/vnd.github.raw+json' },
        request: { parseSuccessResponseBody: false },
      });
      body = data as unknown as ReadableStream<Uint8Array>;
    } catch (err) {
      // GitHub serves no blob for this SHA (a submodule's names a commit): the caller fails the check, naming it.
      const status = (err as { status?: number }).status;
      if (status !== 404 && status !== 422) throw err;
      unread.push({ path: file.path, why: `GitHub answered ${status}` });
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of Readable.fromWeb(body) as AsyncIterable<Buffer>) {
      size += chunk.length;
      bytes += chunk.length;
      // Leaving the loop cancels the download.
      if (size > limits.maxFileBytes)
        throw tooLarge(
          `${inlineCode(file.path, 300)} is larger than ${figure(limits.maxFileBytes)}`,
          'WOWVISION_FILE_MAX_BYTES',
        );
      if (bytes > limits.maxBytes)
        throw tooLarge(
          `the head commit's files, with those its tarball leaves out, are larger than ${figure(limits.maxBytes)}`,
          'WOWVISION_TARBALL_MAX_BYTES',
        );
      chunks.push(chunk);
    }
    added.set(file.path, { sha: file.sha, content: Buffer.concat(chunks, size) });
  }
  if (added.size === 0) return { snapshot: head, unread };
  const blobs = new Map(head.blobs);
  for (const [path, { sha }] of added) blobs.set(path, sha);
  return {
    snapshot: {
      blobs,
      bytes,
      read: async (path) => added.get(path)?.content.toString('utf8') ?? head.read(path),
    },
    unread,
  };
}
