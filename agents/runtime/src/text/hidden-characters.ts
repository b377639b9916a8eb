/**
 * Characters that make text read differently from what it is: one list for the gate (the
 * hidden-characters rule kind), the Factory (answers that become code) and the desk (what
 * strangers type). Each caller says which kinds it refuses and which control characters
 * its text may keep (a one-line field keeps none, a file keeps tab, LF, CR and FF).
 *
 * - `bidi`: bidirectional controls, which reorder how the text around them is shown (the
 *   Trojan Source class, CVE-2021-42574).
 * - `invisible`: zero-width characters, which make two texts that look the same differ.
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
    [0x200b, 0x200d],
    [0x2060, 0x2060],
    [0xfeff, 0xfeff],
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
  const kept = new Set(Array.from(keep, (c) => c.codePointAt(0)));
  const members: string[] = [];
  for (const kind of kinds) {
    for (const [from, to] of ranges[kind]) {
      for (let cp = from; cp <= to; cp++) if (!kept.has(cp)) members.push(escapeCodePoint(cp));
    }
  }
  return new RegExp(`[${members.join('')}]`, 'gu');
}

/** `\u2028`: how a hidden character is written where it must be seen, never shown raw. */
export function escapeCodePoint(codePoint: number): string {
  return `\\u${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "U+2028". */
export function codePointOf(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Unicode's name of a hidden character (a control character's name alias), e.g. "LINE SEPARATOR". */
export function hiddenCharacterName(codePoint: number): string {
  return names.get(codePoint) ?? 'UNNAMED';
}

/** `text` with every character `pattern` matches written as its visible escape. */
export function escapeHiddenCharacters(
  text: string,
  pattern: RegExp = hiddenCharacterPattern(hiddenKinds, '\t\n'),
): string {
  return text.replace(pattern, (c) => escapeCodePoint(c.codePointAt(0) ?? 0));
}

const names = new Map<number, string>([
  [0x061c, 'ARABIC LETTER MARK'],
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
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
  [0x7f, 'DELETE'],
]);
// Unicode's name aliases of the control characters, C0 then C1.
const c0 =
  'NULL,START OF HEADING,START OF TEXT,END OF TEXT,END OF TRANSMISSION,ENQUIRY,ACKNOWLEDGE,BELL,BACKSPACE,CHARACTER TABULATION,LINE FEED,LINE TABULATION,FORM FEED,CARRIAGE RETURN,SHIFT OUT,SHIFT IN,DATA LINK ESCAPE,DEVICE CONTROL ONE,DEVICE CONTROL TWO,DEVICE CONTROL THREE,DEVICE CONTROL FOUR,NEGATIVE ACKNOWLEDGE,SYNCHRONOUS IDLE,END OF TRANSMISSION BLOCK,CANCEL,END OF MEDIUM,SUBSTITUTE,ESCAPE,INFORMATION SEPARATOR FOUR,INFORMATION SEPARATOR THREE,INFORMATION SEPARATOR TWO,INFORMATION SEPARATOR ONE';
const c1 =
  'PADDING CHARACTER,HIGH OCTET PRESET,BREAK PERMITTED HERE,NO BREAK HERE,INDEX,NEXT LINE,START OF SELECTED AREA,END OF SELECTED AREA,CHARACTER TABULATION SET,CHARACTER TABULATION WITH JUSTIFICATION,LINE TABULATION SET,PARTIAL LINE FORWARD,PARTIAL LINE BACKWARD,REVERSE LINE FEED,SINGLE SHIFT TWO,SINGLE SHIFT THREE,DEVICE CONTROL STRING,PRIVATE USE ONE,PRIVATE USE TWO,SET TRANSMIT STATE,CANCEL CHARACTER,MESSAGE WAITING,START OF GUARDED AREA,END OF GUARDED AREA,START OF STRING,SINGLE GRAPHIC CHARACTER INTRODUCER,SINGLE CHARACTER INTRODUCER,CONTROL SEQUENCE INTRODUCER,STRING TERMINATOR,OPERATING SYSTEM COMMAND,PRIVACY MESSAGE,APPLICATION PROGRAM COMMAND';
c0.split(',').forEach((name, i) => names.set(i, name));
c1.split(',').forEach((name, i) => names.set(0x80 + i, name));
