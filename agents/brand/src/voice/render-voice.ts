import { markdownText } from '#platform';
import type { VoiceCheck } from './check-voice.ts';

const voiceWords = { we: 'as "we"', i: 'as "I"', any: 'as "we" or "I"' } as const;

/** The check as the writer reads it: the counts, then each line's findings in order. */
export function renderVoice(check: VoiceCheck): string {
  const c = check.counts;
  const total = Object.values(c).reduce((n, x) => n + x, 0);
  const lines = [
    '# Brand voice check',
    '',
    `${check.lines} line(s), ${check.sentences} sentence(s), ${check.words} words; rules: sentences of at most ` +
      `${check.rules.maxSentenceWords} words, at most ${check.rules.exclamations} exclamation mark(s) a line, speaking ${voiceWords[check.rules.voice]}.`,
    '',
    `${total} finding(s): ${c.banned} banned term(s), ${c.preferred} variant(s) of the brand's terms, ${c['long sentence']} long sentence(s), ` +
      `${c.exclamation} line(s) with too many exclamation marks, ${c.voice} word(s) in the wrong voice.`,
    '',
  ];
  if (check.findings.length > 0) {
    lines.push('| line | finding | found | suggestion |', '|---|---|---|---|');
    for (const f of check.findings)
      lines.push(`| ${f.line} | ${f.kind} | ${markdownText(f.text)} | ${markdownText(f.suggestion)} |`);
    if (check.findings.length < total) lines.push('', `The first ${check.findings.length} findings are listed.`);
    lines.push('');
  }
  return lines.join('\n');
}
