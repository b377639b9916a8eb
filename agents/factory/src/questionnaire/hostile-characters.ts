/**
 * Characters that make text read differently from what it is: line terminators JavaScript
 * knows but editors may not show (U+2028, U+2029), bidirectional overrides, isolates and
 * marks (the Trojan Source class, CVE-2021-42574), zero-width characters, and control
 * characters (C0 other than tab and line feed, DEL, C1). Answers are refused when they
 * carry one, and every escaping helper writes them as visible escapes.
 */
const invisible = String.raw`\u061C\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF`;
/** Control characters (\p{Cc}: C0, DEL, C1) but tab and line feed, and the invisible ones. */
const hostile = new RegExp(`[^\\P{Cc}\\t\\n]|[${invisible}]`, 'u');
const hostileGlobal = new RegExp(hostile.source, 'gu');
/** For a one-line answer, a line feed or a tab is out of place too. */
const hostileInLine = new RegExp(`[\\p{Cc}${invisible}]`, 'u');

const names: Readonly<Record<number, string>> = {
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0x007f: 'DELETE',
  0x0009: 'CHARACTER TABULATION',
  0x000a: 'LINE FEED',
  0x000d: 'CARRIAGE RETURN',
};

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
  const found = (opts.multiline ? hostile : hostileInLine).exec(text);
  if (found === null) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  return { codePoint, position: Array.from(text.slice(0, found.index)).length + 1, label: labelOf(codePoint) };
}

/** "U+2028 (LINE SEPARATOR)", "U+0001 (a control character)". */
export function labelOf(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} (${names[codePoint] ?? 'a control character'})`;
}

/** Why such a character is refused, and what to do instead: said after the field's label. */
export function hostileCharacterMessage(found: HostileCharacter): string {
  return `contains ${found.label} at character ${found.position}: ${reasons[kindOf(found.codePoint)]}. Retype the answer without it (it often comes with text pasted from a document or a chat).`;
}

const reasons = {
  'line break': 'a line break where the answer takes none, or one editors may not show (U+2028, U+2029, a lone carriage return) that still ends a line, and a code comment, in JavaScript',
  bidirectional: 'a bidirectional control, which reorders how the text around it is shown, so what reviewers read is not what runs',
  invisible: 'an invisible character, which makes two texts that look the same differ',
  control: 'a control character, which has no place in an answer',
} as const;

function kindOf(cp: number): keyof typeof reasons {
  if (cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029) return 'line break';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidirectional';
  if ((cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff) return 'invisible';
  return 'control';
}

/**
 * `text` with every hostile character written as a visible `\uXXXX` escape: for where the
 * character itself must never land (comments, Markdown, messages that quote an answer).
 */
export function withVisibleEscapes(text: string): string {
  return text.replace(hostileGlobal, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Whether `text` holds any hostile character (line feeds and tabs are not). */
export function hasHostileCharacter(text: string): boolean {
  return hostile.test(text);
}
