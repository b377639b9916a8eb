import { parsePatch, type FileChange } from '../change/parse-diff.ts';
import type { GitHubRepo } from './github-repo.ts';

const statusOf = {
  added: 'added',
  removed: 'removed',
  renamed: 'renamed',
  modified: 'modified',
  changed: 'modified',
  copied: 'added',
  unchanged: 'modified',
} as const;

/** One entry of a pull request's files list. */
export interface ListedFile {
  path: string;
  status: FileChange['status'];
  /** Its blob: the head's, or the base's for a removed file. */
  sha: string;
  /** Absent for a binary file or one too large to diff. */
  patch: string | undefined;
  previousPath: string | undefined;
}

export interface PullRequestFiles {
  /** What GitHub lists, at most `listedAtMost`. */
  files: ListedFile[];
  /** How many files the pull request changes (`changed_files`), listed or not. */
  changedFiles: number;
}

/** GitHub's files API lists at most 3,000 files of a pull request, 100 a page. */
export const listedAtMost = 3000;

/**
 * A pull request's changed files as GitHub lists them, and how many it changes in all: a
 * listing shorter than that count means files GitHub will not show, which the caller must
 * not pass as reviewed.
 */
export async function listPullRequestFiles(at: GitHubRepo, pullNumber: number): Promise<PullRequestFiles> {
  const { data: pull } = await at.client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: at.owner,
    repo: at.repo,
    pull_number: pullNumber,
  });
  let pages = 0;
  const files = await at.client.paginate(
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
    { owner: at.owner, repo: at.repo, pull_number: pullNumber, per_page: 100 },
    (response, done) => {
      // GitHub serves no page past its limit; reading stops there even if it did.
      if (++pages === listedAtMost / 100) done();
      return response.data.map((file): ListedFile => ({
        path: file.filename,
        status: statusOf[file.status],
        sha: file.sha ?? '',
        patch: file.patch,
        previousPath: file.previous_filename,
      }));
    },
  );
  return { files, changedFiles: pull.changed_files };
}

/**
 * What the listed files change, line by line. A file without a patch (binary, or too large
 * to diff) counts as wholly changed, so nothing in it escapes review.
 */
export async function changesOf(
  files: readonly ListedFile[],
  lineCount: (path: string) => Promise<number>,
): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  for (const file of files) {
    let parsed: Pick<FileChange, 'addedLines' | 'hunks'>;
    if (file.patch !== undefined) parsed = parsePatch(file.patch);
    else if (file.status === 'removed') parsed = { addedLines: new Set(), hunks: [] };
    else {
      const lines = await lineCount(file.path);
      parsed = { addedLines: new Set(Array.from({ length: lines }, (_, i) => i + 1)), hunks: [] };
    }
    changes.push({
      path: file.path,
      status: file.status,
      ...parsed,
      ...(file.previousPath === undefined ? {} : { previousPath: file.previousPath }),
    });
  }
  return changes;
}
