import { createHash } from 'node:crypto';
import {
  forgetSources,
  ruleKinds,
  type Advisor,
  type Hit,
  type ReviewView,
  type Scope,
  type Severity,
} from '../kinds/index.ts';
import { createMemoryCache, type ReviewCache } from '../cache/review-cache.ts';
import type { FileChange } from '../change/parse-diff.ts';
import { buildImportGraph } from '../graph/build-import-graph.ts';
import type { Rule, RulePack } from '../pack/rule-pack.ts';
import type { RepoSnapshot } from '../repo/repo-snapshot.ts';
import { exportHead, type HeadExport } from './export-head.ts';
import { runToolKind, type ToolJob, type ToolRunOptions } from './run-tool-kind.ts';
import { applyBaseline, type Baseline } from './baseline.ts';
import { conclusionOf, type Finding, type Review, type WaivedFinding } from './finding.ts';
import { waiverAbove } from './waivers.ts';

export interface ReviewChangeInput {
  snapshot: RepoSnapshot;
  /** What the change does, relative to its base; empty when reviewing a tree as it is. */
  changes: readonly FileChange[];
  pack: RulePack;
  baseline?: Baseline | undefined;
  cache?: ReviewCache | undefined;
  /** `all` judges every file as if the change had written it (wow review --all). */
  scope?: Scope | undefined;
  /** Where the head is checked out and whether its code may run, for tool kinds (eslint, coverage). */
  tools?: ToolRunOptions | undefined;
  advisor?: Advisor | undefined;
  /** A file's text at the change's base revision (undefined where absent); without it, kinds that compare see no base. */
  readBase?: ((path: string) => Promise<string | undefined>) | undefined;
}

const scopeOrder: Scope[] = ['changed', 'file', 'all'];

/**
 * The engine behind every door: runs each rule of the pack over the change at its head
 * commit and returns what counts. File-local kinds run on the files in scope only and are
 * cached by blob and pack; graph kinds see the whole repository's import graph.
 */
