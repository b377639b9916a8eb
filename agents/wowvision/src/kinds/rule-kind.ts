import type { ZodType } from 'zod';

/**
 * The contract between the WowVision engine and the code of each rule kind. A kind sees
 * the change through `ReviewView` and returns hits; the engine adds the rule's name,
 * severity and texts, applies waivers, the baseline and the scope, and reports.
 */
export type Severity = 'error' | 'warning' | 'notice';

/** Which findings can block: on changed lines only, anywhere in changed files, or anywhere. */
export type Scope = 'changed' | 'file' | 'all';

export interface Hit {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  /** Lower than the rule's severity for this hit (an ESLint warning under an error rule); never higher. */
  severity?: Severity;
  /**
   * What the hit is about, independent of line numbers (e.g. "a.ts -> b.ts"), so a
   * baseline entry survives edits above it. Defaults to the text of the line.
   */
  key?: string;
}

export interface ImportEdge {
  from: string;
  line: number;
  column: number;
  /** As written: "./x.ts", "@scope/pkg/sub", "node:fs". */
  specifier: string;
  /** The repository file it resolves to; undefined for packages and unresolved paths. */
  to: string | undefined;
  /** The package name for a bare specifier ("@scope/pkg", "node:fs" for built-ins). */
  external: string | undefined;
  /** `import type …` / `export type … from`: gone at run time. */
  typeOnly: boolean;
  /** `import()` or `require()`: resolved when the line runs. */
  dynamic: boolean;
  /** `export … from`. */
  reexport: boolean;
}

export interface ImportGraph {
  /** Every JavaScript/TypeScript file of the repository. */
  readonly modules: readonly string[];
  edgesOf(path: string): readonly ImportEdge[];
}

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  /** Lines of the head version that the change added or altered. */
  addedLines: ReadonlySet<number>;
}

export interface TextFile {
  path: string;
  text: string;
}

export interface ReviewView {
  /** Every file of the head commit. */
  readonly files: readonly string[];
  exists(path: string): boolean;
  read(path: string): Promise<string>;
  /**
   * The text of a file at the change's base revision: undefined where it did not exist
   * there, or where nothing is compared (a tree reviewed as it is, `wow review --all`).
   */
  readBase(path: string): Promise<string | undefined>;
  readonly graph: ImportGraph;
  /** Files the change touches, by path at head. */
  readonly changes: ReadonlyMap<string, ChangedFile>;
  /** Files whose findings can count under the rule's scope (changed files, or all). */
  readonly targets: readonly string[];
  /** A rule's path spec: an element name of the pack, or a glob. */
  pattern(spec: string): string;
  /** An OpenAI-compatible model for advisory kinds; undefined when none is configured. */
  readonly advisor: Advisor | undefined;
}

/**
 * What a tool kind sees: the head checked out on disk, with the repository's own tools
 * and reports. It runs in a child process of its own (a scrubbed environment, a timeout),
 * so its view is plain data.
 */
export interface CheckoutView {
  /**
   * Where the tool runs: a clean export of the head (its files, with the checkout's installed
   * dependencies linked in), never the checkout itself with its .env, .git and data.
   */
  readonly root: string;
  /** Where the head is checked out: what absolute paths in a report the test run wrote point under. */
  readonly checkout: string;
  readonly changes: ReadonlyMap<string, ChangedFile>;
  readonly targets: readonly string[];
  pattern(spec: string): string;
  /** The text of a target file at head. */
  read(path: string): Promise<string>;
}

/** A language model that answers one request; advice never blocks (DESIGN principle 7). */
export interface Advisor {
  readonly model: string;
  complete(request: { system: string; user: string }): Promise<string>;
}

export interface RuleKind<Options = unknown> {
  readonly name: string;
  /** One line for `/wowvision explain` and docs. */
  readonly summary: string;
  /** The kind's own fields of a rule, besides name, kind, severity, because, fix and scope. */
  readonly options: ZodType<Options>;
  readonly defaultScope: Scope;
  /** `advisor`: needs a model, and without one does nothing. */
  readonly needs?: 'advisor';
  /**
   * `false`: a finding of this kind is never waived by a comment in the reviewed file. Set
   * for kinds about text a reader cannot see, where the waiver would sit beside what it hides.
   */
  readonly waivable?: false;
  /** File-local kinds: run on each target file; results are cached by blob and rule pack. */
  checkFile?(options: Options, file: TextFile, view: ReviewView): Hit[] | Promise<Hit[]>;
  /** Repository-wide kinds: see the whole graph. */
  checkRepo?(options: Options, view: ReviewView): Hit[] | Promise<Hit[]>;
  /**
   * Tool kinds: run the repository's own code (its ESLint config and plugins) or read what
   * its test run wrote. They run only where the head is on disk and the door says it is
   * trusted, in a child process without the door's tokens and secrets; elsewhere the review
   * lists the rule as not run. Their options must survive JSON, the way to that process.
   */
  checkCheckout?(options: Options, view: CheckoutView): Promise<Hit[]>;
  /**
   * Files of the checkout that are not part of the head but that a tool kind reads (a
   * coverage report the test run wrote): copied into the head's export before it runs.
   */
  checkoutFiles?(options: Options): string[];
}

export function defineKind<Options>(kind: RuleKind<Options>): RuleKind<Options> {
  return kind;
}
