import type { CustomerTask, ToolOutcome } from '#platform';
import type { PlanInput } from '../task-inputs.ts';

/**
 * study.plan: A study plan over the weeks to an exam: sessions on the chosen weekdays, topics weighted by difficulty, review sessions before the exam, as Markdown, JSON and a calendar.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function plan(input: PlanInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Plan study to an exam', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'plan.md', mediaType: 'text/markdown', content: report },
      { name: 'plan.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Plan study to an exam for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
