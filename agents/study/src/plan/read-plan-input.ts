import { TaskNeedsInput } from '#platform';

export interface Topic {
  name: string;
  /** 1 (easy) to 5 (hard): the topic's weight in the study sessions. */
  difficulty: number;
}

export const topicLimits = { topics: 40, nameChars: 80 } as const;

const levels: Record<string, number> = { easy: 1, medium: 3, hard: 5 };
const days = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'] as const;
export type Weekday = (typeof days)[number];
export const weekdayNames: Record<Weekday, string> = {
  mo: 'Monday',
  tu: 'Tuesday',
  we: 'Wednesday',
  th: 'Thursday',
  fr: 'Friday',
  sa: 'Saturday',
  su: 'Sunday',
};

/** The topics, one a line: name, difficulty 1 to 5 or easy, medium, hard (the last comma parts them, so names may hold commas). */
export function readTopics(text: string): Topic[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) throw new TaskNeedsInput('Give the topics one a line as: name, difficulty (1 to 5).');
  if (lines.length > topicLimits.topics)
    throw new TaskNeedsInput(`There are ${lines.length} topics; plan at most ${topicLimits.topics} in one task.`);
  const seen = new Set<string>();
  return lines.map((line, i) => {
    const comma = line.lastIndexOf(',');
    const name = (comma < 0 ? '' : line.slice(0, comma)).trim();
    const given = (comma < 0 ? line : line.slice(comma + 1)).trim().toLowerCase();
    const difficulty = /^[1-5]$/.test(given) ? Number(given) : Object.hasOwn(levels, given) ? levels[given] : undefined;
    if (name === '' || difficulty === undefined)
      throw new TaskNeedsInput(
        `Topic line ${i + 1} needs a name and a difficulty from 1 to 5 (or easy, medium, hard), as "Algebra, 4".`,
      );
    if (name.length > topicLimits.nameChars)
      throw new TaskNeedsInput(`Topic line ${i + 1} has a name longer than ${topicLimits.nameChars} characters.`);
    if (seen.has(name.toLowerCase())) throw new TaskNeedsInput(`Topic line ${i + 1} repeats the topic "${name}".`);
    seen.add(name.toLowerCase());
    return { name, difficulty };
  });
}

/** The weekdays to study on, in the week's order, from names or their first letters ("mon, Wed, saturday"). */
export function readWeekdays(text: string): Weekday[] {
  const words = text
    .toLowerCase()
    .split(/[\s,;/]+/)
    .filter((w) => w !== '');
  const picked = new Set<Weekday>();
  for (const word of words) {
    const day = days.find((d) => word.length >= 2 && weekdayNames[d].toLowerCase().startsWith(word));
    if (day === undefined)
      throw new TaskNeedsInput(
        `"${word.slice(0, 20)}" is not a weekday: name the days to study on, e.g. "mon, wed, sat".`,
      );
    picked.add(day);
  }
  if (picked.size === 0) throw new TaskNeedsInput('Name the days to study on, e.g. "mon, wed, sat".');
  return days.filter((d) => picked.has(d));
}

/** A time of day as HH:MM (24-hour), in minutes after midnight. */
export function readTime(text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (m === null)
    throw new TaskNeedsInput(`The session time "${text}" is not a time of day: write it as HH:MM, e.g. 18:30.`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * An IANA time zone that this runtime knows (e.g. Asia/Kolkata, UTC), as the customer wrote
 * it: Intl would canonicalise some names to older ones (Asia/Kolkata to Asia/Calcutta).
 */
export function readTimeZone(text: string): string {
  const zone = text.trim();
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone }).format(0);
    return zone;
  } catch {
    throw new TaskNeedsInput(`"${text}" is not a time zone: give its IANA name, e.g. Asia/Kolkata or Europe/London.`);
  }
}
