import readability from 'text-readability';
import writeGood from 'write-good';

/** write-good's checks this agent runs, each alone so a flag's kind is known, with what to do about it. */
const checks = {
  passive: 'passive voice: say who does it',
  illusion: 'a word repeated by mistake: delete one',
  so: '"So" at the start adds nothing: drop it',
  thereIs: '"There is/are" delays the subject: start with the subject',
  weasel: 'a vague word: say exactly how much or which',
  adverb: 'a word that weakens what it says: choose a stronger, more exact one',
  tooWordy: 'wordy: say it in fewer words',
  cliches: 'a cliché: say it in your own words',
} as const;
export type FlagKind = keyof typeof checks;
const kinds = Object.keys(checks) as FlagKind[];

export interface StyleFlag {
  kind: FlagKind;
  /** The words flagged, as written. */
  text: string;
  advice: string;
}

export interface SentenceFeedback {
  sentence: number;
  text: string;
  words: number;
  /** Its Flesch–Kincaid grade on its own (0 at the least). */
  grade: number;
  flags: StyleFlag[];
  /** The one thing to fix first, or null when it reads well at the target. */
  fix: string | null;
}

export interface WritingFeedback {
  targetGrade: number;
  words: number;
  sentences: number;
  grades: {
    fleschReadingEase: number;
    fleschKincaid: number;
    gunningFog: number;
    smog: number;
    colemanLiau: number;
    automatedReadability: number;
    /** The mean of the five grade formulas. */
    consensus: number;
  };
  /** The consensus against the target: within a grade is on target. */
  verdict: 'on target' | 'too hard' | 'easier than the target';
  flagCounts: Partial<Record<FlagKind, number>>;
  feedback: SentenceFeedback[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Sentences with where each starts: one ends at . ! or ? and the space after it, or at a blank line. */
function sentencesOf(text: string): { start: number; text: string }[] {
  const found: { start: number; text: string }[] = [];
  let start = 0;
  const push = (end: number) => {
    const piece = text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim() !== '') found.push({ start: start + lead, text: piece.trim() });
  };
  for (const m of text.matchAll(/[.!?]["')\]]*\s+|\n\s*\n/g)) {
    push(m.index + m[0].length);
    start = m.index + m[0].length;
  }
  push(text.length);
  return found;
}

/** The thing to fix first: a sentence too long or too hard for the grade, then its first style flag. */
function firstFix(s: Omit<SentenceFeedback, 'fix'>, target: number): string | null {
  if (s.grade > target + 2 && s.words > 20)
    return `split it: ${s.words} words read at grade ${s.grade}, above ${target}`;
  // Short but hard: Flesch–Kincaid's other term, syllables a word, is what is high.
  if (s.grade > target + 2) return `use shorter words: it reads at grade ${s.grade}, above ${target}`;
  const flag = s.flags[0];
  return flag === undefined ? null : `"${flag.text}": ${flag.advice}`;
}

/**
 * Readability grades of the whole text with text-readability, measured against the target
 * grade, then each sentence: its own Flesch–Kincaid grade, write-good's style flags in it,
 * and the one thing to fix first.
 */
export function writingFeedback(text: string, targetGrade: number): WritingFeedback {
  const sentences = sentencesOf(text);
  // Where each flag is: a word two checks flag ("very": weasel and adverb) keeps the first check's.
  const flagged = new Map<number, StyleFlag>();
  for (const kind of kinds) {
    const only = Object.fromEntries([...kinds, 'eprime'].map((k) => [k, k === kind]));
    for (const s of writeGood(text, only))
      if (!flagged.has(s.index))
        flagged.set(s.index, { kind, text: text.slice(s.index, s.index + s.offset), advice: checks[kind] });
  }
  const flagsAt = sentences.map((): StyleFlag[] => []);
  for (const [index, flag] of [...flagged].sort(([a], [b]) => a - b)) {
    // The last sentence starting at or before the flag holds it.
    const at = sentences.findLastIndex((sentence) => sentence.start <= index);
    flagsAt[Math.max(at, 0)]?.push(flag);
  }
  const feedback = sentences.map((s, i): SentenceFeedback => {
    const words = readability.lexiconCount(s.text);
    const base = {
      sentence: i + 1,
      text: s.text,
      words,
      grade: Math.max(0, round(readability.fleschKincaidGrade(s.text))),
      flags: flagsAt[i] ?? [],
    };
    return { ...base, fix: firstFix(base, targetGrade) };
  });
  // text-readability finds a sentence's end only before one space: paragraphs are joined first.
  const joined = text.replace(/\s+/g, ' ').trim();
  const formulas = {
    fleschKincaid: round(readability.fleschKincaidGrade(joined)),
    gunningFog: round(readability.gunningFog(joined)),
    smog: round(readability.smogIndex(joined)),
    colemanLiau: round(readability.colemanLiauIndex(joined)),
    automatedReadability: round(readability.automatedReadabilityIndex(joined)),
  };
  const grades = Object.values(formulas);
  const consensus = round(grades.reduce((sum, g) => sum + g, 0) / grades.length);
  const flagCounts: Partial<Record<FlagKind, number>> = {};
  for (const f of feedback.flatMap((s) => s.flags)) flagCounts[f.kind] = (flagCounts[f.kind] ?? 0) + 1;
  return {
    targetGrade,
    words: readability.lexiconCount(joined),
    sentences: sentences.length,
    grades: {
      fleschReadingEase: round(readability.fleschReadingEase(joined)),
      ...formulas,
      consensus,
    },
    verdict:
      consensus > targetGrade + 1 ? 'too hard' : consensus < targetGrade - 2 ? 'easier than the target' : 'on target',
    flagCounts,
    feedback,
  };
}
