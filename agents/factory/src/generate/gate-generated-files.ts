import {
  findRulePack,
  overlaySnapshot,
  reviewChange,
  type FileChange,
  type Finding,
  type PackProblem,
  type RepoSnapshot,
} from '../../../wowvision/src/index.ts';
import { typecheckFiles, type TypeProblem } from './typecheck-files.ts';

export interface GateResult {
  passed: boolean;
  /** WowVision's findings on the generated files (errors block; warnings and notices are shown). */
  findings: Finding[];
  /** The target repository's rule pack could not be read: nothing can be judged. */
  packProblems: PackProblem[];
  typeErrors: TypeProblem[];
}

/**
 * The gate a generated change passes before anything is written or pushed: the target
 * repository's own WowVision rules over the repository with the files in place, and,
 * where a checkout with its dependencies is at hand (`typecheckRoot`), TypeScript.
 */
export async function gateGeneratedFiles(input: {
  base: RepoSnapshot;
  files: ReadonlyMap<string, string>;
  typecheckRoot?: string | undefined;
}): Promise<GateResult> {
  const head = overlaySnapshot(input.base, input.files);
  const found = await findRulePack(async (path) => (input.base.blobs.has(path) ? input.base.read(path) : undefined));
  const typeErrors = input.typecheckRoot === undefined ? [] : typecheckFiles(input.typecheckRoot, input.files);
  if ('problems' in found) return { passed: false, findings: [], packProblems: found.problems, typeErrors };
  const changes: FileChange[] = [...input.files].map(([path, text]) => {
    const lines = text.split('\n').length;
    return {
      path,
      status: input.base.blobs.has(path) ? 'modified' : 'added',
      addedLines: new Set(Array.from({ length: lines }, (_, i) => i + 1)),
      hunks: [{ start: 1, end: lines }],
    };
  });
  const review = await reviewChange({ snapshot: head, changes, pack: found.pack });
  // The target's old findings are not this change's to fix: only the generated files' count.
  const ours = (path: string) =>
    input.files.has(path) || [...input.files.keys()].some((p) => p.startsWith(path.endsWith('/') ? path : `${path}/`));
  const findings = review.findings.filter((f) => ours(f.path));
  return {
    passed: !findings.some((f) => f.severity === 'error') && typeErrors.length === 0,
    findings,
    packProblems: [],
    typeErrors,
  };
}
