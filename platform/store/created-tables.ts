/**
 * The tables a migration leaves behind: `create table [if not exists] [schema.]name`, less
 * `drop table`, following `alter table … rename to`. Temporary tables are not stored, so
 * they do not count.
 *
 * A tokenizer, not a parser: no maintained PostgreSQL parser is a dependency, and the
 * statements that name tables have a fixed head. It skips comments and single-quoted
 * strings (a table named in a string is not created), but reads dollar-quoted bodies as
 * SQL: a migration creates tables inside `do $$ … $$` blocks and `execute format($f$ … $f$)`
 * when the table depends on an extension. A table created by a statement assembled from
 * single-quoted strings is not seen.
 */
export function tablesCreatedBy(sql: string): CreatedTable[] {
  // Each table with where its create statement starts; a rename keeps that place.
  const tables = new Map<string, number>();
  const words = tokens(sql);
  const at = (i: number) => words[i]?.text;
  // `[schema.]name` from i; the name and the index after it, or undefined.
  const nameAt = (i: number): { name: string; next: number } | undefined => {
    const first = words[i];
    if (first?.kind !== 'word') return undefined;
    const second = words[i + 2];
    if (at(i + 1) === '.' && second?.kind === 'word') return { name: second.text, next: i + 3 };
    return { name: first.text, next: i + 1 };
  };
  for (let i = 0; i < words.length; i++) {
    const word = at(i);
    if (word === 'create') {
      let j = i + 1;
      if (at(j) === 'global' || at(j) === 'local') j++;
      const temporary = at(j) === 'temp' || at(j) === 'temporary';
      if (temporary || at(j) === 'unlogged') j++;
      if (at(j) !== 'table') continue;
      j++;
      if (at(j) === 'if' && at(j + 1) === 'not' && at(j + 2) === 'exists') j += 3;
      const table = nameAt(j);
      if (table !== undefined && !temporary && !tables.has(table.name)) tables.set(table.name, words[i]?.offset ?? 0);
    } else if (word === 'drop' && at(i + 1) === 'table') {
      let j = i + 2;
      if (at(j) === 'if' && at(j + 1) === 'exists') j += 2;
      for (
        let table = nameAt(j);
        table !== undefined;
        table = at(table.next) === ',' ? nameAt(table.next + 1) : undefined
      )
        tables.delete(table.name);
    } else if (word === 'alter' && at(i + 1) === 'table') {
      let j = i + 2;
      if (at(j) === 'if' && at(j + 1) === 'exists') j += 2;
      if (at(j) === 'only') j++;
      const table = nameAt(j);
      if (table === undefined || at(table.next) !== 'rename' || at(table.next + 1) !== 'to') continue;
      const renamed = nameAt(table.next + 2);
      const offset = tables.get(table.name);
      if (renamed !== undefined && offset !== undefined) {
        tables.delete(table.name);
        tables.set(renamed.name, offset);
      }
    }
  }
  return [...tables]
    .map(([name, offset]) => ({ name, offset }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface CreatedTable {
  name: string;
  /** Where its `create table` starts in the text. */
  offset: number;
}

interface Token {
  /** A word (an identifier or keyword, lowercased unless it was double-quoted) or one punctuation character. */
  kind: 'word' | 'punctuation';
  text: string;
  offset: number;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordPart = /[A-Za-z0-9_$\u0080-\uffff]/;

function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) i = endOf(sql, '\n', i + 2);
    else if (sql.startsWith('/*', i)) i = blockCommentEnd(sql, i);
    else if (c === "'" || ((c === 'e' || c === 'E') && sql[i + 1] === "'")) i = stringEnd(sql, i);
    else if (c === '"') {
      // A quoted identifier keeps its case; "" is a quote inside it.
      let text = '';
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) {
        text += sql.charAt(j);
        j += sql[j] === '"' ? 2 : 1;
      }
      out.push({ kind: 'word', text, offset: i });
      i = j + 1;
    } else if (c === '$') {
      // A dollar-quote delimiter ($$, $tag$) only separates: the body is read as SQL. $1 is a parameter.
      const delimiter = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      i += delimiter === null ? 1 : delimiter[0].length;
      if (delimiter === null) while (i < sql.length && /[0-9]/.test(sql.charAt(i))) i++;
    } else if (wordStart.test(c)) {
      let j = i + 1;
      while (j < sql.length && wordPart.test(sql.charAt(j))) j++;
      out.push({ kind: 'word', text: sql.slice(i, j).toLowerCase(), offset: i });
      i = j;
    } else {
      out.push({ kind: 'punctuation', text: c, offset: i });
      i++;
    }
  }
  return out;
}

function endOf(sql: string, text: string, from: number): number {
  const at = sql.indexOf(text, from);
  return at === -1 ? sql.length : at + text.length;
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** '…' with '' inside; E'…' also with backslash escapes. */
function stringEnd(sql: string, start: number): number {
  const escapes = sql[start] !== "'";
  let i = start + (escapes ? 2 : 1);
  while (i < sql.length) {
    if (escapes && sql[i] === '\\') i += 2;
    else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return sql.length;
}
