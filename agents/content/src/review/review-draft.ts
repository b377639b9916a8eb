import readability from 'text-readability';
import writeGood from 'write-good';

/** A draft's review: its readability grades, and each sentence's passive voice and weasel words. */
export interface DraftReview {
  words: number;
  sentences: number;
  grades: {
    /** 0–100, higher reads easier; 60–70 is plain English. */
    fleschReadingEase: number;
    fleschKincaidGrade: number;
    gunningFog: number;
    colemanLiau: number;
    automatedReadability: number;
    /** The grades' consensus, e.g. "8th and 9th grade". */
    consensus: string;
  };
  flags: Flag[];
  passiveCount: number;
  weaselCount: number;
}

export interface Flag {
  kind: 'passive' | 'weasel';
  /** The words flagged, as in the draft. */
  text: string;
  /** 1-based number of the sentence they are in. */
  sentence: number;
  reason: string;
}

/** Where each sentence starts: a sentence ends at . ! or ? followed by space, or at a blank line. */
function sentenceStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(/[.!?]["')\]]*\s+|\n\s*\n/g)) starts.push(m.index + m[0].length);
  return starts;
}

/**
 * Readability grades with text-readability, and passive voice and weasel words with
 * write-good (its other checks are left out: they are matters of taste, these of clarity).
 */
export function reviewDraft(draft: string): DraftReview {
  const starts = sentenceStarts(draft);
  const sentenceAt = (index: number) => starts.filter((s) => s <= index).length;
  const flags = writeGood(draft, {
    passive: true,
    weasel: true,
    illusion: false,
    so: false,
    thereIs: false,
    adverb: false,
    tooWordy: false,
    cliches: false,
    eprime: false,
  }).map((s): Flag => ({
    kind: s.reason.endsWith('passive voice') ? 'passive' : 'weasel',
    text: draft.slice(s.index, s.index + s.offset),
    sentence: sentenceAt(s.index),
    reason: s.reason,
  }));
  const round = (n: number) => Math.round(n * 100) / 100;
  // text-readability finds a sentence's end only before one space or line break: paragraphs are joined first.
  const text = draft.replace(/\s+/g, ' ').trim();
  return {
    words: readability.lexiconCount(text),
    sentences: readability.sentenceCount(text),
    grades: {
      fleschReadingEase: round(readability.fleschReadingEase(text)),
      fleschKincaidGrade: round(readability.fleschKincaidGrade(text)),
      gunningFog: round(readability.gunningFog(text)),
      colemanLiau: round(readability.colemanLiauIndex(text)),
      automatedReadability: round(readability.automatedReadabilityIndex(text)),
      consensus: readability.textStandard(text),
    },
    flags,
    passiveCount: flags.filter((f) => f.kind === 'passive').length,
    weaselCount: flags.filter((f) => f.kind === 'weasel').length,
  };
}
