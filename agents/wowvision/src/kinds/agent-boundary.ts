import { posix } from 'node:path';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { compilePattern } from './support/path-pattern.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/**
 * An agent imports another only through its public entry (DESIGN principle 4): any
 * import from outside agent X into agents/X/** must land on one of X's entry files.
 */
export const agentBoundary = defineKind({
  name: 'agent-boundary',
  summary: "Imports that reach into another agent's internals instead of its public entry.",
  defaultScope: 'changed',
  options: z.strictObject({
    agents: z.string().default('agents/(*)/').describe('the agent folders, with the agent id captured'),
    entry: z
      .union([z.string(), z.array(z.string()).min(1)])
      .default(['src/index.ts'])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .describe("an agent's public entry files, relative to its folder"),
    from: fileSpec.default({ path: ['**'], pathNot: [] }).describe('which importers the rule applies to'),
    typeOnly: z.boolean().default(true).describe('also hold `import type` to the boundary'),
  }),
  checkRepo(options, view) {
    const folders = compilePattern(view.pattern(options.agents).replace(/\/?$/, '/'));
    const agentOf = (path: string) => {
      // The shallowest ancestor folder the pattern names is the agent's folder.
      for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
        const folder = path.slice(0, at);
        const captures = folders.match(folder);
        if (captures !== undefined) return { id: captures[0] ?? folder, folder };
      }
      return undefined;
    };
    const hits: Hit[] = [];
    for (const path of view.targets) {
      if (matchFile(options.from, path, view) === undefined) continue;
      const own = agentOf(path);
      for (const edge of view.graph.edgesOf(path)) {
        if (edge.to === undefined || (edge.typeOnly && !options.typeOnly)) continue;
        const target = agentOf(edge.to);
        if (target === undefined || target.id === own?.id) continue;
        const entries = options.entry.map((e) => posix.join(target.folder, e));
        if (entries.includes(edge.to)) continue;
        hits.push({
          path,
          line: edge.line,
          column: edge.column,
          endColumn: edge.column + edge.specifier.length + 2,
          message: `${path} reaches into agent "${target.id}": ${edge.to} is internal; import from ${entries.join(' or ')}`,
          key: `${path} -> ${edge.to}`,
        });
      }
    }
    return hits;
  },
});
