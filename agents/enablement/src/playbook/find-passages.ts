import { TaskNeedsInput } from '#platform';
import { rankBm25 } from './bm25.ts';
import { tokens } from './tokens.ts';

export interface Paragraph {
  /** 1-based, in the playbook's order, headings not counted. */
  number: number;
  /** The heading the paragraph is under, or null before the first. */
  section: string | null;
  text: string;
}

export interface Passage extends Paragraph {
  rank: number;
  /** BM25, to three decimals. */
  score: number;
  matched: string[];
}

export type Step = 'acknowledge' | 'respond' | 'prove' | 'ask';

export interface TalkTrackLine {
  step: Step;
  text: string;
  /** The passage's paragraph number it comes from, or null for the agent's own words. */
  from: number | null;
}

export interface ObjectionAnswer {
  objection: string;
  /** The objection's stems that were searched for. */
  terms: string[];
  paragraphs: number;
  passages: Passage[];
  talkTrack: TalkTrackLine[];
}

// A playbook of 100,000 characters has a few hundred paragraphs; this bounds a pathological one.
export const maxParagraphs = 2000;

/** The playbook's paragraphs (blank-line separated), each with the Markdown heading it is under. */
export function paragraphsOf(playbook: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let section: string | null = null;
  for (const block of playbook.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = block.split('\n').map((l) => l.trim());
    const body: string[] = [];
    for (const line of lines) {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading !== null) section = (heading[1] ?? '').replace(/#+$/, '').trim();
      else if (line !== '') body.push(line.replace(/^[-*+]\s+|^\d+[.)]\s+/, ''));
    }
    if (body.length > 0) paragraphs.push({ number: paragraphs.length + 1, section, text: body.join(' ') });
  }
  if (paragraphs.length > maxParagraphs)
    throw new TaskNeedsInput(
      `The playbook has ${paragraphs.length} paragraphs; send the part about this objection, at most ${maxParagraphs}.`,
    );
  return paragraphs;
}

/** A paragraph's sentences: each ends at . ! or ? followed by a space, or at the paragraph's end. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The talk track from the passages, best first: respond with the sentence sharing the most
 * of the objection's stems, prove with the first sentence holding a figure, ask with the
 * first question; each step says which paragraph it comes from. Without a passage the rep
 * still acknowledges and asks.
 */
function talkTrack(objection: string, terms: readonly string[], passages: readonly Passage[]): TalkTrackLine[] {
  const sentences = passages.flatMap((p) => sentencesOf(p.text).map((text) => ({ text, from: p.number })));
  const used = new Set<string>();
  const pick = (found: { text: string; from: number } | undefined) => {
    if (found !== undefined) used.add(found.text);
    return found;
  };
  const overlap = (s: string) => new Set(tokens(s).filter((t) => terms.includes(t))).size;
  const best = sentences.reduce<{ text: string; from: number } | undefined>(
    (top, s) => (s.text.endsWith('?') || overlap(s.text) <= (top === undefined ? 0 : overlap(top.text)) ? top : s),
    undefined,
  );
  const respond = pick(best);
  const prove = pick(sentences.find((s) => !used.has(s.text) && /\d/.test(s.text) && !s.text.endsWith('?')));
  const ask = pick(sentences.find((s) => !used.has(s.text) && s.text.endsWith('?')));
  const track: TalkTrackLine[] = [{ step: 'acknowledge', text: `That's a fair concern: "${objection}"`, from: null }];
  if (respond !== undefined) track.push({ step: 'respond', ...respond });
  if (prove !== undefined) track.push({ step: 'prove', ...prove });
  track.push(
    ask === undefined
      ? { step: 'ask', text: 'What would need to be true for this not to stand in the way?', from: null }
      : { step: 'ask', ...ask },
  );
  return track;
}

/** The `count` passages of the playbook most relevant to the objection by BM25, and a talk track from them. */
export function answerObjection(playbook: string, objection: string, count = 3): ObjectionAnswer {
  const paragraphs = paragraphsOf(playbook);
  if (paragraphs.length === 0)
    throw new TaskNeedsInput('The playbook has no paragraphs: paste its text, paragraphs separated by blank lines.');
  const said = objection.replace(/\s+/g, ' ').trim();
  const terms = [...new Set(tokens(said))];
  if (terms.length === 0)
    throw new TaskNeedsInput('The objection has no words to search for: write it as the prospect said it.');
  // The heading is part of what a paragraph is about: "Pricing" above it counts for "price".
  const ranked = rankBm25(
    paragraphs.map((p) => `${p.section ?? ''} ${p.text}`),
    said,
  );
  const passages = ranked.slice(0, count).map((r, i): Passage => {
    const p = paragraphs[r.index] as Paragraph;
    return { ...p, rank: i + 1, score: Math.round(r.score * 1000) / 1000, matched: r.matched };
  });
  return {
    objection: said,
    terms,
    paragraphs: paragraphs.length,
    passages,
    talkTrack: talkTrack(said, terms, passages),
  };
}
