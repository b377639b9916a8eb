/**
 * Characters that make text read differently from what it is: one list for the gate (the
 * hidden-characters rule kind), the Factory (answers that become code) and the desk (what
 * strangers type). Each caller says which kinds it refuses and which control characters
 * its text may keep (a one-line field keeps none, a file keeps tab, LF, CR and FF).
 *
 * - `bidi`: bidirectional controls, which reorder how the text around them is shown (the
 *   Trojan Source class, CVE-2021-42574).
 * - `invisible`: characters that show nothing, which make two texts that look the same differ:
 *   zero-width characters; the Hangul fillers, which JavaScript takes as letters, so they
 *   name variables no reviewer sees; the soft hyphen, invisible operators and deprecated
 *   format controls; tag characters (U+E0000–U+E007F), which spell text no one sees; and
 *   the variation selectors beyond the BMP. U+FE00–U+FE0F stay out: every emoji with a
 *   text and an emoji form carries U+FE0F.
 * - `separator`: U+2028 and U+2029, line terminators to JavaScript that editors may not show.
 * - `control`: C0, DEL and C1 (Unicode's Cc), which terminals and tools act on instead of showing.
 */
export type HiddenKind = 'bidi' | 'invisible' | 'separator' | 'control';

export const hiddenKinds: readonly HiddenKind[] = ['bidi', 'invisible', 'separator', 'control'];

const ranges: Readonly<Record<HiddenKind, readonly (readonly [number, number])[]>> = {
  bidi: [
    [0x061c, 0x061c],
    [0x200e, 0x200f],
    [0x202a, 0x202e],
    [0x2066, 0x2069],
  ],
  invisible: [
    [0x00ad, 0x00ad],
    [0x115f, 0x1160],
    [0x180e, 0x180e],
    [0x200b, 0x200d],
    [0x2060, 0x2064],
    [0x206a, 0x206f],
    [0x3164, 0x3164],
    [0xfeff, 0xfeff],
    [0xffa0, 0xffa0],
    [0xe0000, 0xe007f],
    [0xe0100, 0xe01ef],
  ],
  separator: [[0x2028, 0x2029]],
  control: [
    [0x00, 0x1f],
    [0x7f, 0x9f],
  ],
};

/** The kind of a hidden character, or undefined for any other code point. */
export function hiddenKindOf(codePoint: number): HiddenKind | undefined {
  return hiddenKinds.find((kind) => ranges[kind].some(([from, to]) => codePoint >= from && codePoint <= to));
}

/**
 * A global, Unicode pattern matching one character of the kinds given; the control
 * characters in `keep` (e.g. "\t\n") do not match.
 */
export function hiddenCharacterPattern(kinds: readonly HiddenKind[] = hiddenKinds, keep = ''): RegExp {
  const kept = [...new Set(Array.from(keep, (c) => c.codePointAt(0) ?? 0))].sort((a, b) => a - b);
  const members: string[] = [];
  for (const kind of kinds) {
    for (const [from, to] of ranges[kind]) {
      // A range with kept characters inside it is split around them.
      let start = from;
      for (const cp of kept.filter((k) => k >= from && k <= to)) {
        if (cp > start) members.push(classRange(start, cp - 1));
        start = cp + 1;
      }
      if (start <= to) members.push(classRange(start, to));
    }
  }
  // `u`: code points beyond U+FFFF (tags, variation selectors) match whole, never half a surrogate pair.
  return new RegExp(`[${members.join('')}]`, 'gu');
}

function classRange(from: number, to: number): string {
  return from === to ? escapeCodePoint(from) : `${escapeCodePoint(from)}-${escapeCodePoint(to)}`;
}

/**
 * `\u2028`, `\u{E0041}`: how a hidden character is written where it must be seen, never
 * shown raw; JavaScript and Unicode regular expressions read either form back.
 */
