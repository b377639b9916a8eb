import type { z } from 'zod';

/**
 * Characters a stranger uses to make text read differently from what it is, and the one
 * check every customer door shares (the ticket API and the web form refuse them, mail
 * loses them).
 *
 * - Control characters (C0 but tab, line feed and carriage return; DEL; C1): PostgreSQL
 *   refuses a NUL in text, and the others have no place in a support request. Refused in
 *   every field.
 * - Characters that hide or reorder text: bidirectional controls (the Trojan Source class,
 *   CVE-2021-42574), zero-width characters, U+2028/U+2029 (line ends JavaScript knows and
 *   most viewers do not show), and line breaks. Refused in one-line fields (a subject, a
 *   name), which become mail headers, issue titles and page titles where a spoof reads as
 *   ours. A message keeps them: zero-width joiners make emoji and Persian or Indic words,
 *   direction marks make Arabic and Hebrew read right, and a message is only ever shown
 *   escaped.
 */
const controls = String.raw`[^\P{Cc}\t\n\r]`;
const hiding = String.raw`[\p{Cc}\u061C\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF]`;

export type TextField = 'line' | 'text';

const patterns = { line: new RegExp(hiding, 'u'), text: new RegExp(controls, 'u') } as const;
const everywhere = { line: new RegExp(hiding, 'gu'), text: new RegExp(controls, 'gu') } as const;

const names: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x09: 'CHARACTER TABULATION',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
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
};

/**
 * What is wrong with `text` for a field of this kind, said so that the person who typed
 * it can fix it; undefined when nothing is. Only the first such character is named.
 */
export function hostileCharacterProblem(text: string, field: TextField): string | undefined {
  const found = patterns[field].exec(text);
  if (found === null) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  const label = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} (${names[codePoint] ?? 'a control character'})`;
  const position = Array.from(text.slice(0, found.index)).length + 1;
  return `contains ${label} at character ${position}, ${why(codePoint)}; remove it (it often comes with text pasted from a document, a chat or a terminal)`;
}

function why(codePoint: number): string {
  if (codePoint === 0x0a || codePoint === 0x0d || codePoint === 0x2028 || codePoint === 0x2029) return 'a line break, which a one-line field cannot hold';
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return 'a control character, which has no place in a support request';
  if ((codePoint >= 0x200b && codePoint <= 0x200d) || codePoint === 0x2060 || codePoint === 0xfeff) return 'an invisible character, which makes two texts that look the same differ';
  return 'a direction control, which reorders how the text around it is shown';
}

/** For a zod string: refuses what `hostileCharacterProblem` names, in the field's own path. */
export function refuseHostileCharacters(field: TextField): (text: string, ctx: z.RefinementCtx) => void {
  return (text, ctx) => {
    const problem = hostileCharacterProblem(text, field);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** `text` without what a field of this kind refuses: for mail, which is taken, never refused for it. */
export function removeHostileCharacters(text: string, field: TextField): string {
  return text.replace(everywhere[field], '');
}
