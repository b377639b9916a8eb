// The lines mail clients put above the message they quote. Each is matched on one line,
// or on two when a long "On …, Name <address> wrote:" is wrapped.
const replyHeaders: RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^Am\b.{0,300}\bschrieb\b.{0,300}:\s*$/i, // German clients
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i, // French clients
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$/i, // Outlook, older clients
  /^_{10,}\s*$/, // Outlook's rule above its From:/Sent: block
];

// Outlook without a rule: "From: …" then, within a few lines, "Sent:" or "Date:".
const outlookFrom = /^\*?(From|Von|De):\*?\s/i;
const outlookSent = /^\*?(Sent|Date|Gesendet|Datum|Envoyé):\*?\s/i;

const isQuoted = (line: string): boolean => line.trimStart().startsWith('>');
const isBlank = (line: string): boolean => line.trim() === '';

/**
 * The customer's new text without the earlier mail their client quoted below it. Only
 * the tail goes: (1) everything from the first reply header ("On … wrote:", "-----Original
 * Message-----", Outlook's From:/Sent: block) that follows some text of their own, then
 * (2) a trailing run of "> " lines. Quotes with answers between them (bottom-posting) stay,
 * because the answers only make sense next to them. A mail that is nothing but a quote
 * is kept whole rather than emptied.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isQuoted(lines[i] ?? '')) continue;
    if (startsReplyHeader(lines, i) && lines.slice(0, i).some((l) => !isBlank(l) && !isQuoted(l))) {
      end = i;
      break;
    }
  }
  // A trailing quote with no reply header above it (some clients write none).
  let tail = end;
  while (tail > 0 && (isBlank(lines[tail - 1] ?? '') || isQuoted(lines[tail - 1] ?? ''))) tail--;
  if (lines.slice(tail, end).some(isQuoted)) end = tail;
  const kept = lines.slice(0, end).join('\n').trim();
  return kept === '' ? text.trim() : kept;
}

function startsReplyHeader(lines: string[], i: number): boolean {
  const line = (lines[i] ?? '').trim();
  const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
  if (replyHeaders.some((re) => re.test(line) || (/^(On|Am|Le)\b/i.test(line) && re.test(joined)))) return true;
  return outlookFrom.test(line) && lines.slice(i + 1, i + 5).some((l) => outlookSent.test(l.trim()));
}
