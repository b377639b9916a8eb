import type { Command } from 'commander';
import type { Logger, Store } from '#platform';
import { createError } from '../errors.ts';
import type { ArticleHit, ImportReport } from '../../agents/wowsearch/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp =
  '\nExit codes: 0 done, 1 the operation failed (an article is invalid: nothing was written), 2 bad usage or configuration (e.g. a path that holds no articles).';

/**
 * A file name is the one thing an import prints that no check has read: shown with any
 * control or hidden character as its escape, never raw on the terminal.
 */
async function textShown(): Promise<(text: string) => string> {
  const { escapeHiddenCharacters, hiddenCharacterPattern } = await import('#platform');
  return (text) => escapeHiddenCharacters(text, hiddenCharacterPattern());
}

/** `wow kb …`: the knowledge base WowSearch searches (agents/wowsearch). */
export function registerKbCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const kb = program
    .command('kb')
    .description('The knowledge base L1 answers from: load Markdown articles, and search them as WowSearch does');
  registerImportCommand(kb, io, setCode);
  registerSearchCommand(kb, io, setCode);
}

function registerImportCommand(kb: Command, io: CliIo, setCode: SetCode): void {
  kb.command('import')
    .description(
      'Load Markdown articles (a folder, read with its sub-folders, or one .md file) into the knowledge base. Each starts with front matter giving its slug (default: the file name), title and intent. Idempotent: it adds what is new, updates what changed, and deletes what this folder imported before and no longer holds; all in one transaction, after every file was checked.',
    )
    .argument('<path>', 'a folder of .md articles (README.md and dot-files are skipped), or one .md file')
    .option('--dry-run', 'say what would be added, changed and removed; write nothing')
    .option(
      '--source <name>',
      'record the articles under this name instead of the real path of <path> (keep it the same when the folder moves)',
    )
    .option('--json', 'print the report as JSON: { source, dryRun, added, changed, removed, unchanged }')
    .addHelpText(
      'after',
      `${exitHelp}\n\nAn article:\n  ---\n  slug: reset-api-key\n  title: Reset your API key\n  intent: how-to\n  ---\n  To reset your API key, open Settings …\n\nExamples:\n  wow kb import docs/kb --dry-run\n  wow kb import docs/kb`,
    )
    .action(async (path: string, opts: { dryRun?: boolean; source?: string; json?: boolean }) => {
      const { importArticles } = await import('../../agents/wowsearch/src/index.ts');
      if (opts.source?.trim() === '')
        throw createError('WOW_ERR_CLI_USAGE', { problem: '--source needs a name, e.g. help-centre' });
      const report = await withKnowledgeBase(io, (store) =>
        importArticles(store, path, { dryRun: opts.dryRun === true, source: opts.source }),
      );
      if (report.added.length + report.changed.length + report.removed.length > 0 && !report.dryRun)
        await forgetCachedSearches(io);
      io.stdout.write(
        opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : importSummary(report, await textShown()),
      );
      setCode(exitCodes.ok);
    });
}

function registerSearchCommand(kb: Command, io: CliIo, setCode: SetCode): void {
  kb.command('search')
    .description(
      'Search the knowledge base as WowSearch answers L1 (with its embedding model, WOWSEARCH_EMBEDDINGS_*, when one is configured): the best articles first, with the share of the question each covers (L1 answers alone from SUPPORT_L1_THRESHOLD, 60%) and the passage that matches',
    )
    .argument('<text>', 'the question, as a customer would ask it')
    .option('--limit <n>', 'how many articles, 1 to 20', '5')
    .option('--json', 'print the articles as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow kb search "How do I rotate my API key?"`)
    .action(async (text: string, opts: { limit: string; json?: boolean }) => {
      const { searchKnowledgeBase } = await import('../../agents/wowsearch/src/index.ts');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 20)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `--limit takes a whole number from 1 to 20, not "${opts.limit}"`,
        });
      const hits = await withKnowledgeBase(io, (store, log) =>
        searchKnowledgeBase(store, text, { limit, env: io.env, log }),
      );
      io.stdout.write(
        opts.json === true ? `${JSON.stringify(hits, null, 2)}\n` : searchSummary(hits, await textShown()),
      );
      setCode(exitCodes.ok);
    });
}

function importSummary(r: ImportReport, shown: (text: string) => string): string {
  const head = r.dryRun
    ? `dry run, nothing written: importing ${shown(r.source)} would add ${r.added.length}, change ${r.changed.length} and remove ${r.removed.length} (${r.unchanged} unchanged)\n`
    : `✔ imported ${shown(r.source)}: ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed, ${r.unchanged} unchanged\n`;
  const rows = [
    ...r.added.map((a) => ['added', a.slug, a.title, shown(a.file), '']),
    ...r.changed.map((c) => [
      'changed',
      c.slug,
      c.title,
      shown(c.file),
      c.fields.join(', ') + (c.previousSource === undefined ? '' : ` (was ${shown(c.previousSource)})`),
    ]),
    ...r.removed.map((d) => ['removed', d.slug, d.title, shown(d.file), '']),
  ];
  return rows.length === 0 ? head : head + formatTable(['CHANGE', 'SLUG', 'TITLE', 'FILE', 'WHAT CHANGED'], rows, '');
}

function searchSummary(hits: readonly ArticleHit[], shown: (text: string) => string): string {
  if (hits.length === 0) return 'No article matches. Write one and load it with `wow kb import <folder>`.\n';
  return hits
    .map(
      (h, i) =>
        `${i + 1}. ${h.title} (kb:${h.slug}, ${h.intent}): covers ${Math.round(h.coverage * 100)}% of the question` +
        `${h.similarity === undefined ? '' : `, similarity ${h.similarity.toFixed(2)}`}\n   ${shown(h.excerpt.replace(/\s+/g, ' ').trim())}\n`,
    )
    .join('');
}

/**
 * Drops WowSearch's cached answers in every process, through Redis beside the bus. On the
 * in-process bus no other process can be reached: WowSearch notices the change itself
 * within its freshness interval (agents/wowsearch/src/index.ts).
 */
async function forgetCachedSearches(io: CliIo): Promise<void> {
  const { createCache, createLogger, loadConfig } = await import('#platform');
  const { forgetSearches } = await import('../../agents/wowsearch/src/index.ts');
  const config = loadConfig(io.env);
  if (config.redis.url === undefined) return;
  const cache = await createCache({
    redisUrl: config.redis.url,
    keyPrefix: config.bus.keyPrefix,
    log: createLogger('silent'),
  });
  try {
    await forgetSearches(cache.namespace('wowsearch'));
  } finally {
    await cache.close();
  }
}

/**
 * Runs `work` on the platform's database, migrated first (a fresh embedded database has no
 * tables yet). A path that holds no articles is bad usage (exit 2).
 */
async function withKnowledgeBase<T>(io: CliIo, work: (store: Store, log: Logger) => Promise<T>): Promise<T> {
  const { createLogger, isWowError, loadConfig, migrate, openStore } = await import('#platform');
  const config = loadConfig(io.env);
  const log = createLogger('silent');
  const store = await openStore(config, log);
  try {
    await migrate(store, { log });
    return await work(store, log);
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_KB_SOURCE'))
      throw createError('WOW_ERR_CLI_USAGE', { problem: err.message }, { cause: err });
    throw err;
  } finally {
    await store.close();
  }
}
