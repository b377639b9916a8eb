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

/**
 * What a pull request changes, from its files list (GitHub serves up to 3,000 files,
 * 100 a page). A file without a patch (binary, or too large to diff) counts as wholly
 * changed, so nothing in it escapes review.
 */
export async function pullRequestChanges(
  at: GitHubRepo,
  pullNumber: number,
  lineCount: (path: string) => Promise<number>,
): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  for (let page = 1; page <= 30; page++) {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: at.owner,
      repo: at.repo,
      pull_number: pullNumber,
      per_page: 100,
      page,
    });
    for (const file of data) {
      const status = statusOf[file.status];
      let parsed: Pick<FileChange, 'addedLines' | 'hunks'>;
      if (file.patch !== undefined) parsed = parsePatch(file.patch);
      else if (status === 'removed') parsed = { addedLines: new Set(), hunks: [] };
      else {
        const lines = await lineCount(file.filename);
        parsed = { addedLines: new Set(Array.from({ length: lines }, (_, i) => i + 1)), hunks: [] };
      }
      changes.push({
        path: file.filename,
        status,
        ...parsed,
        ...(file.previous_filename === undefined ? {} : { previousPath: file.previous_filename }),
      });
    }
    if (data.length < 100) break;
  }
  return changes;
}
