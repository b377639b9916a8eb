// WowVision's public entry: the engine every door uses (CLI, Action, the App through
// this agent's handler). Anything not exported here is internal to agents/wowvision.
export { reviewLocalRepo, type LocalReview, type LocalReviewOptions } from './local/review-local-repo.ts';
export { reviewChange, type ReviewChangeInput } from './engine/review-change.ts';
export { baselineOf, parseBaseline, type Baseline } from './engine/baseline.ts';
export type { Conclusion, Finding, Review, WaivedFinding } from './engine/finding.ts';
export { formatText, summaryLine } from './report/format-text.ts';
export { toSarif } from './report/to-sarif.ts';
export { checkRunOutput, checkLimits, type Annotation, type CheckRunOutput } from './report/check-run-output.ts';
export { loadRulePack, builtinPackNames } from './pack/load-rule-pack.ts';
export { findRulePack, packPaths } from './pack/find-rule-pack.ts';
export type { Rule, RulePack, PackProblem } from './pack/rule-pack.ts';
export { explainRule } from './report/explain-rule.ts';
