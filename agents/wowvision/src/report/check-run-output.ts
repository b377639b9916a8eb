import type { Finding, Review } from '../engine/finding.ts';
import { rulesOf, summaryLine } from './format-text.ts';
import { inlineCode } from './inline-code.ts';

/** GitHub's limits for check run output (Checks API). */
export const checkLimits = { text: 65_535, title: 255, annotationsPerRequest: 50, annotationMessage: 64_000 } as const;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  annotations: Annotation[];
}

const icon = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;
const levelOf = { error: 'failure', warning: 'warning', notice: 'notice' } as const;

/** The check run's title, Markdown summary (within GitHub's limit, with an "N more" tail) and annotations. */
export function checkRunOutput(review: Review, options: { limit?: number } = {}): CheckRunOutput {
  const limit = options.limit ?? checkLimits.text;
  if (review.notReviewed !== undefined)
    return {
      title: clip(review.notReviewed.title, checkLimits.title),
      summary: clip(`**WowVision reviewed nothing, so this check fails:** ${review.notReviewed.reason}`, limit),
      annotations: [],
    };
  const title = clip(
    review.findings.length === 0
      ? 'No findings'
      : summaryLine(review)
          .replace(/ · \d+ rules over.*$/, '')
          .replace(/^[✖⚠] /, ''),
    checkLimits.title,
  );
  const head: string[] = [`**WowVision**: ${summaryLine(review).replace(/^[✖⚠✔] /, '')}.`, ''];
  if (review.pendingRuleChanges.length > 0)
    head.push(
      `> Rule changes in ${review.pendingRuleChanges.map((p) => `\`${p}\``).join(', ')} take effect after merge; ` +
        "this change is judged by the base branch's rules.",
      '',
    );
  const fired = rulesOf(review.findings);
  if (fired.length > 0) {
    head.push('| | rule | findings | why | how to fix |', '|---|---|---:|---|---|');
    for (const r of fired)
      head.push(`| ${icon[r.severity]} | \`${r.rule}\` | ${r.count} | ${cell(r.because)} | ${cell(r.fix)} |`);
    head.push('', '### Findings', '');
  }
  const tail: string[] = [];
  if (review.waived.length > 0) {
    tail.push('', `### Waived (${review.waived.length})`, '');
    for (const { finding, reason } of review.waived)
      tail.push(
        `- ${inlineCode(`${finding.path}:${finding.line}`, 300)} \`${finding.rule}\`: ${inlineCode(reason, 2000)}`,
      );
  }
  if (review.skipped.length > 0) {
    tail.push('', `### Not run here (${review.skipped.length})`, '');
    for (const { rule, why } of review.skipped) tail.push(`- \`${rule}\`: ${why}.`);
  }
  if (review.baselined.length > 0)
    tail.push('', `${review.baselined.length} known finding(s) from the baseline are not counted.`);
  const tailText = tail.join('\n');
  let body = head.join('\n');
  // Paths and messages come from the head (file names, imports, a model's advice): code spans, so no mention, link or HTML.
  const items = review.findings.map(
    (f) =>
      `- ${icon[f.severity]} ${inlineCode(`${f.path}:${f.line}`, 300)} ${inlineCode(f.message, 2000)} (\`${f.rule}\`)`,
  );
  let shown = 0;
  for (const item of items) {
    const rest = items.length - shown - 1;
    const reserve = tailText.length + (rest > 0 ? 40 : 0) + 2;
    if (body.length + item.length + 1 + reserve > limit) break;
    body += `\n${item}`;
    shown++;
  }
  if (shown < items.length)
    body += `\n\n…and ${items.length - shown} more finding(s); every one is annotated on its line.`;
  body = clip(body + tailText, limit);
  return { title, summary: body, annotations: review.findings.map(annotationOf) };
}

export function annotationOf(f: Finding): Annotation {
  const sameLine = (f.endLine ?? f.line) === f.line;
  const message = [f.message, f.because && `Because: ${f.because}`, f.fix && `Fix: ${f.fix}`]
    .filter(Boolean)
    .join('\n');
  return {
    path: f.path,
    start_line: f.line,
    end_line: f.endLine ?? f.line,
    // Columns are only allowed on one-line annotations.
    ...(sameLine ? { start_column: f.column, end_column: f.endColumn ?? f.column } : {}),
    annotation_level: levelOf[f.severity],
    message: clip(message, checkLimits.annotationMessage),
    title: clip(`${f.rule} (WowVision)`, checkLimits.title),
  };
}

/** Cuts text to `max` characters, saying so. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n…(cut to fit GitHub’s limit)';
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

function cell(text: string | undefined): string {
  return text === undefined ? '' : escape(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function escape(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}
