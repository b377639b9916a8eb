import { markdownText } from '#platform';
import type { DimensionCheck } from './check-dimensions.ts';
import type { Conversion } from './convert-quantities.ts';
import type { Dimension } from './quantities.ts';

const quantity = (d: Dimension) => d.quantity ?? '—';

/** The conversions as a table, the lines that cannot be converted said under it. */
export function renderConversions(conversions: readonly Conversion[]): string {
  const problems = conversions.filter((c) => c.problem !== null);
  const lines = [
    '# Conversions',
    '',
    `${conversions.length} quantities, ${problems.length} that cannot be converted as asked.`,
    '',
    '| line | quantity | converted | in SI | dimension |',
    '|---|---|---|---|---|',
    ...conversions.map(
      (c) =>
        `| ${[
          c.line,
          markdownText(c.from),
          c.result === null ? (c.problem === null ? '—' : '✗ see below') : markdownText(c.result),
          markdownText(c.si),
          markdownText(quantity(c.dimension)),
        ].join(' | ')} |`,
    ),
    '',
  ];
  if (problems.length > 0) {
    lines.push('## Cannot be converted', '');
    for (const c of problems) lines.push(`- Line ${c.line}: ${markdownText(c.problem ?? '')}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The analysis: the verdict, each variable's unit, each side's dimension, then every mismatch. */
export function renderDimensions(check: DimensionCheck): string {
  const verdict = check.consistent
    ? '**The formula is dimensionally consistent.**'
    : check.balanced
      ? '**The two sides match, but a term inside does not.**'
      : '**The two sides have different dimensions.**';
  const side = (d: Dimension) => `${markdownText(d.si)}${d.quantity === null ? '' : ` (${markdownText(d.quantity)})`}`;
  const lines = [
    '# Dimensional analysis',
    '',
    `Formula: \`${check.formula}\``,
    '',
    verdict,
    '',
    '| variable | unit | in SI base units | quantity |',
    '|---|---|---|---|',
    ...check.variables.map(
      (v) =>
        `| ${[
          markdownText(v.name),
          `${markdownText(v.unit)}${v.derived ? ' (from the right side)' : ''}`,
          markdownText(v.dimension.si),
          markdownText(quantity(v.dimension)),
        ].join(' | ')} |`,
    ),
    '',
    `- Left side: ${side(check.left)}`,
    `- Right side: ${side(check.right)}`,
    '',
  ];
  if (check.flags.length > 0) {
    lines.push('## What does not match', '');
    // A flag quotes the formula as mathjs wrote it back, in code spans; the rest is the tool's words.
    for (const f of check.flags) lines.push(`- ${f}`);
    lines.push('');
  }
  return lines.join('\n');
}
