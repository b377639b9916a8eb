import { createHash } from 'node:crypto';
import type { PackProblem } from '../pack/rule-pack.ts';
import type { Review } from './finding.ts';

/**
 * An invalid rule pack is a failing review located on the pack, never a crash and never
 * a silent pass.
 */
export function configReview(problems: readonly PackProblem[], changedFiles: number): Review {
  const findings = problems.map((p) => ({
    path: p.file.replace(/ \(built-in\)$/, ''),
    line: p.line,
    column: p.column,
    message: p.message,
    rule: 'wowvision/config',
    kind: 'config',
    severity: 'error' as const,
    because: 'WowVision cannot judge this change until its rule pack is valid.',
    fix: 'Correct the rule pack; `wow review` prints the same problems locally.',
    fingerprint: createHash('sha1').update(`${p.file}:${p.line}:${p.message}`).digest('hex').slice(0, 20),
  }));
  return {
    findings,
    waived: [],
    baselined: [],
    outOfScope: 0,
    conclusion: 'failure',
    packHash: 'invalid',
    pendingRuleChanges: [],
    skipped: [],
    stats: { files: 0, modules: 0, changedFiles, wholeRepository: false, rules: 0, cachedFiles: 0, analysedFiles: 0 },
  };
}
