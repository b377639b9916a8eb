import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { describeEdge, fileSpec, importTarget, matchFile, matchImport } from './support/path-spec.ts';

/**
 * Forbidden or allowed imports from → to. `to` lists what files matching `from` must not
 * import; `allowOnly` lists all they may import (anything else is a finding). Captures in
 * `from` ("agents/(*)/**") are `$1`… in `to` and `allowOnly`.
 */
export const dependency = defineKind({
  name: 'dependency',
  summary: 'Imports from one part of the code to another that the architecture forbids.',
  defaultScope: 'changed',
  options: z
    .strictObject({
      from: fileSpec,
      to: z
        .union([importTarget, z.array(importTarget).min(1)])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .optional(),
      allowOnly: z.array(importTarget).min(1).optional(),
    })
    .refine((o) => (o.to === undefined) !== (o.allowOnly === undefined), {
      message: 'give either "to" (what is forbidden) or "allowOnly" (all that is allowed), not both or neither',
    }),
  checkRepo(options, view) {
    const hits: Hit[] = [];
    for (const path of view.targets) {
      const captures = matchFile(options.from, path, view);
      if (captures === undefined) continue;
      for (const edge of view.graph.edgesOf(path)) {
        if (edge.to === path) continue;
        const broken =
          options.to !== undefined
            ? options.to.some((t) => matchImport(t, edge, view, captures))
            : !(options.allowOnly ?? []).some((t) => matchImport(t, edge, view, captures));
        if (!broken) continue;
        hits.push({
          path,
          line: edge.line,
          column: edge.column,
          endColumn: edge.column + edge.specifier.length + 2,
          message: `${path} ${describeEdge(edge)}${options.to !== undefined ? '' : ', which is not among the allowed imports'}`,
          key: `${path} -> ${edge.to ?? edge.external ?? edge.specifier}`,
        });
      }
    }
    return hits;
  },
});
