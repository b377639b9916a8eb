import { parse } from 'csv-parse/sync';
import { TaskNeedsInput } from './performing-tasks.ts';

/**
 * The customer's own text as Markdown text: one line, and the characters that would start
 * emphasis, a link, an image, HTML, a code span or a table cell escaped, so a deliverable
 * shows their words and never runs markup from them.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~!#]/g, (c) => `\\${c}`);
}

/** A CSV as the customer gave it: its trimmed header, and each row by column name. */
export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

/**
 * Reads the customer's CSV with csv-parse (quoted fields, commas and line breaks inside
 * quotes, a byte-order mark), refusing what cannot be read or holds more than `maxRows`
 * rows with a message saying what to fix: a task that needs input, not a failure.
 */
export function readCsv(text: string, what: string, maxRows: number): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw new TaskNeedsInput(
      `The ${what} CSV could not be read (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  const [header, ...body] = records;
  if (header === undefined || body.length === 0)
    throw new TaskNeedsInput(`The ${what} CSV needs a header row and at least one row under it.`);
  if (body.length > maxRows)
    throw new TaskNeedsInput(`The ${what} CSV has ${body.length} rows; send at most ${maxRows} at a time.`);
  const columns = header.map((c) => c.trim());
  const rows = body.map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])));
  return { columns, rows };
}

/**
 * One CSV cell: quoted when it holds a comma, a quote or a line break, and a leading = + - @
 * (which spreadsheets run as a formula) neutralised with an apostrophe, since the values
 * come from the customer's data and go back into their spreadsheet. A signed number ("+442079460958",
 * "-5", a phone with " ext. 12") passes as it is: it calls no function, and E.164 needs its +.
 */
export function csvCell(value: string | number): string {
  const formula =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(value) && !/^[+-]?[\d .]+(?: ext\. \d+)?$/.test(value);
  const text = formula ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document from a header and rows, each line ended with CRLF as RFC 4180 has it. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}
