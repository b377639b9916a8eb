import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';

/**
 * An issue body as GitHub renders the New-agent form, from answers: `### Label` sections in
 * the questionnaire's order, `_No response_` for the unanswered. Every textarea answer is
 * inside a code fence longer than any run of backticks in it, so a customer's text can hold
 * no heading that the parser would take for another question, and no @mention or image that
 * GitHub would act on.
 */
export function renderIssueBody(answers: Answers, q: Questionnaire, preface: string): string {
  const sections = q.fields.map((field) => {
    const answer = answers[field.id];
    const value =
      answer === undefined
        ? '_No response_'
        : field.type === 'checkboxes'
          ? (field.options ?? []).map((o) => `- [${[answer].flat().includes(o) ? 'X' : ' '}] ${o}`).join('\n')
          : field.type === 'textarea'
            ? fenced([answer].flat().join('\n'))
            : [answer].flat().join(', ');
    return `### ${field.label}\n\n${value}`;
  });
  return [preface, ...sections].join('\n\n') + '\n';
}

function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
