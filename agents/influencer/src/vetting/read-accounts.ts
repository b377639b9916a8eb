import { parse } from 'csv-parse/sync';
import { TaskNeedsInput } from '#platform';

/** The most accounts one shortlist weighs: more is a database, to be split. */
export const maxAccounts = 1000;

export interface Account {
  handle: string;
  followers: number;
  following: number;
  posts: number;
  avgLikes: number;
  avgComments: number;
}

const columns = ['handle', 'followers', 'following', 'posts', 'avg_likes', 'avg_comments'] as const;
/** The names other exports give the same columns. */
const aliases: Record<string, (typeof columns)[number]> = {
  username: 'handle',
  account: 'handle',
  name: 'handle',
  follows: 'following',
  media_count: 'posts',
  likes: 'avg_likes',
  average_likes: 'avg_likes',
  comments: 'avg_comments',
  average_comments: 'avg_comments',
};

const columnName = (header: string) => {
  const name = header
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
  return aliases[name] ?? name;
};

/** A count as exports write it: thousands separators and spaces allowed, and the 12.5K / 1.2M shorthand. */
function count(raw: string | undefined, row: number, column: string): number {
  const text = (raw ?? '').replace(/[,\s]/g, '');
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (m === null)
    throw new TaskNeedsInput(
      `Row ${row}: "${(raw ?? '').slice(0, 40)}" in the ${column} column is not a count of 0 or more.`,
    );
  const scale = { k: 1e3, m: 1e6 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * scale);
}

/**
 * The accounts of a CSV (csv-parse): a header row naming handle, followers, following,
 * posts, avg_likes and avg_comments (or their usual other names), then an account a row.
 * A missing column, a count that is no count or too many rows asks the customer to fix
 * the file, naming what.
 */
export function readAccounts(csv: string): Account[] {
  let rows: string[][];
  try {
    rows = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      to_line: maxAccounts + 2,
    });
  } catch (err) {
    throw new TaskNeedsInput(`The CSV cannot be read: ${(err as Error).message.slice(0, 200)}.`);
  }
  const [header, ...records] = rows;
  if (header === undefined || records.length === 0)
    throw new TaskNeedsInput('The CSV has no accounts: give a header row, then one account a row.');
  if (records.length > maxAccounts)
    throw new TaskNeedsInput(`The CSV has more than ${maxAccounts} accounts: split it into several lists.`);
  const names = header.map(columnName);
  const missing = columns.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new TaskNeedsInput(
      `The CSV has no ${missing.join(', ')} column: its header row needs ${columns.join(', ')}.`,
    );
  return records.map((record, i) => {
    const row = i + 2;
    const at = (column: (typeof columns)[number]) => record[names.indexOf(column)];
    const handle = (at('handle') ?? '').slice(0, 100);
    if (handle === '') throw new TaskNeedsInput(`Row ${row} has no handle.`);
    return {
      handle,
      followers: count(at('followers'), row, 'followers'),
      following: count(at('following'), row, 'following'),
      posts: count(at('posts'), row, 'posts'),
      avgLikes: count(at('avg_likes'), row, 'avg_likes'),
      avgComments: count(at('avg_comments'), row, 'avg_comments'),
    };
  });
}
