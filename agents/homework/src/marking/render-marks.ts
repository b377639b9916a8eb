import { markdownText } from '#platform';
import type { MarkedSet } from './mark-answers.ts';

const verdicts = { true: '✓ right', false: '✗ wrong', null: '? cannot tell' } as const;

/** The marked set as a teacher hands it back: the score, then each problem with the first wrong step explained. */
export function renderMarks(set: MarkedSet): string {
  const total = set.problems.length;
  return [
    '# Problem set marked',
    '',
    `**${set.right} of ${total} right**${set.wrong > 0 ? `, ${set.wrong} wrong` : ''}` +
      `${set.undecided > 0 ? `, ${set.undecided} the tool could not decide` : ''}.` +
      (set.tolerance === null ? '' : ` Numeric answers within ${set.tolerance} of the exact value count as right.`),
    '',
    '| # | question | answer | verdict | right answer | first wrong step |',
    '|---|---|---|---|---|---|',
    ...set.problems.map(
      (p) =>
        `| ${[
          p.problem,
          `\`${p.question}\``,
          p.steps.map((s) => `\`${s}\``).join(' = '),
          verdicts[String(p.correct) as 'true' | 'false' | 'null'],
          `\`${p.expected}\``,
          p.correct === true ? '—' : markdownText(p.explanation),
        ].join(' | ')} |`,
    ),
    '',
  ].join('\n');
}
