import { markdownText } from '#platform';
import type { DraftReview } from './review-draft.ts';

/** How the Flesch reading ease reads, by the bands Flesch gave it. */
function easeWords(score: number): string {
  if (score >= 80) return 'easy';
  if (score >= 60) return 'plain English';
  if (score >= 50) return 'fairly difficult';
  if (score >= 30) return 'difficult';
  return 'very difficult';
}

/** The review as the customer reads it: the grades, then each flagged sentence's words. */
export function renderReview(review: DraftReview): string {
  const g = review.grades;
  const lines = [
    '# Draft review',
    '',
    `${review.words} words in ${review.sentences} sentences: ${review.passiveCount} passive voice, ${review.weaselCount} weasel word(s).`,
    '',
    '## Readability',
    '',
    '| measure | score |',
    '|---|---|',
    `| Flesch reading ease | ${g.fleschReadingEase} (${easeWords(g.fleschReadingEase)}) |`,
    `| Flesch–Kincaid grade | ${g.fleschKincaidGrade} |`,
    `| Gunning fog | ${g.gunningFog} |`,
    `| Coleman–Liau | ${g.colemanLiau} |`,
    `| Automated readability | ${g.automatedReadability} |`,
    `| Consensus | ${markdownText(g.consensus)} |`,
    '',
  ];
  if (review.flags.length > 0) {
    lines.push('## Sentence by sentence', '');
    for (const f of review.flags)
      lines.push(
        `- Sentence ${f.sentence}, ${f.kind === 'passive' ? 'passive voice' : 'weasel word'}: "${markdownText(f.text)}"`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
