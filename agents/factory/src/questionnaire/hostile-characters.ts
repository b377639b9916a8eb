/**
 * Characters that make text read differently from what it is: line terminators JavaScript
 * knows but editors may not show (U+2028, U+2029), bidirectional overrides, isolates and
 * marks (the Trojan Source class, CVE-2021-42574), zero-width characters, and control
 * characters (C0 other than tab and line feed, DEL, C1). Answers are refused when they
 * carry one, and every escaping helper writes them as visible escapes.
 */
import {
  codePointOf,
  escapeHiddenCharacters,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
} from '#platform';

/** A multi-line answer (a textarea) keeps tab and line feed; a one-line answer keeps nothing. */
const hostile = hiddenCharacterPattern(undefined, '\t\n');
const hostileInLine = hiddenCharacterPattern();

export interface HostileCharacter {
  /** Its code point, e.g. 0x2028. */
  codePoint: number;
  /** Where it is: the 1-based character position in the text. */
  position: number;
  /** "U+2028 (LINE SEPARATOR)". */
  label: string;
}

/**
 * The first hostile character in `text`, or undefined. `multiline`: line feeds and tabs
 * are allowed (a textarea's answer); otherwise they count too (a one-line answer).
 */
export function findHostileCharacter(text: string, opts: { multiline: boolean }): HostileCharacter | undefined {
  const pattern = opts.multiline ? hostile : hostileInLine;
  pattern.lastIndex = 0;
  const found = pattern.exec(text);
  if (found === null) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  return { codePoint, position: Array.from(text.slice(0, found.index)).length + 1, label: labelOf(codePoint) };
}

/** "U+2028 (LINE SEPARATOR)", "U+0007 (BELL)". */
export function labelOf(codePoint: number): string {
  return `${codePointOf(codePoint)} (${hiddenCharacterName(codePoint)})`;
}

/** Why such a character is refused, and what to do instead: said after the field's label. */
export function hostileCharacterMessage(found: HostileCharacter): string {
  return (
    `contains ${found.label} at character ${found.position}: ${reasons[kindOf(found.codePoint)]}. ` +
    'Retype the answer without it (it often comes with text pasted from a document or a chat).'
  );
}

const reasons = {
  'line break':
    'a line break where the answer takes none, ' +
    'or one editors may not show (U+2028, U+2029, a lone carriage return) that still ends a line, ' +
    'and a code comment, in JavaScript',
  bidirectional:
    'a bidirectional control, which reorders how the text around it is shown, so what reviewers read is not what runs',
  invisible: 'an invisible character, which makes two texts that look the same differ',
  control: 'a control character, which has no place in an answer',
} as const;

function kindOf(cp: number): keyof typeof reasons {
  if (cp === 0x0a || cp === 0x0d) return 'line break';
  const kind = hiddenKindOf(cp);
  return kind === 'separator'
    ? 'line break'
    : kind === 'bidi'
      ? 'bidirectional'
      : kind === 'invisible'
        ? 'invisible'
        : 'control';
}

/**
 * `text` with every hostile character written as a visible `\uXXXX` escape: for where the
 * character itself must never land (comments, Markdown, messages that quote an answer).
 */
export function withVisibleEscapes(text: string): string {
  return escapeHiddenCharacters(text, hostile);
}

/** Whether `text` holds any hostile character (line feeds and tabs are not). */
export function hasHostileCharacter(text: string): boolean {
  hostile.lastIndex = 0;
  return hostile.test(text);
}
