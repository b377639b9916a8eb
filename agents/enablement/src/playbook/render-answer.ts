import { markdownText } from '#platform';
import type { ObjectionAnswer, Step } from './find-passages.ts';

const stepWords: Record<Step, string> = { acknowledge: 'Acknowledge', respond: 'Respond', prove: 'Prove', ask: 'Ask' };

/** The answer as a rep reads it before the call: the talk track first, then the passages it comes from. */
export function renderAnswer(a: ObjectionAnswer): string {
  const lines = [`# Objection: ${markdownText(a.objection)}`, '', '## Talk track', ''];
  a.talkTrack.forEach((line, i) =>
    lines.push(
      `${i + 1}. **${stepWords[line.step]}**: ${markdownText(line.text)}${line.from === null ? '' : ` (paragraph ${line.from})`}`,
    ),
  );
  lines.push('', '## From your playbook', '');
  if (a.passages.length === 0)
    lines.push(
      `None of the playbook's ${a.paragraphs} paragraphs mentions ${a.terms.map((t) => `\`${t}\``).join(', ')}: ` +
        'the playbook has nothing on this objection yet.',
      '',
    );
  for (const p of a.passages)
    lines.push(
      `### ${p.rank}. Paragraph ${p.number}${p.section === null ? '' : `, under "${markdownText(p.section)}"`}`,
      '',
      `Score ${p.score.toFixed(3)}; matched ${p.matched.map((t) => `\`${t}\``).join(', ')}.`,
      '',
      `> ${markdownText(p.text)}`,
      '',
    );
  return lines.join('\n');
}
