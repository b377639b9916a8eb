import { readSql, type PgQueryable, type Store } from '#platform';
import { upsertArticles } from '../articles/upsert-articles.ts';
import { readArticleFiles, type ArticleFile } from './read-article-files.ts';

const sql = {
  lock: readSql(import.meta.url, 'lock-import'),
  targets: readSql(import.meta.url, 'select-import-targets'),
  remove: readSql(import.meta.url, 'delete-articles'),
  sources: readSql(import.meta.url, 'upsert-article-sources'),
};

/** What an article's import changes: its words, or only where it is recorded as coming from. */
export type ChangedField = 'title' | 'intent' | 'body' | 'source';

export interface ImportReport {
  /** What the articles are recorded under: the real path of the folder or file, or the --source given. */
  source: string;
  /** True when nothing was written: the report says what an import would do. */
  dryRun: boolean;
  added: { slug: string; title: string; file: string }[];
  changed: { slug: string; title: string; file: string; fields: ChangedField[]; previousSource?: string }[];
  /** Articles imported from this source before that it no longer holds: deleted. */
  removed: { slug: string; title: string; file: string }[];
  unchanged: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** A name for the source instead of its real path, e.g. when the folder moves between checkouts. */
  source?: string | undefined;
}

type Target = {
  slug: string;
  title: string;
  intent: string;
  body: string;
  source: string | null;
  path: string | null;
};

/**
 * `wow kb import`: loads the Markdown articles at `path` (a folder or one file) into the
 * knowledge base, idempotently. Every file is read and checked first; then, in one
 * transaction, new articles are added, changed ones updated, and those this source
 * imported before and no longer holds are deleted. Importing the same files again changes
 * nothing. Each article is recorded with its source (kb_article_sources), which is how a
 * later import of that source knows what it removed; an article of another source (or
 * written by other means) with the same slug is taken over, and reported as changed.
 * Embeddings, where configured, are made afterwards by WowSearch's schedule.
 */
export async function importArticles(store: Store, path: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const read = await readArticleFiles(path);
  const source = opts.source ?? read.path;
  return store.transaction(async (tx) => {
    await tx.query(sql.lock);
    const report = await planImport(tx, source, read.files, opts.dryRun === true);
    if (report.dryRun) return report;
    const written = new Set([...report.added, ...report.changed].map((a) => a.slug));
    if (report.removed.length > 0) await tx.query(sql.remove, [report.removed.map((r) => r.slug)]);
    await upsertArticles(
      tx,
      read.files.map((f) => f.article).filter((a) => written.has(a.slug)),
    );
    await tx.query(sql.sources, [read.files.map((f) => f.article.slug), source, read.files.map((f) => f.file)]);
    return report;
  });
}

async function planImport(
  tx: PgQueryable,
  source: string,
  files: readonly ArticleFile[],
  dryRun: boolean,
): Promise<ImportReport> {
  const { rows } = await tx.query<Target>(sql.targets, [files.map((f) => f.article.slug), source]);
  const existing = new Map(rows.map((r) => [r.slug, r]));
  const report: ImportReport = { source, dryRun, added: [], changed: [], removed: [], unchanged: 0 };
  for (const { file, article } of files) {
    const before = existing.get(article.slug);
    if (before === undefined) {
      report.added.push({ slug: article.slug, title: article.title, file });
      continue;
    }
    const fields = (['title', 'intent', 'body'] as const).filter((f) => before[f] !== article[f]);
    const moved = before.source !== source;
    if (fields.length === 0 && !moved) {
      report.unchanged += 1;
      continue;
    }
    report.changed.push({
      slug: article.slug,
      title: article.title,
      file,
      fields: moved ? [...fields, 'source'] : fields,
      ...(moved && before.source !== null ? { previousSource: before.source } : {}),
    });
  }
  const imported = new Set(files.map((f) => f.article.slug));
  for (const r of rows)
    if (r.source === source && !imported.has(r.slug))
      report.removed.push({ slug: r.slug, title: r.title, file: r.path ?? '' });
  return report;
}
