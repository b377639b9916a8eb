import { TaskNeedsInput, readCsv } from '#platform';
import { cleanEmail, cleanName } from './names.ts';
import { normalisePhone, type Country } from './phone.ts';

/** A value the cleaning had to drop, and why, so the customer can fix it at the source. */
export interface Issue {
  row: number;
  column: string;
  value: string;
  problem: string;
}

/** Why two rows are one contact: the later row shares a key with an earlier one. */
export interface Link {
  row: number;
  with: number;
  by: 'email' | 'phone';
  value: string;
}

export interface Merge {
  /** The rows merged, in CSV order; the first is the one kept. */
  rows: number[];
  links: Link[];
  /** Blank columns of the kept row filled from a later one. */
  filled: { column: string; from: number }[];
  /** Later rows' different values, dropped for the kept row's. */
  conflicts: { column: string; kept: string; dropped: { row: number; value: string }[] }[];
}

export interface CleanedContacts {
  country: Country;
  columns: string[];
  /** The cleaned contacts, one per person, with the source rows they came from. */
  contacts: { rows: number[]; values: Record<string, string> }[];
  merges: Merge[];
  issues: Issue[];
  changed: { emails: number; names: number; phones: number };
  rowsIn: number;
  /** Rows with every cell blank, left out. */
  emptyRows: number;
}

export const maxContacts = 2000;
const key = (name: string) => name.toLowerCase().replace(/[\s-]+/g, '_');
const emailNames = ['email', 'email_address', 'e_mail'];
const phoneNames = ['phone', 'phone_number', 'mobile', 'telephone', 'tel'];
const nameNames = ['name', 'full_name', 'first_name', 'last_name', 'firstname', 'lastname'];

/** Rows joined by a shared key, each set named by its first row (union-find with the smaller row as root). */
class Groups {
  private readonly parent = new Map<number, number>();
  root(row: number): number {
    const p = this.parent.get(row) ?? row;
    if (p === row) return row;
    const r = this.root(p);
    this.parent.set(row, r);
    return r;
  }
  join(a: number, b: number): void {
    const [ra, rb] = [this.root(a), this.root(b)];
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}

/**
 * Cleans every row (emails lower-cased and validated, names trimmed and cased, phones in
 * E.164 for the default country, other cells trimmed; what cannot be cleaned is blanked and
 * listed), then merges rows that share an email or a phone: the first row is kept, its
 * blanks filled from the later ones, and every link, fill and dropped value is reported.
 */
export function cleanContacts(csv: string, country: Country): CleanedContacts {
  const table = readCsv(csv, 'contacts', maxContacts);
  const emailColumn = table.columns.find((c) => emailNames.includes(key(c)));
  const phoneColumn = table.columns.find((c) => phoneNames.includes(key(c)));
  if (emailColumn === undefined && phoneColumn === undefined)
    throw new TaskNeedsInput(
      `The contacts CSV needs an "email" or a "phone" column; its columns are ${table.columns.join(', ')}.`,
    );
  const nameColumns = table.columns.filter((c) => nameNames.includes(key(c)));

  const issues: Issue[] = [];
  const changed = { emails: 0, names: 0, phones: 0 };
  const rows = new Map<number, Record<string, string>>();
  let emptyRows = 0;
  for (const [i, raw] of table.rows.entries()) {
    const row = i + 2;
    const values: Record<string, string> = Object.fromEntries(
      table.columns.map((c) => [c, (raw[c] ?? '').replace(/\s+/g, ' ').trim()]),
    );
    if (Object.values(values).every((v) => v === '')) {
      emptyRows++;
      continue;
    }
    if (emailColumn !== undefined && values[emailColumn] !== '') {
      const given = values[emailColumn] ?? '';
      const email = cleanEmail(given);
      if (email === null) issues.push({ row, column: emailColumn, value: given, problem: 'not an email address' });
      else if (email !== given) changed.emails++;
      values[emailColumn] = email ?? '';
    }
    if (phoneColumn !== undefined && values[phoneColumn] !== '') {
      const given = values[phoneColumn] ?? '';
      const phone = normalisePhone(given, country);
      if (!phone.ok) issues.push({ row, column: phoneColumn, value: given, problem: phone.reason });
      else if (phone.e164 !== given) changed.phones++;
      values[phoneColumn] = phone.ok ? phone.e164 + (phone.extension === null ? '' : ` ext. ${phone.extension}`) : '';
    }
    for (const c of nameColumns) {
      const name = cleanName(values[c] ?? '');
      if (name !== values[c]) changed.names++;
      values[c] = name;
    }
    rows.set(row, values);
  }

  const groups = new Groups();
  const links: Link[] = [];
  const firstWith = new Map<string, number>();
  for (const [row, values] of rows) {
    for (const [by, column] of [
      ['email', emailColumn],
      ['phone', phoneColumn],
    ] as const) {
      // The extension is not part of who the person is: a switchboard's extensions are one number.
      const value = column === undefined ? '' : (values[column] ?? '').replace(/ ext\. \d+$/, '');
      if (value === '') continue;
      const earlier = firstWith.get(`${by}:${value}`);
      if (earlier === undefined) firstWith.set(`${by}:${value}`, row);
      else if (groups.root(earlier) !== groups.root(row)) {
        links.push({ row, with: earlier, by, value });
        groups.join(earlier, row);
      }
    }
  }

  const members = new Map<number, number[]>();
  for (const row of rows.keys()) members.set(groups.root(row), [...(members.get(groups.root(row)) ?? []), row]);
  const contacts: CleanedContacts['contacts'] = [];
  const merges: Merge[] = [];
  for (const [first, group] of members) {
    const kept = { ...rows.get(first) };
    const merge: Merge = { rows: group, links: links.filter((l) => group.includes(l.row)), filled: [], conflicts: [] };
    for (const column of table.columns) {
      const dropped: { row: number; value: string }[] = [];
      for (const row of group.slice(1)) {
        const value = rows.get(row)?.[column] ?? '';
        if (value === '') continue;
        if ((kept[column] ?? '') === '') {
          kept[column] = value;
          merge.filled.push({ column, from: row });
        } else if (value.toLowerCase() !== kept[column]?.toLowerCase()) dropped.push({ row, value });
      }
      if (dropped.length > 0) merge.conflicts.push({ column, kept: kept[column] ?? '', dropped });
    }
    contacts.push({ rows: group, values: kept });
    if (group.length > 1) merges.push(merge);
  }
  return { country, columns: table.columns, contacts, merges, issues, changed, rowsIn: table.rows.length, emptyRows };
}
