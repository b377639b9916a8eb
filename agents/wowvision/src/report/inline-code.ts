/**
 * Text a stranger wrote, as Markdown inline code: a backtick cannot close the span, control
 * and invisible characters show as escapes, and at most `max` characters are kept. Inside
 * a code span GitHub renders no mention, link or formatting.
 */
export function inlineCode(text: string, max = 80): string {
  // Cut between characters as a reader sees them, never inside an emoji.
  const graphemes = Array.from(new Intl.Segmenter().segment(text), (s) => s.segment);
  const kept = graphemes.length > max ? `${graphemes.slice(0, max).join('')}…` : text;
  const safe = kept.replace(/`/g, "'").replace(/[\p{C}\u2028\u2029]/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff
      ? `\\u{${code.toString(16).toUpperCase()}}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
  return `\`${safe}\``;
}
