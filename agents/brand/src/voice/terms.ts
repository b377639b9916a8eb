import { TaskNeedsInput } from '#platform';

/** The most terms a style guide lists here, each kind: more is a dictionary. */
export const maxTerms = 300;

/** A term to find, and the one to write instead (null: the writer rephrases). */
export interface TermRule {
  kind: 'banned' | 'preferred';
  find: string;
  replace: string | null;
  pattern: RegExp;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches the term as whole words (a letter or digit on neither side), any run of spaces
 * inside it; case-insensitive, unless the term differs from its replacement only in case
 * (WAOOAW for Waooaw), when the case is the point.
 */
function patternOf(find: string, replace: string | null): RegExp {
  const caseMatters = replace !== null && replace.toLowerCase() === find.toLowerCase();
  const body = escaped(find).replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, caseMatters ? 'gu' : 'giu');
}

const lines = (list: string | undefined) =>
  (list ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/** The banned terms, one a line: "term" or "term => replacement". */
export function parseBanned(list: string | undefined): TermRule[] {
  const found = lines(list);
  if (found.length > maxTerms)
    throw new TaskNeedsInput(`There are ${found.length} banned terms: give at most ${maxTerms}.`);
  return found.map((line) => {
    const [find = '', replace] = line.split('=>').map((s) => s.trim());
    if (find === '') throw new TaskNeedsInput(`The banned line "${line.slice(0, 60)}" has no term before "=>".`);
    const to = replace === undefined || replace === '' ? null : replace;
    return { kind: 'banned', find, replace: to, pattern: patternOf(find, to) };
  });
}

/** The brand's own terms, one a line: "term: variant, variant"; each variant becomes a rule to write the term. */
export function parsePreferred(list: string | undefined): TermRule[] {
  const rules: TermRule[] = [];
  for (const line of lines(list)) {
    const at = line.indexOf(':');
    const term = line.slice(0, at).trim();
    const variants = line
      .slice(at + 1)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '' && v !== term);
    if (at === -1 || term === '' || variants.length === 0)
      throw new TaskNeedsInput(
        `The preferred line "${line.slice(0, 60)}" needs the term, a colon and its variants, e.g. "email: e-mail".`,
      );
    for (const find of variants) rules.push({ kind: 'preferred', find, replace: term, pattern: patternOf(find, term) });
  }
  if (rules.length > maxTerms)
    throw new TaskNeedsInput(`There are ${rules.length} variants of preferred terms: give at most ${maxTerms}.`);
  return rules;
}
