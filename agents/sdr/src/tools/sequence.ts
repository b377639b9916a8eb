import { deliverableLimits, TaskNeedsInput, type CustomerTask, type ToolOutcome } from '#platform';
import { planSequence } from '../sequence/plan-sequence.ts';
import { renderSequence, scheduleCsv } from '../sequence/render-sequence.ts';
import type { SequenceInput } from '../task-inputs.ts';

/**
 * sdr.sequence: each prospect's touches on business days in the organisation's time zone,
 * personalised from the prospects CSV (csv-parse) with every field checked against its
 * columns, held where a value is blank and stopped after a reply; as the schedule's CSV,
 * a Markdown report and the plan as JSON.
 */
export async function sequence(input: SequenceInput, task: CustomerTask): Promise<ToolOutcome> {
  const plan = planSequence(input.prospects, input.touches, {
    startDate: input.startDate,
    timeZone: input.timeZone,
    sendHour: input.sendHour,
    gapDays: input.gapDays,
    holidays: input.holidays,
  });
  const industry = task.organisation.industry;
  const forWhom = industry === undefined ? 'a business' : `a business in ${industry}`;
  // The JSON leaves out the personalised texts: the CSV has them, and each file stays within the deliverable limits.
  const json = {
    ...plan,
    prospects: plan.prospects.map((p) => ({ ...p, touches: p.touches.map(({ text: _text, ...t }) => t) })),
  };
  const schedule = scheduleCsv(plan);
  // Long messages times many prospects can outgrow one deliverable; the customer splits the list.
  if (Buffer.byteLength(schedule) > deliverableLimits.maxBytes)
    throw new TaskNeedsInput(
      `The schedule for ${plan.prospects.length} prospects is too large for one file; send the prospects in smaller lists.`,
    );
  return {
    deliverables: [
      { name: 'sequence.md', mediaType: 'text/markdown', content: renderSequence(plan) },
      { name: 'schedule.csv', mediaType: 'text/csv', content: schedule },
      { name: 'sequence.json', mediaType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n` },
    ],
    summary: `planned a ${plan.touches.length}-touch sequence for ${plan.prospects.length} prospects of ${forWhom}`,
  };
}
