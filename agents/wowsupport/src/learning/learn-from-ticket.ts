import { readSql } from '#platform';
import { findTicket, ticketMessages } from '#domains/support';
import type { DeskContext } from '../desk-settings.ts';
import { recordedOnce } from '../handlers/recorded-once.ts';
import { draftArticle, type DraftedBy } from './draft-article.ts';
import type { ArticleDraft } from './extract-draft.ts';
import type { PersonalNames } from './redact-personal-data.ts';
import { renderArticle, type ArticleFileDraft } from './render-article.ts';
import { solvedExchange, type SolvedExchange } from './solved-exchange.ts';
import { writeArticlePull, type ArticlePull } from './write-article-pull.ts';

const sql = { customer: readSql(import.meta.url, 'select-customer-names') };

export type LearnOutcome =
  { did: 'skipped'; why: string } | { did: 'drafted'; slug: string; path: string; by: DraftedBy; pull: ArticlePull };

/** A rating as support.csat.received carries it. */
export interface Rating {
  ticketId: string;
  csatId: string;
  rating: 'good' | 'bad';
}

/**
 * A ticket L2 or L3 solved, rated good: its exchange becomes a knowledge-base article,
 * drafted (by the model where configured), redacted, and proposed as a pull request in the
 * knowledge base's repository, which a person reviews and merges; WowSearch imports it on
 * merge, so the next customer asking the same is answered at L1. The draft is made once per
 * rating (recorded with `ctx.once`, so a retry neither asks the model again nor drafts
 * differently) and the pull request is one per ticket (a marked write).
 */
export async function learnFromTicket(ctx: DeskContext, rating: Rating): Promise<LearnOutcome> {
  if (rating.rating !== 'good') return { did: 'skipped', why: 'rated bad: the answer is not one to repeat' };
  const { support } = ctx.settings;
  const { repo, dir } = support.knowledgeBase;
  if (repo === undefined) return { did: 'skipped', why: 'no SUPPORT_KB_REPO or SUPPORT_REPO to propose articles in' };
  if (ctx.githubApp === undefined)
    return { did: 'skipped', why: 'the GitHub App is not configured (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET)' };
  const key = `${rating.csatId}:kb-draft`;
  const recorded = await recordedOnce<Planned | { none: string }>(ctx, key);
  // Drafted outside the key's transaction (a model takes seconds, and on the embedded store that
  // transaction would hold its one connection), then recorded: the first draft recorded is the one used.
  const planned = recorded ?? (await draftOnce(ctx, key, await draftFromTicket(ctx, rating.ticketId, dir)));
  if ('none' in planned) return { did: 'skipped', why: planned.none };
  const [owner = '', name = ''] = repo.split('/');
  const client = await ctx.githubApp.forRepository(owner, name);
  const pull = await writeArticlePull(
    { client, owner, repo: name },
    {
      ticketId: rating.ticketId,
      file: planned.file,
      title: `Knowledge base: ${planned.file.title}`.slice(0, 200),
      description: describe(planned),
    },
  );
  await ctx.once(`${rating.csatId}:kb-drafted`, (tx) =>
    ctx.emit(
      {
        type: 'support.article.drafted',
        subject: rating.ticketId,
        data: {
          ticketId: rating.ticketId,
          slug: planned.file.slug,
          path: planned.file.path,
          by: planned.by,
          repository: repo,
          pull: pull.number,
        },
      },
      { tx },
    ),
  );
  return { did: 'drafted', slug: planned.file.slug, path: planned.file.path, by: planned.by, pull };
}

const draftOnce = (ctx: DeskContext, key: string, fresh: Planned | { none: string }) =>
  ctx.once(key, () => Promise.resolve(fresh));

/** A ticket's drafted article: the exchange it came from, the draft, and the file it makes. */
export interface Planned {
  exchange: SolvedExchange;
  draft: ArticleDraft;
  by: DraftedBy;
  file: ArticleFileDraft;
}

/**
 * The article a solved ticket makes, or why it makes none: its exchange read and redacted
 * (the customer's name and their organisation's among what is removed), drafted, and
 * rendered as a file of `folder`.
 */
export async function draftFromTicket(
  ctx: Pick<DeskContext, 'store' | 'llm' | 'log'>,
  ticketId: string,
  folder: string,
): Promise<Planned | { none: string }> {
  const ticket = await findTicket(ctx.store, ticketId);
  if (ticket === undefined) return { none: 'the ticket is not there' };
  const customer =
    ticket.customerId === null
      ? undefined
      : (await ctx.store.query<{ name: string; slug: string }>(sql.customer, [ticket.customerId])).rows[0];
  const names: PersonalNames = {
    customer: ticket.requester.name,
    organisation: [customer?.name, customer?.slug],
  };
  const exchange = solvedExchange(ticket, await ticketMessages(ctx.store, ticketId), names);
  if ('none' in exchange) return exchange;
  const { draft, by } = await draftArticle(ctx.llm, exchange, names, ctx.log);
  return { exchange, draft, by, file: renderArticle(exchange, draft, folder) };
}

/** The pull request's description: what the article is from, and what its reviewer checks. */
function describe({ exchange, by, file }: Planned): string {
  return [
    `WowSupport drafted this article from ticket \`${exchange.ticketId}\`, answered at ${exchange.tier}` +
      `${exchange.topic === null ? '' : ` (${exchange.topic})`} and rated good by the customer.`,
    by === 'model'
      ? 'Written by the model from the redacted exchange.'
      : "Picked from the exchange's own sentences (no model).",
    `Slug \`${file.slug}\`, intent \`${file.intent}\`. Merging it imports it into the knowledge base, so L1 answers the next such question.`,
    'Before merging, check that it names nobody and holds nothing private: names, addresses, phone numbers and links with ' +
      'tokens were replaced by placeholders, but a person reads it last.',
  ].join('\n\n');
}
