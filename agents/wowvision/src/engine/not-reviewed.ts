import type { Review } from './finding.ts';

/**
 * A change the gate did not look at (its head is over a size cap): neither a pass nor a
 * block, `neutral`, with the reason where the check run's reader sees it first.
 */
export function notReviewed(reason: string): Review {
  return {
    findings: [],
    waived: [],
    baselined: [],
    outOfScope: 0,
    conclusion: 'neutral',
    notReviewed: reason,
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
