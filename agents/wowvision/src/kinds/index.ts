import { advisory } from './advisory.ts';
import { agentBoundary } from './agent-boundary.ts';
import { coverage } from './coverage.ts';
import { cycle } from './cycle.ts';
import { dependency } from './dependency.ts';
import { domain } from './domain.ts';
import { eslint } from './eslint.ts';
import { hiddenCharacters } from './hidden-characters.ts';
import { manifest } from './manifest.ts';
import { naming } from './naming.ts';
import { requiredFiles } from './required-files.ts';
import type { RuleKind } from './rule-kind.ts';
import { secrets } from './secrets.ts';
import { typescript } from './typescript.ts';

export type {
  Advisor,
  ChangedFile,
  CheckoutView,
  Hit,
  ImportEdge,
  ImportGraph,
  ReviewView,
  RuleKind,
  Scope,
  Severity,
  TextFile,
} from './rule-kind.ts';
export { compilePattern } from './support/path-pattern.ts';
export { forgetSources } from './support/load-typescript.ts';

/** Every rule kind a pack may name, by `kind:`. */
export const ruleKinds: ReadonlyMap<string, RuleKind> = new Map(
  (
    [
      dependency,
      cycle,
      agentBoundary,
      requiredFiles,
      naming,
      manifest,
      domain,
      typescript,
      secrets,
      hiddenCharacters,
      eslint,
      coverage,
      advisory,
    ] as RuleKind<never>[]
  ).map((k) => [k.name, k as RuleKind]),
);
