import type { z } from 'zod';
import { codePointOf, hiddenCharacterName, hiddenCharacterPattern, hiddenKindOf, type HiddenKind } from '#platform';

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
 * - An answer the desk sends a customer (a person's `/reply` on the ticket's issue) goes by
 *   mail or webhook, where nobody escapes it, as the desk's own words: like a one-line
 *   field it refuses every hidden character, but it keeps its tabs and line breaks.
 */
export type TextField = 'line' | 'text' | 'answer';

/** A text keeps tab, line feed and carriage return and refuses the other controls; a line refuses every hidden character. */
const patterns = {
  line: hiddenCharacterPattern(),
  text: hiddenCharacterPattern(['control'], '\t\n\r'),
  answer: hiddenCharacterPattern(undefined, '\t\n\r'),
} as const;

/**
 * What is wrong with `text` for a field of this kind, said so that the person who typed
 * it can fix it; undefined when nothing is. Only the first such character is named.
 */
export function hostileCharacterProblem(text: string, field: TextField): string | undefined {
  const pattern = patterns[field];
  pattern.lastIndex = 0;
  const found = pattern.exec(text);
  if (found === null) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  const label = `${codePointOf(codePoint)} (${hiddenCharacterName(codePoint)})`;
  const position = Array.from(text.slice(0, found.index)).length + 1;
  return `contains ${label} at character ${position}, ${why(codePoint)}; remove it (it often comes with text pasted from a document, a chat or a terminal)`;
}

function why(codePoint: number): string {
  if (codePoint === 0x0a || codePoint === 0x0d) return 'a line break, which a one-line field cannot hold';
  return reasons[hiddenKindOf(codePoint) ?? 'control'];
}

const reasons: Readonly<Record<HiddenKind, string>> = {
  separator: 'a line break, which a one-line field cannot hold',
  control: 'a control character, which has no place in a support request',
  invisible: 'an invisible character, which makes two texts that look the same differ',
  bidi: 'a direction control, which reorders how the text around it is shown',
};

/** For a zod string: refuses what `hostileCharacterProblem` names, in the field's own path. */
export function refuseHostileCharacters(field: TextField): (text: string, ctx: z.RefinementCtx) => void {
  return (text, ctx) => {
    const problem = hostileCharacterProblem(text, field);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** `text` without what a field of this kind refuses: for mail, which is taken, never refused for it. */
export function removeHostileCharacters(text: string, field: TextField): string {
  return text.replace(patterns[field], '');
}
