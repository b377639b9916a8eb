import type { Question, Questionnaire } from './questionnaire.ts';

/** Answers by question id: text for inputs and textareas, lists for dropdowns and checkboxes; absent when empty. */
export type Answers = Record<string, string | string[]>;

export interface ParsedBody {
  answers: Answers;
  /** Questions whose `### Label` section is not in the body at all (removed by a hand edit). */
  missingSections: string[];
}

const emptyAnswers = new Set(['', '_no response_', 'none']);
const fenceOpen = /^(`{3,}|~{3,})/;

/**
 * Reads the body GitHub renders from the issue form: `### Label` sections anchored on the
 * questionnaire's own labels (so a `###` inside an answer, or inside a code fence, stays in
 * the answer), CRLF or LF, `_No response_`, comma-joined dropdowns, `- [X]` checkboxes, and
 * the code fence a `render:` textarea adds. Bodies edited by hand parse the same way.
 */
export function parseIssueBody(body: string, q: Questionnaire): ParsedBody {
  const byLabel = new Map(q.fields.map((f) => [normalise(f.label), f]));
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const sections = split(lines, byLabel, true) ?? split(lines, byLabel, false) ?? new Map<Question, string[]>();
  const answers: Answers = {};
  for (const [question, content] of sections) {
    const value = valueOf(question, content.join('\n'));
    if (value !== undefined) answers[question.id] = value;
  }
  return { answers, missingSections: q.fields.filter((f) => !sections.has(f)).map((f) => f.id) };
}

/**
 * Sections by question. With `fences`, a heading inside a code fence is content; an
 * unclosed fence (a hand edit) makes that reading fail, and the caller retries without.
 */
function split(
  lines: readonly string[],
  byLabel: ReadonlyMap<string, Question>,
  fences: boolean,
): Map<Question, string[]> | undefined {
  const sections = new Map<Question, string[]>();
  let current: string[] | undefined;
  let fence: string | undefined;
  for (const line of lines) {
    const heading = /^#{3}\s+(.+?)\s*#*\s*$/.exec(line);
    const question = fence === undefined && heading?.[1] !== undefined ? byLabel.get(normalise(heading[1])) : undefined;
    if (question !== undefined && !sections.has(question)) {
      current = [];
      sections.set(question, current);
      continue;
    }
    if (fences) {
      const marker = fenceOpen.exec(line.trimStart())?.[1];
      if (
        marker !== undefined &&
        (fence === undefined || (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === ''))
      )
        fence = fence === undefined ? marker : undefined;
    }
    current?.push(line);
  }
  return fence === undefined ? sections : undefined;
}

function valueOf(question: Question, raw: string): string | string[] | undefined {
  const text = raw.trim();
  if (emptyAnswers.has(text.toLowerCase())) return undefined;
  switch (question.type) {
    case 'input':
      return text;
    case 'textarea':
      return unfence(text);
    case 'dropdown': {
      const chosen = text.split(/\s*,\s*/).filter((v) => v !== '');
      return chosen.length === 0 ? undefined : chosen;
    }
    case 'checkboxes': {
      const checked = [...text.matchAll(/^\s*[-*]\s+\[[xX]\]\s+(.+?)\s*$/gm)].map((m) => m[1] ?? '');
      return checked.length === 0 ? undefined : checked;
    }
  }
}

/** A textarea with `render:` arrives wrapped in one code fence; the answer is what is inside. */
function unfence(text: string): string | undefined {
  const m = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1\s*$/.exec(text);
  const inner = m === null ? text : (m[2] ?? '').trim();
  return emptyAnswers.has(inner.toLowerCase()) ? undefined : inner;
}

function normalise(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}
