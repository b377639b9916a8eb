import { commentText, sqlIdentifier, tsLiteral, yamlScalar } from './escape-text.ts';
import { markdownCode, markdownInline } from './markdown-text.ts';
import { zodSource, type DataSchema } from './zod-source.ts';

/** Where escaped text may land: each helper escapes for one of these. */
export type EscapeContext = 'typescript' | 'comment' | 'yaml' | 'markdown' | 'sql';

// Only this module holds the key, so text is branded escaped only by the helpers below.
const key = Symbol('escaped');

/**
 * Text an escaping helper made safe for one context. A template's `<%= … %>` must give one
 * of these, of a context its file takes; anything else stops rendering (render-template.ts).
 * It reads as its text, so helpers compose (`it.ts('select ' + it.sqlIdent(t))`).
 */
export class EscapedText {
  readonly text: string;
  readonly context: EscapeContext;

  constructor(brand: typeof key, text: string, context: EscapeContext) {
    if (brand !== key) throw new TypeError('EscapedText is made only by the escaping helpers');
    this.text = text;
    this.context = context;
  }

  toString(): string {
    return this.text;
  }
}

function text(helper: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new TypeError(`it.${helper} takes text, and was given ${value === null ? 'null' : typeof value}`);
  return value;
}

/** The escaping helpers a template calls as `it.<name>(…)`. */
export const escapeHelpers = {
  /** A TypeScript literal of a string, number, boolean or array. */
  ts: (value: unknown) => new EscapedText(key, tsLiteral(value), 'typescript'),
  /** Text inside a `//`, `--` or block comment. */
  comment: (value: string) => new EscapedText(key, commentText(text('comment', value)), 'comment'),
  /** A YAML scalar on one line; a finite number as itself. */
  yaml: (value: string | number) =>
    new EscapedText(key, typeof value === 'number' ? tsLiteral(value) : yamlScalar(text('yaml', value)), 'yaml'),
  /** A TypeScript identifier the Factory derived (a schema's export name): refused unless it is one. */
  ident: (value: string) => {
    if (!/^[A-Za-z_$][\w$]*$/.test(text('ident', value)))
      throw new TypeError(`it.ident takes an identifier, not "${value}"`);
    return new EscapedText(key, value, 'typescript');
  },
  /** The zod source of a domain model's data schema (zod-source.ts), every string in it a literal or a comment. */
  zod: (schema: DataSchema) => new EscapedText(key, zodSource(schema), 'typescript'),
  /** Inline Markdown text: no mention, link, image, HTML or table pipe comes out of it. */
  md: (value: string) => new EscapedText(key, markdownInline(text('md', value)), 'markdown'),
  /** A Markdown code span. */
  mdCode: (value: string) => new EscapedText(key, markdownCode(text('mdCode', value)), 'markdown'),
  /** Markdown pieces joined by a separator from a fixed few (a comma or a space). */
  mdJoin: (parts: readonly EscapedText[], separator: ', ' | ' ') => {
    if (separator !== ', ' && separator !== ' ') throw new TypeError('it.mdJoin joins with ", " or " "');
    const wrong = parts.find((p) => !(p instanceof EscapedText) || p.context !== 'markdown');
    if (wrong !== undefined) throw new TypeError('it.mdJoin joins the Markdown of it.md and it.mdCode only');
    return new EscapedText(key, parts.map((p) => p.text).join(separator), 'markdown');
  },
  /** A PostgreSQL identifier (a table name). */
  sqlIdent: (value: string) => new EscapedText(key, sqlIdentifier(text('sqlIdent', value)), 'sql'),
};

/**
 * The text of an interpolation's value, when an escaping helper made it for a context the
 * file takes; otherwise an error naming the expression and the helper to use.
 */
export function escapedOutput(value: unknown, expression: string, accepts: readonly EscapeContext[]): string {
  if (value instanceof EscapedText && accepts.includes(value.context)) return value.text;
  const helpers =
    accepts.length === 0
      ? 'nothing: this kind of file takes no interpolation'
      : accepts.map((c) => helperFor[c]).join(', ');
  const given =
    value instanceof EscapedText ? `${value.context} text` : `a raw ${value === null ? 'null' : typeof value}`;
  throw new TypeError(
    `<%= ${expression} %> gives ${given}; this file takes ${helpers}. Write the value through the helper for where it lands.`,
  );
}

const helperFor: Readonly<Record<EscapeContext, string>> = {
  typescript: 'it.ts(…)',
  comment: 'it.comment(…)',
  yaml: 'it.yaml(…)',
  markdown: 'it.md(…), it.mdCode(…), it.mdJoin(…)',
  sql: 'it.sqlIdent(…)',
};
