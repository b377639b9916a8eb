import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { TaskNeedsInput, type CustomerTask, type TaskOutcome } from './performing-tasks.ts';
import { organisationBrief } from './organisation-brief.ts';

/** What a tool gives: the deliverables it made from the input alone, and a one-line anonymised summary. */
export type ToolOutcome = Omit<TaskOutcome, 'model'>;

/** How one task type of a customer agent is done: its input's schema, its tool (src/tools/) and its prompt file (prompts/). */
export interface TaskRecipe<Input> {
  input: ZodType<Input>;
  tool: (input: Input, task: CustomerTask) => Promise<ToolOutcome>;
  prompt: URL;
}

// What the model reads of the input and of the tool's report: enough to advise on, bounded.
const maxPromptPart = 12_000;

/**
 * A task done: the tool's deliverables are the work, with or without a model. With one,
 * the model reads the task type's prompt, the organisation's context, the input and the
 * tool's report, and its prose is added to the Markdown report. A model that fails fails
 * the task (the runner reports the reason), so no deliverable goes out half-written.
 */
export async function deliverTask<Input>(task: CustomerTask, recipe: TaskRecipe<Input>): Promise<TaskOutcome> {
  const parsed = recipe.input.safeParse(task.input);
  if (!parsed.success)
    throw new TaskNeedsInput(
      `The task's input does not fit ${task.type}: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
        .join('; ')}. Send it again with these fixed.`,
    );
  const done = await recipe.tool(parsed.data, task);
  if (task.llm === undefined) return { ...done, model: null };
  const report = done.deliverables.find((d) => d.mediaType === 'text/markdown' && typeof d.content === 'string');
  const system = [(await readFile(recipe.prompt, 'utf8')).trim(), organisationBrief(task.organisation)].join('\n\n');
  const user = [
    `The customer's input:\n${JSON.stringify(parsed.data, null, 2).slice(0, maxPromptPart)}`,
    report === undefined ? '' : `What the tool found:\n${String(report.content).slice(0, maxPromptPart)}`,
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const prose = (await task.llm.complete({ system, user })).trim();
  if (prose === '') return { ...done, model: null };
  const notes = `## Notes for your organisation\n\n${prose}\n`;
  const deliverables =
    report === undefined
      ? [...done.deliverables, { name: 'notes.md', mediaType: 'text/markdown', content: notes }]
      : done.deliverables.map((d) =>
          d === report ? { ...d, content: `${String(d.content).trimEnd()}\n\n${notes}` } : d,
        );
  return { ...done, deliverables, model: task.llm.model };
}
