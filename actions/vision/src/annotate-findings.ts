import * as core from '@actions/core';
import type { Finding } from '../../../agents/wowvision/src/index.ts';

/** GitHub shows at most this many error and this many warning annotations per step. */
export const perStepLimit = 10;

const annotate = { error: core.error, warning: core.warning, notice: core.notice } as const;

/**
 * Annotates the findings GitHub will show as workflow annotations (at most `perStepLimit`
 * of each severity, in order) and returns how many it left out.
 */
export function annotateFindings(findings: readonly Finding[]): number {
  const shown = new Map<Finding['severity'], number>();
  let left = 0;
  for (const f of findings) {
    const n = shown.get(f.severity) ?? 0;
    if (n >= perStepLimit) {
      left += 1;
      continue;
    }
    shown.set(f.severity, n + 1);
    const endLine = f.endLine ?? f.line;
    annotate[f.severity](f.fix === undefined ? f.message : `${f.message}\nFix: ${f.fix}`, {
      title: f.rule,
      file: f.path,
      startLine: f.line,
      endLine,
      // GitHub takes columns only for an annotation on one line.
      ...(endLine === f.line
        ? { startColumn: f.column, ...(f.endColumn === undefined ? {} : { endColumn: f.endColumn }) }
        : {}),
    });
  }
  return left;
}
