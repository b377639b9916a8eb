import { parse } from 'csv-parse/sync';
import { TaskNeedsInput } from '#platform';

/** One question of the bank: a flashcard. */
export interface Card {
  id: string;
  topic: string;
  question: string;
}

export type Grade = 'again' | 'hard' | 'good' | 'easy';

/** One past answer: the card, the day it was answered and how well. */
export interface Answer {
  id: string;
  date: string;
  grade: Grade;
}

// Bounds on the work one task does, whatever the text's length allows.
export const bankLimits = { cards: 2000, answers: 20000, idChars: 64, topicChars: 80, questionChars: 500 } as const;

// In FSRS's order: Anki and most apps number them 1 to 4, which are accepted too.
export const gradeNames: readonly Grade[] = ['again', 'hard', 'good', 'easy'];
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The rows of a CSV text, each with its line number, without a header row that starts with "id". */
function rowsOf(text: string, what: string): { line: number; cells: string[] }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse gives each record with its line, which its types do not say.
    records = parse(text, {
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new TaskNeedsInput(`The ${what} are not readable as CSV: ${(err as Error).message.slice(0, 300)}`);
  }
  const rows = records.map((r) => ({ line: r.info.lines, cells: r.record }));
  return rows[0]?.cells[0]?.toLowerCase() === 'id' ? rows.slice(1) : rows;
}

/** A day as YYYY-MM-DD, checked to be a real one. */
export function isDay(text: string): boolean {
  const m = isoDate.exec(text);
  if (m === null) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * The question bank: one card a row, id, topic, question; a question with unquoted commas
 * keeps them (the cells after the topic are joined again).
 */
export function readQuestions(text: string): Card[] {
  const rows = rowsOf(text, 'questions');
  if (rows.length === 0)
    throw new TaskNeedsInput('The question bank has no cards: give one a line as id, topic, question.');
  if (rows.length > bankLimits.cards)
    throw new TaskNeedsInput(
      `The question bank has ${rows.length} cards; send at most ${bankLimits.cards} in one task.`,
    );
  const seen = new Set<string>();
  return rows.map(({ line, cells }) => {
    const [id = '', topic = '', ...rest] = cells;
    const question = rest.join(', ').trim();
    if (id === '' || topic === '' || question === '')
      throw new TaskNeedsInput(`Line ${line} of the questions needs three fields: id, topic, question.`);
    if (
      id.length > bankLimits.idChars ||
      topic.length > bankLimits.topicChars ||
      question.length > bankLimits.questionChars
    )
      throw new TaskNeedsInput(
        `Line ${line} of the questions is too long: an id has at most ${bankLimits.idChars} characters, ` +
          `a topic ${bankLimits.topicChars}, a question ${bankLimits.questionChars}.`,
      );
    if (seen.has(id))
      throw new TaskNeedsInput(`Line ${line} of the questions repeats the id "${id}": each card needs its own.`);
    seen.add(id);
    return { id, topic, question };
  });
}

/**
 * The past answers: id, date (YYYY-MM-DD), grade (again, hard, good, easy or 1 to 4), each
 * of a card in the bank and given by `until` (the schedule's first day): a later answer
 * would be one the student has not given yet.
 */
export function readAnswers(text: string, cards: readonly Card[], until: string): Answer[] {
  const rows = rowsOf(text, 'answers');
  if (rows.length > bankLimits.answers)
    throw new TaskNeedsInput(`There are ${rows.length} past answers; send at most ${bankLimits.answers} in one task.`);
  const ids = new Set(cards.map((c) => c.id));
  return rows.map(({ line, cells }) => {
    const [id = '', date = '', given = ''] = cells;
    if (cells.length !== 3)
      throw new TaskNeedsInput(`Line ${line} of the answers needs three fields: id, date, grade.`);
    if (!ids.has(id))
      throw new TaskNeedsInput(
        `Line ${line} of the answers is for the card "${id.slice(0, 64)}", which is not in the question bank.`,
      );
    if (!isDay(date))
      throw new TaskNeedsInput(
        `Line ${line} of the answers has the date "${date.slice(0, 20)}"; write it as YYYY-MM-DD.`,
      );
    if (date > until)
      throw new TaskNeedsInput(
        `Line ${line} of the answers is dated ${date}, after the schedule's first day ${until}.`,
      );
    const grade = /^[1-4]$/.test(given)
      ? gradeNames[Number(given) - 1]
      : gradeNames.find((g) => g === given.toLowerCase());
    if (grade === undefined)
      throw new TaskNeedsInput(
        `Line ${line} of the answers has the grade "${given.slice(0, 20)}"; use again, hard, good or easy.`,
      );
    return { id, date, grade };
  });
}
