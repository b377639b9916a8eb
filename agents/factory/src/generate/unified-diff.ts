import { diffComm } from 'node-diff3';

/**
 * A unified diff of one file (`git diff` style, three lines of context), for dry runs.
 * `before` or `after` undefined means the file is created or removed.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  const a = linesOf(before);
  const b = linesOf(after);
  const ops: { kind: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const part of diffComm(a, b)) {
    if (part.common !== undefined) for (const line of part.common) ops.push({ kind: ' ', line, ai: ai++, bi: bi++ });
    else {
      for (const line of part.buffer1 ?? []) ops.push({ kind: '-', line, ai: ai++, bi });
      for (const line of part.buffer2 ?? []) ops.push({ kind: '+', line, ai, bi: bi++ });
    }
  }
  const head = [
    `--- ${before === undefined ? '/dev/null' : `a/${path}`}`,
    `+++ ${after === undefined ? '/dev/null' : `b/${path}`}`,
  ];
  const hunks: string[] = [];
  for (let i = 0; i < ops.length;) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - 3);
    let end = i;
    // Extend while changes are within six lines of each other (their contexts touch).
    while (end < ops.length && (ops[end]?.kind !== ' ' || ops.slice(end, end + 7).some((o) => o.kind !== ' '))) end++;
    end = Math.min(ops.length, end + 3);
    const slice = ops.slice(start, end);
    const first = slice[0];
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    hunks.push(
      `@@ -${aLen === 0 ? 0 : (first?.ai ?? 0) + 1},${aLen} +${bLen === 0 ? 0 : (first?.bi ?? 0) + 1},${bLen} @@`,
      ...slice.map((o) => `${o.kind}${o.line}`),
    );
    i = end;
  }
  return hunks.length === 0 ? '' : [...head, ...hunks].join('\n') + '\n';
}

/** Lines without the empty one after a final newline. */
function linesOf(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
