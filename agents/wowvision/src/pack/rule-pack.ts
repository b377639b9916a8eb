import type { Scope, Severity } from '../kinds/index.ts';

export interface Rule {
  name: string;
  kind: string;
  severity: Severity | 'off';
  because: string | undefined;
  fix: string | undefined;
  scope: Scope | undefined;
  /** The kind's own fields, validated by its schema. */
  options: unknown;
  /** Where the rule was last written, for `explain`. */
  source: string;
}

/** A rule pack with its `extends` applied: what the engine runs. */
export interface RulePack {
  scope: Scope;
  baseline: string | undefined;
  review: { comments: boolean; maxComments: number };
  elements: Readonly<Record<string, string>>;
  rules: Rule[];
  /** The files the pack was read from, the entry file last. */
  files: string[];
  /** Changes whenever anything that judges code changes; keys caches and check runs. */
  hash: string;
}

export interface PackProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}
