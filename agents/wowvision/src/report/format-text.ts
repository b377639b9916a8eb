import type { Finding, Review } from '../engine/finding.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Linter-style lines (path:line:column severity message rule) with the because and fix texts. */
export function formatText(review: Review, options: { color?: boolean } = {}): string {
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const label = { error: paint(31, 'error'), warning: paint(33, 'warning'), notice: paint(36, 'notice') };
  const lines: string[] = [];
  for (const f of review.findings) {
    lines.push(`${f.path}:${f.line}:${f.column}  ${label[f.severity]}  ${f.message}  ${paint(2, f.rule)}`);
  }
  // Each rule's reasons once, after its findings, rather than on every line.
  const fired = rulesOf(review.findings).filter((r) => r.because !== undefined || r.fix !== undefined);
  if (fired.length > 0) lines.push('');
  for (const r of fired) {
    lines.push(`${paint(1, r.rule)} (${r.count})`);
    if (r.because !== undefined) lines.push(`  why: ${r.because}`);
    if (r.fix !== undefined) lines.push(`  fix: ${r.fix}`);
  }
  if (review.waived.length > 0) {
    lines.push('', `Waived (${review.waived.length}):`);
    for (const { finding, reason } of review.waived)
      lines.push(`  ${finding.path}:${finding.line}  ${finding.rule}  -- ${reason}`);
  }
  for (const { rule, why } of review.skipped) lines.push('', `Not run here: ${rule} (${why.replace(/`/g, '')}).`);
  if (review.pendingRuleChanges.length > 0)
    lines.push('', `Rule changes in ${review.pendingRuleChanges.join(', ')} take effect after merge.`);
  lines.push('', summaryLine(review));
  return lines.join('\n');
}

export function summaryLine(review: Review): string {
  const errors = review.findings.filter((f) => f.severity === 'error').length;
  const warnings = review.findings.filter((f) => f.severity === 'warning').length;
  const notices = review.findings.length - errors - warnings;
  const counts = [
    errors > 0 && plural(errors, 'error'),
    warnings > 0 && plural(warnings, 'warning'),
    notices > 0 && plural(notices, 'notice'),
  ]
    .filter(Boolean)
    .join(', ');
  const extras = [
    review.waived.length > 0 && `${review.waived.length} waived`,
    review.baselined.length > 0 && `${review.baselined.length} in the baseline`,
    review.outOfScope > 0 && `${review.outOfScope} outside the change`,
  ].filter(Boolean);
  const head =
    review.findings.length === 0
      ? '✔ No findings'
      : `${review.conclusion === 'failure' ? '✖' : '⚠'} ${plural(review.findings.length, 'finding')} (${counts}) ` +
        `in ${plural(new Set(review.findings.map((f) => f.path)).size, 'file')}`;
  const over = review.stats.wholeRepository
    ? `all ${review.stats.files} files`
    : `${plural(review.stats.changedFiles, 'changed file')} of ${review.stats.files}`;
  return `${head}${extras.length > 0 ? ` · ${extras.join(' · ')}` : ''} · ${review.stats.rules} rules over ${over}`;
}

/** The rules that fired, with their texts, for summaries. */
export function rulesOf(findings: readonly Finding[]): {
  rule: string;
  count: number;
  severity: Finding['severity'];
  because: string | undefined;
  fix: string | undefined;
}[] {
  const byRule = new Map<
    string,
    { rule: string; count: number; severity: Finding['severity']; because: string | undefined; fix: string | undefined }
  >();
  for (const f of findings) {
    const entry = byRule.get(f.rule) ?? {
      rule: f.rule,
      count: 0,
      severity: f.severity,
      because: f.because,
      fix: f.fix,
    };
    entry.count++;
    byRule.set(f.rule, entry);
  }
  return [...byRule.values()].sort((a, b) => b.count - a.count);
}
