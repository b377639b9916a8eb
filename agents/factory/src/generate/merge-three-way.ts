import { diff3Merge } from 'node-diff3';

/** One file's merge of the agent's current text with a new template output, from the old one. */
export interface FileMerge {
  /** The merged text; undefined when the file is (to be) absent. */
  text: string | undefined;
  /** Why a person must look: both sides changed the same lines, or one removed what the other changed. */
  conflict: string | undefined;
}

/**
 * Copier's update, per file: `base` is what the old template rendered, `current` what the
 * repository holds now (the hand edits), `next` what the current template renders. A side
 * that did not change yields to the other; where both changed the same lines, the file gets
 * git-style conflict markers and the conflict is reported, so no edit is silently lost.
 */
export function mergeThreeWay(
  base: string | undefined,
  current: string | undefined,
  next: string | undefined,
  labels: { current: string; base: string; next: string },
): FileMerge {
  if (current === next || base === next) return { text: current, conflict: undefined };
  if (base === current) return { text: next, conflict: undefined };
  if (current === undefined)
    return { text: undefined, conflict: 'it was removed here, and the template changed it; it stays removed' };
  if (next === undefined)
    return { text: current, conflict: 'the template no longer writes it, and it was edited here; it is kept' };
  const lines = (text: string | undefined) => (text === undefined || text === '' ? [] : text.split('\n'));
  const out: string[] = [];
  let conflicts = 0;
  for (const region of diff3Merge(lines(current), lines(base), lines(next), { excludeFalseConflicts: true })) {
    if (region.ok !== undefined) out.push(...region.ok);
    else if (region.conflict !== undefined) {
      conflicts++;
      out.push(
        `<<<<<<< ${labels.current}`,
        ...region.conflict.a,
        `||||||| ${labels.base}`,
        ...region.conflict.o,
        '=======',
        ...region.conflict.b,
        `>>>>>>> ${labels.next}`,
      );
    }
  }
  return {
    text: out.join('\n'),
    conflict:
      conflicts === 0
        ? undefined
        : `${conflicts} place${conflicts === 1 ? '' : 's'} changed both here and in the template (marked <<<<<<< … >>>>>>>)`,
  };
}
