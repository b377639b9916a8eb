import { z } from 'zod';
import { parseAccountInput } from '../accounts/account-input.ts';

/**
 * The business-context questionnaire a trial starts with: what the agent needs to make its
 * first deliverable the organisation's own. Each answer is bounded (the table checks the
 * same limits) and lands in pages, mail and a model's prompt.
 */
export interface TrialAnswers {
  industry: string;
  goals: string;
  audience: string;
  tone: string;
  goodResult: string;
}

/** Each question: its field, its words on the form, and the longest answer taken. */
export const trialQuestions = [
  { field: 'industry', label: 'Your industry', hint: 'For example: B2B SaaS, healthcare, e-commerce.', max: 100 },
  { field: 'goals', label: 'Your goals', hint: 'What you want this agent to help you achieve.', max: 1000 },
  { field: 'audience', label: 'Your audience', hint: 'Who reads or uses what the agent makes.', max: 500 },
  { field: 'tone', label: 'Your tone', hint: 'How you sound, e.g. friendly and plain, or formal.', max: 200 },
  {
    field: 'goodResult',
    label: 'What a good result looks like',
    hint: 'How you will know the work is good.',
    max: 1000,
  },
] as const satisfies readonly { field: keyof TrialAnswers; label: string; hint: string; max: number }[];

// Line breaks and tabs are fine in a longer answer; other control characters are not text.
const hasControlCharacter = (text: string) =>
  Array.from(text).some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && c !== '\n' && c !== '\r' && c !== '\t') || code === 0x7f;
  });

const answer = (label: string, max: number) => {
  const what = label.charAt(0).toLowerCase() + label.slice(1);
  return z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Enter ${what} in at most ${max} characters` })
    .refine((v) => !hasControlCharacter(v), { error: `Enter ${what} as plain text, without control characters` });
};

const answersSchema = z.object(
  Object.fromEntries(trialQuestions.map((q) => [q.field, answer(q.label, q.max)])) as Record<
    keyof TrialAnswers,
    ReturnType<typeof answer>
  >,
);

/** The answers trimmed, or WOW_ERR_ACCOUNT_INPUT naming each field at fault (`data.errors`). */
export function parseTrialAnswers(input: Record<string, unknown>): TrialAnswers {
  return parseAccountInput(answersSchema, input);
}
