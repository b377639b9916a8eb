/**
 * What GitHub holds an issue and a comment to, in characters (code points). GitHub says
 * "characters" and has been measured refusing bodies over 262,144 UTF-8 bytes: 65,536 code
 * points are at most that many bytes, so what fits here fits there either way.
 */
export const githubLimits = { title: 256, body: 65_536 } as const;

/**
 * `render(text, 0)` when it fits in `limit`; otherwise the rendering of the longest start of
 * `text` that fits, `render(shown, omitted)` being told how many characters were left out so
 * it can say so. The cut never splits a surrogate pair, and never falls inside an HTML
 * comment: an unclosed `<!--` hides everything after it on GitHub, the tail that says the
 * text was cut and the desk's own markers included.
 */
export function fitText(text: string, limit: number, render: (shown: string, omitted: number) => string): string {
  const whole = render(text, 0);
  if (characters(whole) <= limit) return whole;
  const at = (end: number) => {
    const cut = safeCut(text, end);
    return render(text.slice(0, cut), characters(text.slice(cut)));
  };
  // Where to cut, by halves: a rendering grows with what it shows (a cut moved back before
  // a `<!--` shows less), so the start found fits. The desk's own parts alone always fit.
  let fits = 0;
  let over = text.length;
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (characters(at(mid)) <= limit) fits = mid;
    else over = mid;
  }
  return at(fits);
}

/** How a cut text ends: how much is left out and where the whole of it is. */
export function cutNotice(omitted: number, ticketId: string): string {
  return `… [cut: ${omitted.toLocaleString('en-US')} more characters; the whole text is in ticket \`${ticketId}\`]`;
}

function safeCut(text: string, end: number): number {
  let cut = end;
  // A high surrogate ends the start: its low half would be left out, the pair split.
  if (cut > 0 && cut < text.length && /[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut--;
  const start = text.slice(0, cut);
  const opened = start.lastIndexOf('<!--');
  if (opened >= 0 && start.indexOf('-->', opened + 4) < 0) cut = opened;
  return cut;
}

const characters = (text: string): number => Array.from(text).length;