export function escapeCodePoint(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** "U+2028". */
export function codePointOf(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Unicode's name of a hidden character (a control character's name alias), e.g. "LINE
 * SEPARATOR"; a code point Unicode has not assigned gets its code point label, e.g.
 * "<reserved-E0000>".
 */
export function hiddenCharacterName(codePoint: number): string {
  return names.get(codePoint) ?? `<reserved-${codePoint.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** `text` with every character `pattern` matches written as its visible escape. */
export function escapeHiddenCharacters(
  text: string,
  pattern: RegExp = hiddenCharacterPattern(hiddenKinds, '\t\n'),
): string {
  return text.replace(pattern, (c) => escapeCodePoint(c.codePointAt(0) ?? 0));
}

const names = new Map<number, string>([
  [0x00ad, 'SOFT HYPHEN'],
  [0x061c, 'ARABIC LETTER MARK'],
  [0x115f, 'HANGUL CHOSEONG FILLER'],
  [0x1160, 'HANGUL JUNGSEONG FILLER'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0x206a, 'INHIBIT SYMMETRIC SWAPPING'],
  [0x206b, 'ACTIVATE SYMMETRIC SWAPPING'],
  [0x206c, 'INHIBIT ARABIC FORM SHAPING'],
  [0x206d, 'ACTIVATE ARABIC FORM SHAPING'],
  [0x206e, 'NATIONAL DIGIT SHAPES'],
  [0x206f, 'NOMINAL DIGIT SHAPES'],
  [0x3164, 'HANGUL FILLER'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
  [0xffa0, 'HALFWIDTH HANGUL FILLER'],
  [0xe0001, 'LANGUAGE TAG'],
  [0xe007f, 'CANCEL TAG'],
  [0x7f, 'DELETE'],
]);
// Unicode's name aliases of the control characters, C0 then C1.
const c0 =
  'NULL,START OF HEADING,START OF TEXT,END OF TEXT,END OF TRANSMISSION,ENQUIRY,' +
  'ACKNOWLEDGE,BELL,BACKSPACE,CHARACTER TABULATION,LINE FEED,LINE TABULATION,FORM FEED,CARRIAGE RETURN,SHIFT OUT,' +
  'SHIFT IN,DATA LINK ESCAPE,DEVICE CONTROL ONE,DEVICE CONTROL TWO,DEVICE CONTROL THREE,DEVICE CONTROL FOUR,' +
  'NEGATIVE ACKNOWLEDGE,SYNCHRONOUS IDLE,END OF TRANSMISSION BLOCK,CANCEL,END OF MEDIUM,SUBSTITUTE,ESCAPE,' +
  'INFORMATION SEPARATOR FOUR,INFORMATION SEPARATOR THREE,INFORMATION SEPARATOR TWO,INFORMATION SEPARATOR ONE';
const c1 =
  'PADDING CHARACTER,HIGH OCTET PRESET,BREAK PERMITTED HERE,' +
  'NO BREAK HERE,INDEX,NEXT LINE,START OF SELECTED AREA,END OF SELECTED AREA,CHARACTER TABULATION SET,' +
  'CHARACTER TABULATION WITH JUSTIFICATION,LINE TABULATION SET,PARTIAL LINE FORWARD,PARTIAL LINE BACKWARD,' +
  'REVERSE LINE FEED,SINGLE SHIFT TWO,SINGLE SHIFT THREE,DEVICE CONTROL STRING,PRIVATE USE ONE,' +
  'PRIVATE USE TWO,SET TRANSMIT STATE,CANCEL CHARACTER,MESSAGE WAITING,START OF GUARDED AREA,END OF GUARDED AREA,' +
  'START OF STRING,SINGLE GRAPHIC CHARACTER INTRODUCER,SINGLE CHARACTER INTRODUCER,CONTROL SEQUENCE INTRODUCER,' +
  'STRING TERMINATOR,OPERATING SYSTEM COMMAND,PRIVACY MESSAGE,APPLICATION PROGRAM COMMAND';
c0.split(',').forEach((name, i) => names.set(i, name));
c1.split(',').forEach((name, i) => names.set(0x80 + i, name));
// The tag characters are named after the ASCII characters they shadow (U+E0041 is TAG LATIN
// CAPITAL LETTER A); punctuation in code point order.
const punctuation = (
  'SPACE,EXCLAMATION MARK,' +
  'QUOTATION MARK,NUMBER SIGN,DOLLAR SIGN,PERCENT SIGN,AMPERSAND,APOSTROPHE,LEFT PARENTHESIS,RIGHT PARENTHESIS,' +
  'ASTERISK,PLUS SIGN,COMMA,HYPHEN-MINUS,FULL STOP,SOLIDUS,COLON,SEMICOLON,LESS-THAN SIGN,EQUALS SIGN,' +
  'GREATER-THAN SIGN,QUESTION MARK,COMMERCIAL AT,LEFT SQUARE BRACKET,REVERSE SOLIDUS,RIGHT SQUARE BRACKET,' +
  'CIRCUMFLEX ACCENT,LOW LINE,GRAVE ACCENT,LEFT CURLY BRACKET,VERTICAL LINE,RIGHT CURLY BRACKET,TILDE'
).split(',');
const digits = 'ZERO,ONE,TWO,THREE,FOUR,FIVE,SIX,SEVEN,EIGHT,NINE'.split(',');
let nextPunctuation = 0;
for (let code = 0x20; code < 0x7f; code++) {
  const c = String.fromCharCode(code);
  const name = /[0-9]/.test(c)
    ? `DIGIT ${digits[code - 0x30] ?? ''}`
    : /[A-Z]/.test(c)
      ? `LATIN CAPITAL LETTER ${c}`
      : /[a-z]/.test(c)
        ? `LATIN SMALL LETTER ${c.toUpperCase()}`
        : (punctuation[nextPunctuation++] ?? '');
  names.set(0xe0000 + code, `TAG ${name}`);
}
for (let i = 0; i < 240; i++) names.set(0xe0100 + i, `VARIATION SELECTOR-${i + 17}`);
