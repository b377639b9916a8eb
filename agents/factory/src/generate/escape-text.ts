import { Document, Scalar } from 'yaml';
import { hasHostileCharacter, withVisibleEscapes } from '../questionnaire/hostile-characters.ts';

// Answers come from strangers. Each function here makes text safe for one place it lands
// in a generated file; the templates reach them through the branded helpers of
// escaped-output.ts, so that nothing reaches a file unescaped.

/** Characters a single-quoted TypeScript string must not hold as themselves, by their escape. */
const stringEscapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A TypeScript literal in the house style (single-quoted strings): the string cannot end
 * early, and line terminators (U+2028 and U+2029 too), bidirectional controls, invisible
 * and control characters are written as escapes, so the source shows what the string is.
 */
export function tsLiteral(value: unknown): string {
  if (typeof value === 'string') {
    const body = value.replace(/[\\'\n\r\t]/g, (c) => stringEscapes[c] ?? c);
    return `'${withVisibleEscapes(body)}'`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  throw new TypeError(
    `no TypeScript literal for ${typeof value}: templates write strings, finite numbers, booleans, null and arrays of them`,
  );
}

/**
 * One YAML scalar on one line, as the yaml library writes it (quoted when plain would
 * mean something else: `: #`, `---`, `yes`, a leading `-`). Never a block scalar or a
 * folded line, whose indentation would depend on where it lands: text with line breaks
 * is double quoted, breaks escaped. Text with characters other YAML readers
 * take as line breaks (YAML 1.1 reads U+2028 as one) or that hide what it says is double
 * quoted, and those characters are written as `\uXXXX` escapes.
 */
export function yamlScalar(value: string): string {
  const doc = new Document(value);
  const hostile = hasHostileCharacter(value);
  if ((hostile || /[\n\r\t]/.test(value)) && doc.contents instanceof Scalar) doc.contents.type = Scalar.QUOTE_DOUBLE;
  // JSON-style double quotes write a line break as `\n`, never as a folded line whose indentation would matter.
  const text = doc.toString({ lineWidth: 0, blockQuote: false, doubleQuotedAsJSON: true }).trimEnd();
  // Inside double quotes the escape is YAML's own; nothing else in the text is raw.
  return hostile ? withVisibleEscapes(text) : text;
}

/**
 * Text safe inside a line comment (`//`, `--`) or a block comment: one line (every line
 * terminator JavaScript knows, U+2028 and U+2029 included, becomes a space), no star-slash (which would close a block comment), and
 * hostile characters shown as escapes.
 */
export function commentText(text: string): string {
  return withVisibleEscapes(text)
    .replace(/[\s\u2028\u2029]+/g, ' ')
    .replace(/\*\//g, '* /')
    .trim();
}

/**
 * A PostgreSQL identifier: as written when it is a plain lower-case name (as validated
 * table names are), else quoted as a Unicode-escaped identifier (`U&"…"`), in which quotes
 * are doubled and every character that is not plain printable text is a `\XXXX` escape.
 */
export function sqlIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) return name;
  const body = name.replace(/["\\]|[^\x20-\x7e]/gu, (c) => {
    if (c === '"') return '""';
    if (c === '\\') return '\\\\';
    const cp = c.codePointAt(0) ?? 0;
    return cp > 0xffff ? `\\+${cp.toString(16).padStart(6, '0')}` : `\\${cp.toString(16).padStart(4, '0')}`;
  });
  return `U&"${body}"`;
}
