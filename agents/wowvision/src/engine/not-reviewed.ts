import type { Review } from './finding.ts';

/**
 * A change the gate could not look at (its head is over a size cap, a changed file cannot
 * be read, GitHub lists only part of it): a failure, never neutral, which branch protection
 * counts as passing, so that nothing unreviewed merges. `title` says so at a glance;
 * `reason` (Markdown) names the cause and what to do.
 */
export function notReviewed(title: string, reason: string): Review {
  return {
    findings: [],
    waived: [],
    baselined: [],
    outOfScope: 0,
    conclusion: 'failure',
    notReviewed: { title, reason },
    packHash: 'not-reviewed',
    pendingRuleChanges: [],
    skipped: [],
    stats: {
      files: 0,
      modules: 0,
      changedFiles: 0,
      wholeRepository: false,
      rules: 0,
      cachedFiles: 0,
      analysedFiles: 0,
    },
  };
}