export async function reviewChange(input: ReviewChangeInput): Promise<Review> {
  const { snapshot, pack } = input;
  const cache = input.cache ?? createMemoryCache();
  const graph = await buildImportGraph(snapshot, cache);
  const files = [...snapshot.blobs.keys()].sort();
  const changes = new Map(
    input.changes.filter((c) => c.status !== 'removed' && snapshot.blobs.has(c.path)).map((c) => [c.path, c]),
  );
  const changedTargets = [...changes.keys()].sort();
  const texts = new Map<string, Promise<string>>();
  const read = (path: string) => {
    let text = texts.get(path);
    if (text === undefined) {
      text = snapshot.read(path);
      texts.set(path, text);
    }
    return text;
  };
  const pattern = (spec: string) => pack.elements[spec] ?? spec;

  const raw: { rule: Rule; hit: Hit; scope: Scope }[] = [];
  const skipped: Review['skipped'] = [];
  let cachedFiles = 0;
  // Made once, when the first tool kind runs: tools never run in the checkout itself.
  let exported: HeadExport | undefined;
  try {
    for (const rule of pack.rules) {
      if (rule.severity === 'off') continue;
      const kind = ruleKinds.get(rule.kind);
      if (kind === undefined) throw new Error(`rule ${rule.name}: unknown kind ${rule.kind}`); // The pack loader already refused it.
      if (kind.needs === 'advisor' && input.advisor === undefined) continue;
      if (kind.checkCheckout !== undefined && input.tools === undefined) {
        skipped.push({
          rule: rule.name,
          why: `the ${kind.name} kind runs where the repository is checked out: the WowVision Action or \`wow review\``,
        });
        continue;
      }
      if (kind.checkCheckout !== undefined && input.tools?.trusted !== true) {
        skipped.push({
          rule: rule.name,
          why:
            `not run: untrusted code. The ${kind.name} kind runs the repository's own tools on the head, ` +
            'so it runs only where the workflow says the head is trusted ' +
            "(the Action's `trusted-code: true`, `wow review --trusted-code`)",
        });
        continue;
      }
      const scope = input.scope === 'all' ? 'all' : (rule.scope ?? widest(pack.scope, kind.defaultScope));
      const targets = scope === 'all' ? files : changedTargets;
      const view: ReviewView = {
        files,
        exists: (p) => snapshot.blobs.has(p),
        read,
        readBase: input.readBase ?? (() => Promise.resolve(undefined)),
        graph,
        changes,
        targets,
        pattern,
        advisor: input.advisor,
      };
      const hits: Hit[] = [];
      if (kind.checkCheckout !== undefined && input.tools !== undefined) {
        exported ??= await exportHead(snapshot, input.tools.root);
        await exported.copyFromCheckout(kind.checkoutFiles?.(rule.options) ?? []);
        const job: ToolJob = {
          kind: kind.name,
          options: rule.options,
          root: exported.root,
          checkout: input.tools.root,
          targets: [...targets],
          changes: [...changes.values()].map((c) => [c.path, c.status, [...c.addedLines]]),
          elements: { ...pack.elements },
          texts: Object.fromEntries(await Promise.all(targets.map(async (p) => [p, await read(p)] as const))),
        };
        hits.push(...(await runToolKind(job, { ...input.tools, readable: exported.readable })));
      }
      if (kind.checkRepo !== undefined) hits.push(...(await kind.checkRepo(rule.options, view)));
      if (kind.checkFile !== undefined) {
        for (const path of targets) {
          const key = `hits:${pack.hash}:${rule.name}:${snapshot.blobs.get(path) ?? ''}:${path}:${linesDigest(changes.get(path))}`;
          let fileHits = cache.get(key) as Hit[] | undefined;
          if (fileHits === undefined) {
            fileHits = await kind.checkFile(rule.options, { path, text: await read(path) }, view);
            cache.set(key, fileHits);
          } else cachedFiles++;
          hits.push(...fileHits);
        }
      }
      for (const hit of hits) raw.push({ rule, hit, scope });
    }
  } finally {
    await forgetSources();
    await exported?.dispose();
  }

  const findings = await fingerprint(raw, read);
  const counted: Finding[] = [];
  const waived: WaivedFinding[] = [];
  let outOfScope = 0;
  for (const [index, finding] of findings.entries()) {
    const scope = raw[index]?.scope ?? 'changed';
    const change = changes.get(finding.path);
    const inScope =
      scope === 'all' || (change !== undefined && (scope === 'file' || change.addedLines.has(finding.line)));
    if (!inScope) {
      outOfScope++;
      continue;
    }
    const lines = snapshot.blobs.has(finding.path) ? (await read(finding.path)).split('\n') : [];
    const waiver = waiverAbove(lines, finding.line);
    if (waiver !== undefined && waiver.rules.includes(finding.rule) && ruleKinds.get(finding.kind)?.waivable === false)
      counted.push({
        ...finding,
        message: `${finding.message} (this rule cannot be waived in the file: remove the character)`,
      });
    else if (waiver === undefined || !waiver.rules.includes(finding.rule)) counted.push(finding);
    else if (waiver.reason !== undefined) waived.push({ finding, reason: waiver.reason });
    else
      counted.push({
        ...finding,
        message: `${finding.message} (the waiver above has no reason: write "-- why" after the rule name)`,
      });
  }
  const { known, fresh } = applyBaseline(counted, input.baseline);
  fresh.sort((a, b) => compare(a.path, b.path) || a.line - b.line || a.column - b.column || compare(a.rule, b.rule));
  const ruleFiles = new Set([...pack.files, ...(pack.baseline === undefined ? [] : [pack.baseline])]);
  return {
    findings: fresh,
    waived,
    baselined: known,
    outOfScope,
    conclusion: conclusionOf(fresh),
    packHash: pack.hash,
    skipped,
    pendingRuleChanges: input.changes.map((c) => c.path).filter((p) => ruleFiles.has(p)),
    stats: {
      files: files.length,
      modules: graph.modules.length,
      changedFiles: input.changes.length,
      wholeRepository: input.scope === 'all',
      rules: pack.rules.filter((r) => r.severity !== 'off').length,
      cachedFiles,
      analysedFiles: graph.parsedFiles,
    },
  };
}

/** By code point, so the order is the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const severityOrder: Severity[] = ['notice', 'warning', 'error'];

function lowest(a: Severity, b: Severity | undefined): Severity {
  return b === undefined || severityOrder.indexOf(a) <= severityOrder.indexOf(b) ? a : b;
}

function widest(a: Scope, b: Scope): Scope {
  return scopeOrder[Math.max(scopeOrder.indexOf(a), scopeOrder.indexOf(b))] ?? 'changed';
}

function linesDigest(change: FileChange | undefined): string {
  if (change === undefined) return '-';
  return createHash('sha1')
    .update([...change.addedLines].join(','))
    .digest('hex')
    .slice(0, 12);
}

/**
 * Gives each hit its rule's texts and a fingerprint that survives edits elsewhere in the
 * file: rule, path, what the hit is about (or its line's text) and its occurrence.
 */
async function fingerprint(
  raw: readonly { rule: Rule; hit: Hit }[],
  read: (path: string) => Promise<string>,
): Promise<Finding[]> {
  const seen = new Map<string, number>();
  const findings: Finding[] = [];
  for (const { rule, hit } of raw) {
    const about = hit.key ?? (await read(hit.path).catch(() => '')).split('\n')[hit.line - 1]?.trim() ?? '';
    const base = `${rule.name}\0${hit.path}\0${about}`;
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    findings.push({
      ...hit,
      rule: rule.name,
      kind: rule.kind,
      severity: lowest(rule.severity === 'off' ? 'notice' : rule.severity, hit.severity),
      because: rule.because,
      fix: rule.fix,
      fingerprint: createHash('sha1').update(`${base}\0${occurrence}`).digest('hex').slice(0, 20),
    });
  }
  return findings;
}
