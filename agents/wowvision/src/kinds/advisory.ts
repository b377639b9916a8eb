import { z } from 'zod';
import { defineKind, type Hit, type ReviewView } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

const budget = 48_000;
const context = 3;

const answer = z.object({
  comments: z.array(z.object({ path: z.string(), line: z.number().int(), message: z.string().min(1) })),
});

/**
 * A language model's review of the changed lines, with the rule's focus. Its comments are
 * notices: advice never blocks (DESIGN principle 7), and without a model configured the
 * rule does nothing at all.
 */
export const advisory = defineKind({
  name: 'advisory',
  summary: "A language model's comments on the changed lines, as notices that never block.",
  defaultScope: 'changed',
  needs: 'advisor',
  options: z.strictObject({
    paths: fileSpec.default({ path: ['**'], pathNot: [] }),
    focus: z.string().min(1).describe('what the model should look for, e.g. "error handling and resource leaks"'),
    maxComments: z.number().int().min(1).max(50).default(10),
  }),
  async checkRepo(options, view) {
    const advisor = view.advisor;
    const files = view.targets.filter(
      (p) => matchFile(options.paths, p, view) !== undefined && (view.changes.get(p)?.addedLines.size ?? 0) > 0,
    );
    if (advisor === undefined || files[0] === undefined) return [];
    const { text, shown } = await excerpt(files, view);
    const at = {
      path: files[0],
      line: Math.min(...(view.changes.get(files[0])?.addedLines ?? [1])),
      column: 1,
      severity: 'notice' as const,
    };
    let reply: string;
    try {
      reply = await advisor.complete({
        system: [
          'You review a code change. Lines marked "+" are new; the others are context.',
          `Focus: ${options.focus}`,
          'Answer with JSON only: {"comments":[{"path":"…","line":<number>,"message":"…"}]}, ' +
            `at most ${options.maxComments} comments, only on "+" lines, only what a careful reviewer would say. ` +
            'When nothing matters, answer {"comments":[]}.',
        ].join('\n'),
        user: text,
      });
    } catch (err) {
      return [
        {
          ...at,
          message: `the model ${advisor.model} could not be asked: ${(err as Error).message}`,
          key: 'advice unavailable',
        },
      ];
    }
    const parsed = answer.safeParse(parseJson(reply));
    if (!parsed.success)
      return [
        {
          ...at,
          message: `the model ${advisor.model} answered something other than the JSON asked for; no advice this time`,
          key: 'advice unreadable',
        },
      ];
    const hits: Hit[] = [];
    for (const c of parsed.data.comments) {
      if (
        hits.length >= options.maxComments ||
        !shown.has(c.path) ||
        view.changes.get(c.path)?.addedLines.has(c.line) !== true
      )
        continue;
      hits.push({
        path: c.path,
        line: c.line,
        column: 1,
        severity: 'notice',
        message: `${c.message.trim()} (advice from ${advisor.model})`,
        key: `advice ${c.message.trim()}`,
      });
    }
    return hits;
  },
});

/** Changed lines with a little context, numbered, within the prompt budget. */
async function excerpt(files: readonly string[], view: ReviewView): Promise<{ text: string; shown: Set<string> }> {
  const parts: string[] = [];
  const shown = new Set<string>();
  let size = 0;
  for (const path of files) {
    const added = view.changes.get(path)?.addedLines ?? new Set<number>();
    const lines = (await view.read(path)).split('\n');
    const keep = (n: number) => [...added].some((a) => Math.abs(a - n) <= context);
    const body = lines
      .map((line, i) =>
        keep(i + 1) ? `${String(i + 1).padStart(5)}${added.has(i + 1) ? '+' : ' '} ${line}` : undefined,
      )
      .filter((l) => l !== undefined);
    const part = `=== ${path}\n${body.join('\n')}\n`;
    if (size + part.length > budget) break;
    parts.push(part);
    shown.add(path);
    size += part.length;
  }
  if (shown.size < files.length) parts.push(`(${files.length - shown.size} more changed file(s) left out for length)`);
  return { text: parts.join('\n'), shown };
}

/** The first JSON object in a reply; models often wrap it in a code fence. */
function parseJson(reply: string): unknown {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start === -1 || end < start) return undefined;
  try {
    return JSON.parse(reply.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
