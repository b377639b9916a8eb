import { markdownText } from '#platform';
import type { EmailCheck } from './check-email.ts';

/** The check as the customer reads it: what to fix first, then the subject, spam words, tokens, links and images. */
export function renderCheck(check: EmailCheck): string {
  const fix = check.findings.filter((f) => f.level === 'fix').length;
  const lines = [
    '# Email check',
    '',
    `${fix} thing(s) to fix and ${check.findings.length - fix} to consider before sending.`,
    '',
  ];
  if (check.findings.length > 0) {
    lines.push('## Findings', '');
    for (const f of check.findings)
      lines.push(`- **${f.level === 'fix' ? 'Fix' : 'Consider'}** (${f.about}): ${markdownText(f.text)}`);
    lines.push('');
  }
  const s = check.subject;
  lines.push(
    '## Subject',
    '',
    `"${markdownText(s.text)}": ${s.length} characters (${s.verdict}), ${s.exclamations} exclamation mark(s)` +
      `${s.shouting.length === 0 ? '' : `, in capitals: ${s.shouting.map(markdownText).join(', ')}`}.`,
    '',
    '## Spam-trigger words',
    '',
  );
  if (check.spam.subject.length + check.spam.body.length === 0) lines.push('None found.', '');
  else {
    lines.push('| word | in the subject | in the text |', '|---|---|---|');
    const phrases = [...new Set([...check.spam.subject, ...check.spam.body].map((h) => h.phrase))];
    for (const p of phrases)
      lines.push(
        `| ${p} | ${check.spam.subject.find((h) => h.phrase === p)?.count ?? 0} | ${check.spam.body.find((h) => h.phrase === p)?.count ?? 0} |`,
      );
    lines.push('');
  }
  lines.push('## Personalisation', '');
  if (check.tokens.used.length === 0) lines.push('No {{tokens}} used.', '');
  else {
    lines.push('| token | used | with a fallback | filled by the sending tool |', '|---|---|---|---|');
    for (const t of check.tokens.used)
      lines.push(
        `| ${markdownText(`{{${t.name}}}`)} | ${t.count} | ${t.withFallback} of ${t.count} | ` +
          `${t.defined === null ? 'not said' : t.defined ? 'yes' : '**no**'} |`,
      );
    lines.push('');
  }
  for (const m of check.tokens.malformed) lines.push(`- Not well formed: "${markdownText(m)}"`);
  if (check.tokens.malformed.length > 0) lines.push('');
  const k = check.links.byKind;
  lines.push(
    '## Links',
    '',
    `${check.links.count} link(s): ${k.web} https, ${k.insecure} http, ${k.mailto} mail or phone, ${k.token} filled by the sending tool, ` +
      `${k.placeholder} going nowhere; ${check.links.unsubscribe ? 'one unsubscribes' : '**none unsubscribes**'}.`,
    '',
  );
  const bad = check.links.list.filter((l) => l.kind === 'insecure' || l.kind === 'placeholder');
  if (bad.length > 0) {
    lines.push('| link text | target | problem |', '|---|---|---|');
    for (const l of bad)
      lines.push(
        `| ${markdownText(l.text) || '(no text)'} | ${markdownText(l.href) || '(empty)'} | ${l.kind === 'insecure' ? 'http:' : 'goes nowhere'} |`,
      );
    lines.push('');
  }
  const i = check.images;
  lines.push(
    '## Images and text',
    '',
    `${i.count} image(s), ${i.missingAlt} without alt text; ${i.textCharacters} characters of text` +
      `${i.textPerImage === null ? '' : ` (${i.textPerImage} per image)`}: ${i.balance}.`,
    '',
  );
  return lines.join('\n');
}
