// WowVision's engine alone: what a door that reviews a checkout (`wow review`) imports to
// start without the agent, its GitHub door and the platform's runtime. index.ts, the
// agent's public entry, exports the same names.
export { reviewLocalRepo, type LocalReview, type LocalReviewOptions } from './local/review-local-repo.ts';
export { reviewChange, type ReviewChangeInput } from './engine/review-change.ts';
export { baselineOf, type Baseline } from './engine/baseline.ts';
export type { Conclusion, Finding, Review, WaivedFinding } from './engine/finding.ts';
export { formatText, summaryLine } from './report/format-text.ts';
export { inlineCode } from './report/inline-code.ts';
export { toSarif } from './report/to-sarif.ts';
export { checkRunOutput, checkLimits, type Annotation, type CheckRunOutput } from './report/check-run-output.ts';
export { loadRulePack, builtinPackNames } from './pack/load-rule-pack.ts';
export { findRulePack, packPaths } from './pack/find-rule-pack.ts';
export type { Rule, RulePack, PackProblem } from './pack/rule-pack.ts';
export { explainRule } from './report/explain-rule.ts';
export { workingTreeSnapshot } from './repo/open-git-change.ts';
export { snapshotFromTarball, type SizedSnapshot, type TarballLimits } from './repo/read-tarball.ts';
export { snapshotOf, type RepoSnapshot } from './repo/repo-snapshot.ts';
export { overlaySnapshot } from './repo/overlay-snapshot.ts';
export type { FileChange } from './change/parse-diff.ts';
export { createMemoryCache, type ReviewCache } from './cache/review-cache.ts';
