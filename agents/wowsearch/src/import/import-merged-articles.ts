import { isUtf8 } from 'node:buffer';
import { basename } from 'node:path';
import { readSql, type GitHubClient, type Store } from '#platform';
import { upsertArticles } from '../articles/upsert-articles.ts';
import type { Article } from '../articles/article.ts';
import { parseArticle } from './parse-article.ts';
import { importLimits } from './read-article-files.ts';

const sql = {
  lock: readSql(import.meta.url, 'lock-import'),
  remove: readSql(import.meta.url, 'delete-articles-of-source'),
  sources: readSql(import.meta.url, 'upsert-article-sources'),
};

/** A merge lands at most this many articles at once; a larger one is imported with `wow kb import`. */
export const mergedArticlesLimit = 200;
/** The changed files read from a merge at most, articles or not. */
const maxListed = 3_000;

export interface MergedPull {
  owner: string;
  repo: string;
  /** The base branch's commit the pull request was merged onto. */
  base: string;
  /** The merge commit: the articles are read as they are there. */
  commit: string;
}

export interface MergedImport {
  imported: { slug: string; file: string }[];
  removed: string[];
  /** Files left out, each with why: they do not parse, or are too large. */
  refused: { file: string; problems: string[] }[];
}

/** What a merged pull request's articles are recorded under: the repository's folder, whatever the checkout. */
export const mergedSourceOf = (pull: Pick<MergedPull, 'owner' | 'repo'>, dir: string) =>
  `github:${pull.owner}/${pull.repo}/${dir}`;

/**
 * The knowledge-base articles a merged pull request added, changed or removed under `dir`
 * (README.md and non-Markdown files aside), brought into the knowledge base as `wow kb
 * import` would: each read at the merge commit and checked as an import checks it (one that
 * fails is refused with its problems, the others still land), then written in one
 * transaction under the import lock, recorded with the repository's folder as their source.
 * An article whose file the pull request deleted (or renamed) goes, if this source brought it. Importing the
 * same merge again writes the same rows.
 */
export async function importMergedArticles(
  client: GitHubClient,
  store: Store,
  pull: MergedPull,
  dir: string,
): Promise<MergedImport> {
  const prefix = `${dir}/`;
  // GitHub's compare of the merge with its base (`contents: read` is all it needs), as WowDomain reads a merge.
  const changed: { filename: string; status: string; previous_filename?: string | undefined }[] = [];
  await client.paginate(
    'GET /repos/{owner}/{repo}/compare/{basehead}',
    { owner: pull.owner, repo: pull.repo, basehead: `${pull.base}...${pull.commit}`, per_page: 100 },
    (response, done) => {
      for (const f of response.data.files ?? []) {
        changed.push({ filename: f.filename, status: f.status, previous_filename: f.previous_filename });
        if (changed.length >= maxListed) done();
      }
      return [];
    },
  );
  const files = changed.filter(
    (f) =>
      f.filename.startsWith(prefix) && /\.md$/i.test(f.filename) && basename(f.filename).toLowerCase() !== 'readme.md',
  );
  const report: MergedImport = { imported: [], removed: [], refused: [] };
  const articles: { file: string; article: Article }[] = [];
  const gone: string[] = [];
  for (const f of files.slice(0, mergedArticlesLimit)) {
    const file = f.filename.slice(prefix.length);
    if (f.status === 'removed') {
      gone.push(file);
      continue;
    }
    if (f.status === 'renamed' && f.previous_filename !== undefined && f.previous_filename.startsWith(prefix))
      gone.push(f.previous_filename.slice(prefix.length));
    const text = await readAt(client, pull, f.filename);
    if (text === undefined || text.length > importLimits.fileBytes) {
      report.refused.push({ file, problems: [`it is not a text file of at most ${importLimits.fileBytes} bytes`] });
      continue;
    }
    const parsed = parseArticle(text.replace(/^\uFEFF/, ''), basename(file).replace(/\.md$/i, ''));
    if ('problems' in parsed) report.refused.push({ file, problems: parsed.problems });
    else articles.push({ file, article: parsed.article });
  }
  for (const f of files.slice(mergedArticlesLimit))
    report.refused.push({
      file: f.filename.slice(prefix.length),
      problems: [`the merge holds over ${mergedArticlesLimit} articles; import the folder with wow kb import`],
    });
  const source = mergedSourceOf(pull, dir);
  const kept = new Set(articles.map((a) => a.file));
  await store.transaction(async (tx) => {
    await tx.query(sql.lock);
    const removable = gone.filter((file) => !kept.has(file));
    if (removable.length > 0) {
      const { rows } = await tx.query<{ slug: string }>(sql.remove, [removable, source]);
      report.removed.push(...rows.map((r) => r.slug));
    }
    await upsertArticles(
      tx,
      articles.map((a) => a.article),
    );
    if (articles.length > 0)
      await tx.query(sql.sources, [articles.map((a) => a.article.slug), source, articles.map((a) => a.file)]);
  });
  report.imported.push(...articles.map((a) => ({ slug: a.article.slug, file: a.file })));
  return report;
}

/** A file's text at the merge commit, or undefined when it is not there or not UTF-8. */
async function readAt(client: GitHubClient, pull: MergedPull, path: string): Promise<string | undefined> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', {
    owner: pull.owner,
    repo: pull.repo,
    path,
    ref: pull.commit,
  });
  if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
  const bytes = Buffer.from(data.content, 'base64');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}
