import type { Finding } from './finding.ts';

/**
 * Known findings an existing codebase adopts the gate with: they are listed, not counted.
 * Entries match by fingerprint (rule, path and what the finding is about, not its line),
 * and each entry absorbs one finding. Reading one from a file is parse-baseline.ts, loaded
 * only when a pack names a baseline: its schema library is most of a review's start-up.
 */
export interface Baseline {
  version: 1;
  findings: { rule: string; path: string; fingerprint: string; message: string }[];
}

export function baselineOf(findings: readonly Finding[]): Baseline {
  return {
    version: 1,
    findings: [...findings]
      .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line)
      .map((f) => ({ rule: f.rule, path: f.path, fingerprint: f.fingerprint, message: f.message })),
  };
}

/** Splits findings into those the baseline knows and the rest. */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline | undefined,
): { known: Finding[]; fresh: Finding[] } {
  if (baseline === undefined) return { known: [], fresh: [...findings] };
  const budget = new Map<string, number>();
  for (const entry of baseline.findings) budget.set(entry.fingerprint, (budget.get(entry.fingerprint) ?? 0) + 1);
  const known: Finding[] = [];
  const fresh: Finding[] = [];
  for (const finding of findings) {
    const left = budget.get(finding.fingerprint) ?? 0;
    if (left > 0) {
      budget.set(finding.fingerprint, left - 1);
      known.push(finding);
    } else fresh.push(finding);
  }
  return { known, fresh };
}
