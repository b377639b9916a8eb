import type { GitHubDelivery, HandlerContext } from '#platform';
import { forgetSearches } from '../cache/cached-searches.ts';
import type { SearchSettings, SearchState } from '../search-settings.ts';
import { importMergedArticles, type MergedImport } from './import-merged-articles.ts';

export type MergeOutcome = { did: 'ignored'; why: string } | ({ did: 'imported' } & MergedImport);

/**
 * A pull request merged into the knowledge base repository's default branch: the articles
 * it touched under the knowledge-base folder (SUPPORT_KB_REPO, SUPPORT_KB_DIR) are imported
 * at once — among them the articles WowSupport drafted from solved tickets and a person
 * reviewed — so L1 answers from them on the next question. Any other repository's merges,
 * and closes without a merge, change nothing.
 */
export async function importOnMerge(
  ctx: HandlerContext<SearchSettings, SearchState>,
  delivery: GitHubDelivery<'pull_request.closed'>,
): Promise<MergeOutcome> {
  const { pull_request: pull, repository } = delivery.payload;
  const kb = ctx.settings.support.knowledgeBase;
  if (!pull.merged) return { did: 'ignored', why: 'closed without merging' };
  if (kb.repo === undefined || kb.repo.toLowerCase() !== repository.full_name.toLowerCase())
    return { did: 'ignored', why: `${repository.full_name} is not the knowledge base's repository (SUPPORT_KB_REPO)` };
  if (pull.base.ref !== repository.default_branch)
    return { did: 'ignored', why: `merged into ${pull.base.ref}, not the default branch` };
  if (ctx.github === undefined) {
    ctx.log.warn('WowSearch needs the GitHub App and an installation to read a merge; skipped');
    return { did: 'ignored', why: 'no GitHub installation' };
  }
  const report = await importMergedArticles(
    ctx.github,
    ctx.store,
    {
      owner: repository.owner.login,
      repo: repository.name,
      base: pull.base.sha,
      commit: pull.merge_commit_sha ?? pull.head.sha,
    },
    kb.dir,
  );
  if (report.imported.length + report.removed.length > 0) await forgetSearches(ctx.cache);
  for (const refused of report.refused)
    ctx.log.warn(
      { file: refused.file, problems: refused.problems.slice(0, 5), pull: pull.number },
      'a merged article was not imported',
    );
  if (report.imported.length + report.removed.length > 0)
    ctx.log.info(
      { pull: pull.number, imported: report.imported.map((a) => a.slug), removed: report.removed },
      'imported the knowledge-base articles a merge changed',
    );
  return { did: 'imported', ...report };
}
