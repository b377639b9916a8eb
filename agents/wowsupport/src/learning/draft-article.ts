import { z } from 'zod';
import type { LlmClient, Logger } from '#platform';
import { draftLimits, extractDraft, type ArticleDraft } from './extract-draft.ts';
import { redactPersonalData, type PersonalNames } from './redact-personal-data.ts';
import type { SolvedExchange } from './solved-exchange.ts';

const system = [
  'You turn a solved support ticket into a short help-centre article that answers the same question for anyone.',
  'Use only what the exchange says. Leave out who asked: no names, addresses, phone numbers, links with tokens, ids.',
  'Reply with JSON only: {"title": "<one line>", "question": "<the question, in general terms>", "answer": "<the steps>"}.',
  'If the exchange holds no reusable answer, reply with exactly NO_ARTICLE.',
].join(' ');

const modelDraft = z.object({
  title: z.string().trim().min(3).max(draftLimits.title),
  question: z.string().trim().min(3).max(draftLimits.question),
  answer: z.string().trim().min(3).max(draftLimits.answer),
});

/** How an article was drafted: by the model, or by picking sentences (no model, or it failed). */
export type DraftedBy = 'model' | 'extractive';

/**
 * The article drafted from a solved exchange: written by the model where one is configured,
 * and otherwise (or when it fails, declines, or answers out of shape or size) picked from the
 * exchange's own sentences. The model's words are redacted again, since it may echo what it
 * read; the exchange it reads is redacted already. A person reviews either in the pull request.
 */
export async function draftArticle(
  llm: LlmClient | undefined,
  exchange: SolvedExchange,
  names: PersonalNames,
  log: Logger,
): Promise<{ draft: ArticleDraft; by: DraftedBy }> {
  const extracted = { draft: extractDraft(exchange), by: 'extractive' as const };
  if (llm === undefined) return extracted;
  const user = [
    `Subject: ${exchange.subject}`,
    `Customer:\n${exchange.question}`,
    `Reply that solved it (${exchange.tier}${exchange.topic === null ? '' : `, ${exchange.topic}`}):\n${exchange.answer}`,
  ].join('\n\n');
  let text: string;
  try {
    text = (await llm.complete({ system, user })).trim();
  } catch (err) {
    // Only the error's words, cut: a model server may quote the prompt back.
    log.warn(
      { err: { message: (err instanceof Error ? err.message : String(err)).slice(0, 300) }, model: llm.model },
      'the model did not draft the article; it is drafted from the exchange',
    );
    return extracted;
  }
  const parsed = modelDraft.safeParse(parseJson(text.replace(/^```(?:json)?\s*|\s*```$/g, '')));
  if (text.includes('NO_ARTICLE') || !parsed.success) {
    log.info(
      { model: llm.model },
      "the model's draft was no article of the expected shape; it is drafted from the exchange",
    );
    return extracted;
  }
  const clean = (s: string) => redactPersonalData(s, names).trim();
  return {
    draft: {
      title: clean(parsed.data.title),
      question: clean(parsed.data.question),
      answer: clean(parsed.data.answer),
    },
    by: 'model',
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
