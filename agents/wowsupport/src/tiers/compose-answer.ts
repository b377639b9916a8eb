import type { LlmClient, Logger } from '../../../runtime/src/index.ts';
import type { ArticleHit } from '../desk/knowledge-base.ts';

const system = [
  'You are the first tier of a support desk. Answer the customer\'s question using only the articles given.',
  'Be brief and concrete. Cite each article you use as (kb:<slug>), with the slugs given.',
  'If the articles do not answer the question, reply with exactly NO_ANSWER.',
].join(' ');

const closing = 'Did this answer your question? If not, reply to this message and a specialist will take over.';

/**
 * L1's reply composed by a model from the articles the rules chose, kept only when it is
 * grounded: it cites an article it was given and no other. Otherwise, or when the model
 * fails, the reply is the best article's excerpt, as without a model. The model writes;
 * it never decides whether L1 answers.
 */
export async function composeAnswer(llm: LlmClient | undefined, question: string, articles: readonly ArticleHit[], fallback: string, log: Logger): Promise<{ body: string; composed: boolean }> {
  if (llm === undefined || articles.length === 0) return { body: fallback, composed: false };
  const user = [
    `Question:\n${question}`,
    ...articles.map((a) => `Article kb:${a.slug}, "${a.title}":\n${a.excerpt.trim()}`),
  ].join('\n\n');
  let text: string;
  try {
    text = (await llm.complete({ system, user })).trim();
  } catch (err) {
    log.warn({ err, model: llm.model }, 'the model did not answer; L1 replies with the article\'s excerpt');
    return { body: fallback, composed: false };
  }
  const cited = [...text.matchAll(/\(kb:([a-z0-9-]+)\)/g)].map((m) => m[1]);
  const given = new Set(articles.map((a) => a.slug));
  const grounded = text !== '' && !text.includes('NO_ANSWER') && cited.length > 0 && cited.every((slug) => slug !== undefined && given.has(slug));
  if (!grounded) {
    log.info({ model: llm.model, cited }, 'the model\'s answer was not grounded in the given articles; L1 replies with the excerpt');
    return { body: fallback, composed: false };
  }
  return { body: `${text}\n\n${closing}`, composed: true };
}
