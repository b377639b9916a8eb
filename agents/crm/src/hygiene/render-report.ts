import { csvDocument, markdownText } from '#platform';
import type { CleanedContacts, Merge } from './clean-contacts.ts';

const quoted = (text: string) => `"${markdownText(text)}"`;

/** One merge in a sentence or three: which rows, what joined them, what was filled and dropped. */
function explain(m: Merge): string {
  const parts = [
    `Rows ${m.rows.join(', ')} are one contact, kept as row ${m.rows[0] ?? ''}: ` +
      m.links.map((l) => `row ${l.row} has the ${l.by} ${markdownText(l.value)} of row ${l.with}`).join('; ') +
      '.',
  ];
  if (m.filled.length > 0)
    parts.push(`Filled in: ${m.filled.map((f) => `${markdownText(f.column)} from row ${f.from}`).join(', ')}.`);
  for (const c of m.conflicts)
    parts.push(
      `Kept ${markdownText(c.column)} ${quoted(c.kept)}, dropped ${c.dropped.map((d) => `${quoted(d.value)} (row ${d.row})`).join(', ')}.`,
    );
  return `- ${parts.join(' ')}`;
}

/** The report the customer reads: what changed, each merge explained, then each value that had to go. */
export function renderReport(cleaned: CleanedContacts): string {
  const { changed } = cleaned;
  const lines = [
    '# Contacts cleaned',
    '',
    `${cleaned.rowsIn} row(s) in, ${cleaned.contacts.length} contact(s) out, ${cleaned.merges.length} merge(s)` +
      `${cleaned.emptyRows === 0 ? '' : `, ${cleaned.emptyRows} empty row(s) left out`}. ` +
      `${changed.emails} email(s) trimmed or lower-cased, ${changed.names} name(s) cased, ` +
      `${changed.phones} phone number(s) put in E.164 (numbers without a country code read as ${cleaned.country.toUpperCase()}).`,
    '',
  ];
  if (cleaned.merges.length > 0) lines.push('## Merged duplicates', '', ...cleaned.merges.map(explain), '');
  if (cleaned.issues.length > 0) {
    lines.push('## Values removed', '', 'Fix these at the source; the cleaned CSV leaves them blank.', '');
    lines.push('| row | column | value | problem |', '|---:|---|---|---|');
    for (const i of cleaned.issues)
      lines.push(`| ${i.row} | ${markdownText(i.column)} | ${markdownText(i.value)} | ${markdownText(i.problem)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The cleaned contacts with the columns given, and the rows each came from. */
export function contactsCsv(cleaned: CleanedContacts): string {
  return csvDocument(
    [...cleaned.columns, 'source_rows'],
    cleaned.contacts.map((c) => [...cleaned.columns.map((col) => c.values[col] ?? ''), c.rows.join(' ')]),
  );
}
