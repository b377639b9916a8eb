import { z } from 'zod';
import { defineKind, type Hit, type ImportEdge, type ReviewView } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/**
 * Import cycles among the files `paths` selects, reported once per cycle with its full
 * path, on the import of a changed file that closes it. Type-only imports vanish at run
 * time, so by default they do not make a cycle.
 */
export const cycle = defineKind({
  name: 'cycle',
  summary: 'Modules that import each other in a loop, directly or through others.',
  // A cycle the change touches blocks, even when the import that closes it is old.
  defaultScope: 'file',
  options: z.strictObject({
    paths: fileSpec.default({ path: ['**'], pathNot: [] }),
    typeOnly: z.boolean().default(false).describe('count `import type` edges too'),
  }),
  checkRepo(options, view) {
    // Both asked once per file: Tarjan's walk looks at a file's edges at every step back to it.
    const scoped = new Map<string, boolean>();
    const inScope = (path: string) => {
      let known = scoped.get(path);
      if (known === undefined) scoped.set(path, (known = matchFile(options.paths, path, view) !== undefined));
      return known;
    };
    const edges = new Map<string, (ImportEdge & { to: string })[]>();
    const edgesOf = (path: string) => {
      let known = edges.get(path);
      if (known === undefined)
        edges.set(
          path,
          (known = view.graph
            .edgesOf(path)
            .filter(
              (e): e is ImportEdge & { to: string } =>
                e.to !== undefined && e.to !== path && (options.typeOnly || !e.typeOnly) && inScope(e.to),
            )),
        );
      return known;
    };
    const targets = new Set(view.targets);
    const hits: Hit[] = [];
    // Walked from the files judged only: a cycle holding one is reachable from it, and the
    // others would be skipped below anyway (a small change need not walk the whole graph).
    const roots = view.graph.modules.filter((p) => targets.has(p) && inScope(p));
    for (const component of stronglyConnected(roots, edgesOf)) {
      // One finding per cycle, placed on a changed file of it; untouched cycles are not the change's.
      const start =
        component.find((p) => view.changes.has(p) && targets.has(p)) ?? component.find((p) => targets.has(p));
      if (start === undefined) continue;
      const loop = shortestLoop(start, new Set(component), edgesOf, view);
      const first = loop[0];
      if (first === undefined) continue;
      const ring = [...loop.map((e) => e.from), start];
      hits.push({
        path: start,
        line: first.line,
        column: first.column,
        endColumn: first.column + first.specifier.length + 2,
        message: `Import cycle: ${ring.join(' → ')}`,
        key: `cycle ${[...component].sort().join(' ')}`,
      });
    }
    return hits;
  },
});

/** Tarjan's algorithm, iterative: components with more than one file. */
function stronglyConnected(nodes: readonly string[], edgesOf: (p: string) => readonly { to: string }[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const edges = edgesOf(frame.node);
      if (frame.next < edges.length) {
        const to = edges[frame.next++]?.to ?? '';
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(to) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components;
}

/** The shortest chain of imports from `start` back to it, preferring edges the change added. */
function shortestLoop(
  start: string,
  members: ReadonlySet<string>,
  edgesOf: (p: string) => readonly (ImportEdge & { to: string })[],
  view: ReviewView,
): ImportEdge[] {
  const cameBy = new Map<string, ImportEdge & { to: string }>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] ?? '';
    const added = (e: ImportEdge) => (view.changes.get(e.from)?.addedLines.has(e.line) ? 0 : 1);
    for (const edge of [...edgesOf(node)].sort((a, b) => added(a) - added(b))) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path: ImportEdge[] = [edge];
        for (let at = node; at !== start;) {
          const via = cameBy.get(at);
          if (via === undefined) break;
          path.unshift(via);
          at = via.from;
        }
        return path;
      }
      if (!cameBy.has(edge.to)) {
        cameBy.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return [];
}
