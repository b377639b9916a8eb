import type { TermRule } from './terms.ts';

/** The most findings a report lists: past this the text needs rewriting, not a list. */
export const maxFindings = 1000;

export type Voice = 'we' | 'i' | 'any';

export interface Finding {
  /** The line of the text, from 1. */
  line: number;
  kind: 'banned' | 'preferred' | 'long sentence' | 'exclamation' | 'voice';
  /** What was found: the words, or the sentence's opening. */
  text: string;
  suggestion: string;
}

export interface VoiceCheck {
  lines: number;
  sentences: number;
  words: number;
  rules: { maxSentenceWords: number; exclamations: number; voice: Voice };
  counts: Record<Finding['kind'], number>;
  findings: Finding[];
  /** The text with each term that has a replacement replaced; the rest is the writer's. */
  revised: string;
}

/** How the brand must not speak of itself, by its voice. */
const wrongVoice: Record<Exclude<Voice, 'any'>, { pattern: RegExp; say: string }> = {
  // "I" only in capitals, so "i.e." and a stray lower-case letter are not a voice.
  we: {
    pattern: /(?<![\p{L}'’])(?:I(?:['’](?:m|ve|ll|d))?|[Mm](?:e|y|ine|yself))(?![\p{L}'’])/gu,
    say: 'we, us, our',
  },
  i: {
    pattern: /(?<![\p{L}'’])(?:we|us|our|ours|ourselves|we're|we’re|we've|we’ve|we'll|we’ll)(?![\p{L}'’])/giu,
    say: 'I, me, my',
  },
};

/** The replacement in the case of the words it replaces: "Cheap" becomes "Affordable", "cheap" "affordable". */
function inCase(found: string, replace: string): string {
  if (
    found === found.toUpperCase() &&
    found !== found.toLowerCase() &&
    found.length > 1 &&
    replace.toLowerCase() === replace
  )
    return replace.toUpperCase();
  const first = found.charAt(0);
  if (first !== first.toLowerCase() && replace.charAt(0) === replace.charAt(0).toLowerCase())
    return replace.charAt(0).toUpperCase() + replace.slice(1);
  return replace;
}

const sentencesOf = (line: string) =>
  line
    .split(/(?<=[.!?…])\s+(?=\S)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
const wordsOf = (text: string) => text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
const opening = (sentence: string) => {
  const words = sentence.split(/\s+/);
  return words.length <= 8 ? sentence : `${words.slice(0, 8).join(' ')}…`;
};

/**
 * The text line by line against the brand's rules: its banned terms and the variants of
 * its own terms (each with what to write instead), sentences longer than the limit, lines
 * with more exclamation marks than allowed, and words that speak in the wrong person.
 * The revised text makes every replacement the rules give and changes nothing else.
 */
export function checkVoice(
  text: string,
  terms: TermRule[],
  rules: { maxSentenceWords: number; exclamations: number; voice: Voice },
): VoiceCheck {
  const findings: Finding[] = [];
  const counts: VoiceCheck['counts'] = { banned: 0, preferred: 0, 'long sentence': 0, exclamation: 0, voice: 0 };
  const add = (f: Finding) => {
    counts[f.kind] += 1;
    if (findings.length < maxFindings) findings.push(f);
  };
  // A final line break ends the last line; it starts no empty one.
  const source = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  let sentences = 0;
  let words = 0;
  const revised = source.map((raw, i) => {
    const line = i + 1;
    let out = raw;
    for (const rule of terms)
      for (const m of raw.matchAll(rule.pattern))
        add({
          line,
          kind: rule.kind,
          text: m[0],
          suggestion: rule.replace === null ? 'rephrase without it' : `write "${inCase(m[0], rule.replace)}"`,
        });
    for (const rule of terms)
      if (rule.replace !== null) {
        const to = rule.replace;
        out = out.replace(rule.pattern, (m) => inCase(m, to));
      }
    for (const sentence of sentencesOf(raw)) {
      sentences += 1;
      const n = wordsOf(sentence).length;
      words += n;
      if (n > rules.maxSentenceWords)
        add({
          line,
          kind: 'long sentence',
          text: opening(sentence),
          suggestion: `${n} words: split it to ${rules.maxSentenceWords} or fewer`,
        });
    }
    const marks = raw.match(/!/g)?.length ?? 0;
    if (marks > rules.exclamations)
      add({
        line,
        kind: 'exclamation',
        text: `${marks} exclamation marks`,
        suggestion: rules.exclamations === 0 ? 'end with a full stop' : `keep at most ${rules.exclamations}`,
      });
    if (rules.voice !== 'any') {
      const wrong = wrongVoice[rules.voice];
      for (const m of raw.matchAll(wrong.pattern))
        add({ line, kind: 'voice', text: m[0], suggestion: `speak as ${wrong.say}` });
    }
    return out;
  });
  return { lines: source.length, sentences, words, rules, counts, findings, revised: revised.join('\n') };
}
