import type { Hit, Severity } from '../kinds/index.ts';

/** A hit as reported: with its rule, severity, texts and a line-independent fingerprint. */
export interface Finding extends Hit {
  rule: string;
  kind: string;
  severity: Severity;
  because: string | undefined;
  fix: string | undefined;
  fingerprint: string;
}

export interface WaivedFinding {
  finding: Finding;
  reason: string;
}

export type Conclusion = 'success' | 'neutral' | 'failure';

export interface Review {
  /** Findings that count: in scope, neither waived nor in the baseline; sorted by path and line. */
  findings: Finding[];
  waived: WaivedFinding[];
  baselined: Finding[];
  /** Findings outside the scope (old code the change does not touch). */
  outOfScope: number;
  /** failure: an error, or nothing could be reviewed; neutral: warnings or notices only; success: nothing. */
  conclusion: Conclusion;
  /**
   * Why no rule ran (the head is over a size cap, a changed file could not be read, GitHub
   * listed only part of the change): a title and the reason in Markdown. The conclusion is
   * then failure, since branch protection counts a neutral check as passing.
   */
  notReviewed?: { title: string; reason: string };
  packHash: string;
  /** Rule-pack files the change edits: they judge only after merge. */
  pendingRuleChanges: string[];
  /** Rules that could not run at this door, and why (a tool kind in the App). */
  skipped: { rule: string; why: string }[];
  /** `wholeRepository`: every file was judged (`--all`), not only what the change touches. */
  stats: {
    files: number;
    modules: number;
    changedFiles: number;
    wholeRepository: boolean;
    rules: number;
    cachedFiles: number;
    analysedFiles: number;
  };
}

export function conclusionOf(findings: readonly Finding[]): Conclusion {
  if (findings.some((f) => f.severity === 'error')) return 'failure';
  return findings.length > 0 ? 'neutral' : 'success';
}
