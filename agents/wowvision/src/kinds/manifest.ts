import { posix } from 'node:path';
import { Node, SyntaxKind } from 'ts-morph';
import { z } from 'zod';
import { parseManifest } from '#platform';
import { defineKind, type Hit } from './rule-kind.ts';
import { compilePattern } from './support/path-pattern.ts';
import { position, sourceOf } from './support/typescript-source.ts';

/**
 * Each agent's agent.yml is valid, and every event type its code emits (`ctx.emit({ type:
 * '…' })`) is declared in `emits` (DESIGN principle 3: event types are declared by the
 * sender).
 */
export const manifest = defineKind({
  name: 'manifest',
  summary: "An invalid agent.yml, or an event the agent's code emits that its manifest does not declare.",
  defaultScope: 'file',
  options: z.strictObject({
    agents: z.string().default('agents/(*)/').describe('the agent folders, with the agent id captured'),
  }),
  async checkRepo(options, view) {
    const folders = compilePattern(view.pattern(options.agents).replace(/\/?$/, '/'));
    const touched = new Map<string, string>();
    for (const path of view.targets) {
      for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
        const captures = folders.match(path.slice(0, at));
        if (captures !== undefined) {
          touched.set(path.slice(0, at), captures[0] ?? posix.basename(path.slice(0, at)));
          break;
        }
      }
    }
    const hits: Hit[] = [];
    for (const [folder, id] of touched) {
      const file = `${folder}/agent.yml`;
      if (!view.exists(file)) continue; // required-files says so, where a pack asks for it.
      const parsed = parseManifest(await view.read(file), file, id);
      if ('problems' in parsed) {
        for (const problem of parsed.problems) {
          const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(problem);
          hits.push({
            path: file,
            line: Number(m?.[2] ?? 1),
            column: Number(m?.[3] ?? 1),
            message: `agent.yml: ${m?.[4] ?? problem}`,
          });
        }
        continue;
      }
      const declared = new Set(parsed.manifest.emits);
      const code = view.files.filter(
        (f) => f.startsWith(`${folder}/src/`) && /\.[mc]?tsx?$/.test(f) && !f.endsWith('.d.ts'),
      );
      for (const path of code) {
        const source = sourceOf({ path, text: await view.read(path) });
        for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
          const callee = call.getExpression();
          const isEmit =
            (Node.isPropertyAccessExpression(callee) && callee.getName() === 'emit') ||
            (Node.isIdentifier(callee) && callee.getText() === 'emit');
          const [arg] = call.getArguments();
          if (!isEmit || !Node.isObjectLiteralExpression(arg)) continue;
          const type = arg.getProperty('type');
          const value = Node.isPropertyAssignment(type) ? type.getInitializer() : undefined;
          if (value === undefined || (!Node.isStringLiteral(value) && !Node.isNoSubstitutionTemplateLiteral(value)))
            continue;
          const eventType = value.getLiteralText();
          if (!declared.has(eventType))
            hits.push({
              path,
              ...position(value),
              message: `emits "${eventType}", which ${file} does not declare in emits`,
              key: `emit ${eventType}`,
            });
        }
      }
    }
    return hits;
  },
});
