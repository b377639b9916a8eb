import { markdownText } from '#platform';
import type { Outline } from './outline-brief.ts';

/** The outline as the writer reads it: the title, then each section with its words and points. */
export function renderOutline(outline: Outline): string {
  const lines = [
    `# ${markdownText(outline.title)}`,
    '',
    `A ${outline.format.replace('-', ' ')} of about ${outline.words} words${outline.keyword === null ? '' : `, carrying "${markdownText(outline.keyword)}"`}.`,
    '',
  ];
  outline.sections.forEach((s, i) => {
    lines.push(`## ${i + 1}. ${markdownText(s.heading)} (${s.words} words)`, '');
    for (const p of s.points) lines.push(`- ${markdownText(p)}`);
    lines.push('');
  });
  return lines.join('\n');
}
