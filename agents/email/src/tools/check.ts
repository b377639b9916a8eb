import type { CustomerTask, ToolOutcome } from '#platform';
import { checkEmail, plainText } from '../check/check-email.ts';
import { renderCheck } from '../check/render-check.ts';
import { parseTokenList } from '../check/tokens.ts';
import type { CheckInput } from '../task-inputs.ts';

/**
 * email.check: the email checked before sending (subject, spam-trigger words, {{tokens}},
 * links, images against text) as a Markdown report and the same as JSON, and its
 * plain-text part written from the HTML (html-to-text).
 */
export function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const found = checkEmail(input.subject, input.html, parseTokenList(input.tokens));
  const fix = found.findings.filter((f) => f.level === 'fix').length;
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'check.md', mediaType: 'text/markdown', content: renderCheck(found) },
      { name: 'check.json', mediaType: 'application/json', content: `${JSON.stringify(found, null, 2)}\n` },
      { name: 'email.txt', mediaType: 'text/plain', content: plainText(input.html) },
    ],
    summary: `checked a marketing email (${fix} thing(s) to fix) for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
