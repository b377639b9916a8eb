import { TaskNeedsInput } from '#platform';

export const channels = ['email', 'call', 'linkedin', 'sms', 'video'] as const;
export type Channel = (typeof channels)[number];

/** A personal field a message uses: {{column}}, or {{column|fallback}} for prospects without a value. */
export interface Field {
  column: string;
  fallback: string | null;
}

export interface Touch {
  /** 1-based, in the order the customer gave. */
  step: number;
  channel: Channel;
  message: string;
  fields: Field[];
}

// A sequence longer than this is a nurture campaign, not an SDR's outreach.
export const maxTouches = 10;
const fieldPattern = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** The fields a message uses, each once, in the order they first appear. */
export function fieldsOf(message: string): Field[] {
  const seen = new Map<string, Field>();
  for (const m of message.matchAll(fieldPattern)) {
    const column = m[1] ?? '';
    if (column === '')
      throw new TaskNeedsInput(`A message has an empty field "{{}}": name the column inside the braces.`);
    if (!seen.has(column)) seen.set(column, { column, fallback: m[2] === undefined ? null : m[2].trim() });
  }
  return [...seen.values()];
}

/** The touches, one a line, "channel: message"; blank lines are skipped. */
export function parseTouches(text: string): Touch[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length > maxTouches)
    throw new TaskNeedsInput(`The sequence has ${lines.length} touches; plan at most ${maxTouches}.`);
  return lines.map((line, i) => {
    const colon = line.indexOf(':');
    const channel = line.slice(0, Math.max(colon, 0)).trim().toLowerCase();
    const message = line.slice(colon + 1).trim();
    if (colon < 0 || !(channels as readonly string[]).includes(channel) || message === '')
      throw new TaskNeedsInput(
        `Touch ${i + 1} should read "channel: message" with a channel among ${channels.join(', ')}; it reads "${line.slice(0, 60)}".`,
      );
    return { step: i + 1, channel: channel as Channel, message, fields: fieldsOf(message) };
  });
}

/** The message for one prospect, and the fields it had no value and no fallback for. */
export function personalise(
  message: string,
  values: Readonly<Record<string, string>>,
): { text: string; blank: string[] } {
  const blank: string[] = [];
  const text = message.replace(fieldPattern, (_all, column: string, fallback: string | undefined) => {
    const value = (values[column.trim()] ?? '').trim();
    if (value !== '') return value;
    if (fallback !== undefined) return fallback.trim();
    if (!blank.includes(column.trim())) blank.push(column.trim());
    return '';
  });
  return { text, blank };
}
