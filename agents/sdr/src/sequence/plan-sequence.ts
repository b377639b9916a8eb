import { TaskNeedsInput, readCsv } from '#platform';
import { addBusinessDays, isDay, onOrAfter, parseHolidays, weekday } from './business-days.ts';
import { parseTouches, personalise, type Channel, type Field } from './touches.ts';
import { checkTimeZone, zonedInstant } from './zoned-time.ts';

export interface SequenceOptions {
  startDate: string;
  timeZone?: string | undefined;
  sendHour?: number | undefined;
  gapDays?: number | undefined;
  holidays?: string | undefined;
}

/** One touch on the calendar: the same day for every prospect, since they start together. */
export interface ScheduledTouch {
  step: number;
  channel: Channel;
  message: string;
  fields: Field[];
  /** The local day, YYYY-MM-DD, and its weekday. */
  date: string;
  weekday: string;
  /** The instant it goes out, in UTC. */
  sendAt: string;
}

export type TouchStatus = 'scheduled' | 'held' | 'stopped';

export interface ProspectTouch {
  step: number;
  status: TouchStatus;
  /** Why it is held (the blank fields) or stopped (the reply). */
  reason: string | null;
  text: string;
}

export interface ProspectPlan {
  /** The prospect's row in the CSV, counting the header as row 1. */
  row: number;
  email: string;
  repliedOn: string | null;
  touches: ProspectTouch[];
}

export interface SkippedProspect {
  row: number;
  email: string;
  reason: string;
}

export interface SequencePlan {
  timeZone: string;
  sendHour: number;
  gapDays: number;
  touches: ScheduledTouch[];
  /** The columns the messages use, each checked against the CSV's header. */
  fieldsUsed: string[];
  prospects: ProspectPlan[];
  skipped: SkippedProspect[];
  totals: Record<TouchStatus, number>;
}

// Rows times touches bounds the CSV deliverable (at most 5,000 lines).
export const maxProspects = 500;
const emailPattern =
  /^[^\s@,;<>"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/**
 * The sequence for every prospect: the touches on business days `gapDays` apart from the
 * first business day on or after the start, sent at `sendHour` in the organisation's zone;
 * a touch whose message has a blank field without a fallback is held, and a prospect who
 * replied gets no touch on or after the day of the reply.
 */
export function planSequence(prospectsCsv: string, touchesText: string, options: SequenceOptions): SequencePlan {
  const timeZone = checkTimeZone(options.timeZone ?? 'UTC');
  const sendHour = options.sendHour ?? 9;
  const gapDays = options.gapDays ?? 3;
  const holidays = parseHolidays(options.holidays);
  const parsed = parseTouches(touchesText);
  if (parsed.length === 0)
    throw new TaskNeedsInput('The sequence has no touches: give one a line, "channel: message".');
  const table = readCsv(prospectsCsv, 'prospects', maxProspects);
  const emailColumn = table.columns.find((c) => c.toLowerCase() === 'email');
  if (emailColumn === undefined)
    throw new TaskNeedsInput(`The prospects CSV needs an "email" column; its columns are ${table.columns.join(', ')}.`);
  const repliedColumn = table.columns.find((c) => c.toLowerCase() === 'replied_on');
  const fieldsUsed = [...new Set(parsed.flatMap((t) => t.fields.map((f) => f.column)))];
  const missing = fieldsUsed.filter((f) => !table.columns.includes(f));
  if (missing.length > 0)
    throw new TaskNeedsInput(
      `The messages use ${missing.map((f) => `{{${f}}}`).join(', ')}, which the prospects CSV has no column for; its columns are ${table.columns.join(', ')}.`,
    );

  const touches: ScheduledTouch[] = [];
  let day = onOrAfter(options.startDate, holidays);
  for (const t of parsed) {
    if (t.step > 1) day = addBusinessDays(day, gapDays, holidays);
    touches.push({ ...t, date: day, weekday: weekday(day), sendAt: zonedInstant(day, sendHour, timeZone) });
  }

  const prospects: ProspectPlan[] = [];
  const skipped: SkippedProspect[] = [];
  const seen = new Set<string>();
  for (const [i, values] of table.rows.entries()) {
    const row = i + 2;
    const email = (values[emailColumn] ?? '').toLowerCase();
    const problem = !emailPattern.test(email) ? 'not an email address' : seen.has(email) ? 'listed before' : null;
    if (problem !== null) {
      skipped.push({ row, email, reason: problem });
      continue;
    }
    seen.add(email);
    const replied = repliedColumn === undefined ? '' : (values[repliedColumn] ?? '');
    if (replied !== '' && !isDay(replied))
      throw new TaskNeedsInput(`Row ${row}'s replied_on "${replied.slice(0, 40)}" is not a date as YYYY-MM-DD.`);
    prospects.push({
      row,
      email,
      repliedOn: replied === '' ? null : replied,
      touches: touches.map((t) => {
        const { text, blank } = personalise(t.message, values);
        if (replied !== '' && t.date >= replied)
          return { step: t.step, status: 'stopped', reason: `replied on ${replied}`, text };
        if (blank.length > 0) return { step: t.step, status: 'held', reason: `no ${blank.join(', ')}`, text };
        return { step: t.step, status: 'scheduled', reason: null, text };
      }),
    });
  }
  const totals: Record<TouchStatus, number> = { scheduled: 0, held: 0, stopped: 0 };
  for (const p of prospects) for (const t of p.touches) totals[t.status]++;
  return { timeZone, sendHour, gapDays, touches, fieldsUsed, prospects, skipped, totals };
}
