import type { LlmClient, Logger } from '#platform';
import type { ArticleHit } from './ask-wowsearch.ts';
import { findUngrounded } from './find-ungrounded.ts';

const system = [
  "You are the first tier of a support desk. Answer the customer's question using only the articles given.",
  'Be brief and concrete. Cite each article you use as (kb:<slug>), with the slugs given.',
  'If the articles do not answer the question, reply with exactly NO_ANSWER.',
].join(' ');

const closing = 'Did this answer your question? If not, reply to this message and a specialist will take over.';
/** L1 answers briefly; a longer reply is not what was asked for. */
const maxReplyLength = 4_000;

/**
 * L1's reply composed by a model from the articles the rules chose, kept only when it is
 * grounded: it cites an article it was given and no other, and says nothing those
 * articles do not (findUngrounded: no link, address, phone number or word of its own).
 * Otherwise, or when the model fails, the reply is the best article's excerpt, as without
 * a model. The model writes; it never decides whether L1 answers.
 */
export async function composeAnswer(
  llm: LlmClient | undefined,
  question: string,
  articles: readonly ArticleHit[],
  fallback: string,
  log: Logger,
): Promise<{ body: string; composed: boolean }> {
  if (llm === undefined || articles.length === 0) return { body: fallback, composed: false };
  const user = [
    `Question:\n${question}`,
    ...articles.map((a) => `Article kb:${a.slug}, "${a.title}":\n${a.excerpt.trim()}`),
  ].join('\n\n');
  let text: string;
  try {
    text = (await llm.complete({ system, user })).trim();
  } catch (err) {
    // Only the error's words, cut: a model server may quote the prompt, the customer's text, back.
    log.warn(
      { err: { message: (err instanceof Error ? err.message : String(err)).slice(0, 300) }, model: llm.model },
      "the model did not answer; L1 replies with the article's excerpt",
    );
    return { body: fallback, composed: false };
  }
  const cited = [...text.matchAll(/\(kb:([a-z0-9-]+)\)/g)].map((m) => m[1]);
  const given = new Set(articles.map((a) => a.slug));
  const cites =
    text !== '' &&
    !text.includes('NO_ANSWER') &&
    cited.length > 0 &&
    cited.every((slug) => slug !== undefined && given.has(slug));
  const beyond = !cites
    ? 'no citation of the given articles alone'
    : text.length > maxReplyLength
      ? `more than ${maxReplyLength} characters`
      : findUngrounded(text, articles);
  if (beyond !== undefined) {
    log.info(
      { model: llm.model, cited: cited.slice(0, 10), beyond },
      "the model's answer was not grounded in the given articles; L1 replies with the excerpt",
    );
    return { body: fallback, composed: false };
  }
  return { body: `${text}\n\n${closing}`, composed: true };
}
