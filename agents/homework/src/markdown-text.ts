/**
 * The customer's own text as Markdown text: one line, and the characters that would start
 * emphasis, a link, an image, HTML, a code span or a table cell escaped, so a deliverable
 * shows their words and never runs markup from them.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~!#]/g, (c) => `\\${c}`);
}
