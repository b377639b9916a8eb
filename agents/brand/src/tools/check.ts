import type { CustomerTask, ToolOutcome } from '#platform';
import { checkVoice } from '../voice/check-voice.ts';
import { renderVoice } from '../voice/render-voice.ts';
import { parseBanned, parsePreferred } from '../voice/terms.ts';
import type { CheckInput } from '../task-inputs.ts';

/**
 * brand.check: the text line by line against the brand's banned and preferred terms and
 * tone rules, as a Markdown report and the same as JSON, and the text with the
 * replacements made.
 */
export function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const terms = [...parseBanned(input.banned), ...parsePreferred(input.preferred)];
  const found = checkVoice(input.text, terms, {
    maxSentenceWords: input.maxSentenceWords ?? 25,
    exclamations: input.exclamations ?? 1,
    voice: input.voice ?? 'we',
  });
  const { revised, ...report } = found;
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'voice.md', mediaType: 'text/markdown', content: renderVoice(found) },
      { name: 'voice.json', mediaType: 'application/json', content: `${JSON.stringify(report, null, 2)}\n` },
      { name: 'revised.txt', mediaType: 'text/plain', content: revised.endsWith('\n') ? revised : `${revised}\n` },
    ],
    summary: `checked a ${found.words}-word text against a brand voice for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
