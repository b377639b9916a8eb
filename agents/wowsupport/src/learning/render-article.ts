import { stringify } from 'yaml';
import { removeHostileCharacters } from '#domains/support';
import type { ArticleDraft } from './extract-draft.ts';
import type { SolvedExchange } from './solved-exchange.ts';

/** A drafted article as the knowledge base's Markdown file: where it goes and what it holds. */
export interface ArticleFileDraft {
  slug: string;
  title: string;
  intent: string;
  /** Relative to the repository: `<folder>/learned/<slug>.md`. */
  path: string;
  markdown: string;
}

// L1 answers alone only for some intents; an article from an L3 topic keeps the topic as its
// intent, so a person still approves what is said about security, privacy or an outage.
const intentOf = (topic: string | null): string =>
  topic === 'billing'
    ? 'billing-question'
    : topic === 'security' || topic === 'privacy' || topic === 'outage'
      ? topic
      : 'how-to';

/** Lowercase words and hyphens, as article slugs are. */
const slugWords = (text: string) =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\[[a-z]+\]/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');

/**
 * The article file for a draft: one per ticket (its slug ends with the ticket's id, so a
 * second draft of the same ticket is the same file), with front matter written by a YAML
 * library (a title is a stranger's words: quoted as YAML needs) and the body as the
 * question in bold, then the answer. Characters that hide or reorder text are removed: the
 * desk quotes an article as its own words, and WowSearch's import refuses them.
 */
export function renderArticle(exchange: SolvedExchange, draft: ArticleDraft, folder: string): ArticleFileDraft {
  const title = removeHostileCharacters(draft.title, 'line').replace(/\s+/g, ' ').trim();
  const words = slugWords(title);
  const slug = `${words === '' ? 'solved' : words}-${exchange.ticketId.slice(0, 8)}`;
  const intent = intentOf(exchange.topic);
  const question = removeHostileCharacters(draft.question, 'answer').trim();
  const answer = removeHostileCharacters(draft.answer, 'answer').trim();
  const front = stringify({ slug, title, intent }, { lineWidth: 0 }).trim();
  const markdown = `---\n${front}\n---\n**${question.replace(/\*/g, '\\*')}**\n\n${answer}\n`;
  return { slug, title, intent, path: `${folder.replace(/\/+$/, '')}/learned/${slug}.md`, markdown };
}
