import { markdownText } from '#platform';
import type { FlagKind, WritingFeedback } from './writing-feedback.ts';

const kindNames: Record<FlagKind, string> = {
  passive: 'passive voice',
  illusion: 'repeated word',
  so: 'empty opening',
  thereIs: 'empty opening',
  weasel: 'vague word',
  adverb: 'weakening word',
  tooWordy: 'wordy phrase',
  cliches: 'cliché',
};
// A long sentence is cut in the table; the JSON has it whole.
const maxShown = 140;
const shown = (text: string) => markdownText(text.length > maxShown ? `${text.slice(0, maxShown - 1)}…` : text);

/** The feedback as a teacher hands it back: the grade against the target, the grades, then each sentence. */
export function renderFeedback(f: WritingFeedback): string {
  const g = f.grades;
  const verdict = {
    'on target': `It reads at about grade ${g.consensus}, on target for grade ${f.targetGrade}.`,
    'too hard': `It reads at about grade ${g.consensus}, harder than grade ${f.targetGrade}: shorten the sentences marked below first.`,
    'easier than the target':
      `It reads at about grade ${g.consensus}, easier than grade ${f.targetGrade}: ` +
      'there is room for longer sentences and richer words.',
  }[f.verdict];
  const counts = Object.entries(f.flagCounts).map(([k, n]) => `${kindNames[k as FlagKind]} ${n}`);
  return [
    '# Writing feedback',
    '',
    `${f.words} words in ${f.sentences} sentences. ${verdict}`,
    '',
    counts.length === 0 ? 'No style flags.' : `Style flags: ${counts.join(', ')}.`,
    '',
    '## Readability',
    '',
    '| measure | score |',
    '|---|---|',
    `| Flesch reading ease | ${g.fleschReadingEase} |`,
    `| Flesch–Kincaid grade | ${g.fleschKincaid} |`,
    `| Gunning fog | ${g.gunningFog} |`,
    `| SMOG | ${g.smog} |`,
    `| Coleman–Liau | ${g.colemanLiau} |`,
    `| Automated readability | ${g.automatedReadability} |`,
    `| Mean grade | ${g.consensus} (target ${f.targetGrade}) |`,
    '',
    '## Sentence by sentence',
    '',
    '| # | sentence | grade | flags | fix first |',
    '|---|---|---|---|---|',
    ...f.feedback.map(
      (s) =>
        `| ${[
          s.sentence,
          shown(s.text),
          s.grade,
          s.flags.map((fl) => `"${markdownText(fl.text)}" (${kindNames[fl.kind]})`).join('; ') || '—',
          s.fix === null ? '—' : markdownText(s.fix),
        ].join(' | ')} |`,
    ),
    '',
  ].join('\n');
}
