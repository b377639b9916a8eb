// WowSearch: keeps the knowledge base and answers searches of it for any agent. A
// search.articles request gets the articles that answer a question best (full-text, with
// trigram matches for typos and partial words, and with an embedding model and pgvector
// the articles nearest by meaning); `wow kb import` loads Markdown articles, and a schedule
// embeds what an import wrote. A pull request merged into the knowledge base's folder is
// imported as it lands (the articles WowSupport drafts from solved tickets among them).
import { answering, defineAgent, githubEvent, type SetupContext } from '#platform';
import { answerSearch } from './answer-search.ts';
import { importOnMerge } from './import/import-on-merge.ts';
import { forgetSearches, refreshSearches } from './cache/cached-searches.ts';
import { searchArticlesProtocol } from './search-protocol.ts';
import { embedStaleArticles } from './embeddings/embed-articles.ts';
import { createSearchState, searchSettings, type SearchSettings, type SearchState } from './search-settings.ts';

// `wow kb import` and `wow kb search` (cli/commands/kb.ts) call these; tests and the
// benchmark read and write articles through them.
export type { Article } from './articles/article.ts';
export { upsertArticle, upsertArticles } from './articles/upsert-articles.ts';
export { embedStaleArticles } from './embeddings/embed-articles.ts';
export { importArticles, type ChangedField, type ImportOptions, type ImportReport } from './import/import-articles.ts';
export { importMergedArticles, mergedSourceOf, type MergedImport } from './import/import-merged-articles.ts';
export { parseArticle } from './import/parse-article.ts';
export { importLimits, readArticleFiles, type ArticleFile, type ArticleSource } from './import/read-article-files.ts';
export { searchKnowledgeBase } from './search-knowledge-base.ts';
export { fuseByReciprocalRank, searchArticles, type ArticleHit } from './search/search-articles.ts';
export { searchFeatures, type SearchFeatures } from './search/search-features.ts';
export type { SearchReply, SearchRequest } from './answer-search.ts';
export { forgetSearches, refreshSearches, searchCacheTag } from './cache/cached-searches.ts';
// The protocol callers ask with (`ctx.request(searchArticlesProtocol, { query })`); agent.yml `answers` it.
export { searchArticlesProtocol } from './search-protocol.ts';

export default defineAgent({
  settings: searchSettings,
  setup: (ctx: SetupContext<SearchSettings>): SearchState => createSearchState(ctx.settings),
  on: {
    'search.articles': answering(searchArticlesProtocol, answerSearch),
    'github.pull_request.closed': { input: githubEvent<'pull_request.closed'>(), handle: importOnMerge },
  },
  every: {
    // `wow kb import` drops cached searches through Redis; on the in-process bus it cannot
    // reach this process, so a change to the articles is noticed here within the interval.
    freshness: {
      interval: 30_000,
      async handle(ctx) {
        if (await refreshSearches(ctx.store, ctx.cache, ctx.state.knowledgeBase))
          ctx.log.info('the knowledge base changed: cached searches dropped');
      },
    },
    // An import writes articles only; with a model and pgvector, their embeddings follow here.
    embed: {
      interval: 60_000,
      async handle(ctx) {
        const { embedder } = ctx.state;
        if (embedder === undefined) return;
        const written = await embedStaleArticles(ctx.store, embedder, { limit: 256, signal: ctx.signal });
        if (written === 0) return;
        // New embeddings change what the vector path finds.
        await forgetSearches(ctx.cache);
        ctx.log.info({ written, model: embedder.model }, 'embedded knowledge-base articles');
      },
    },
  },
});
