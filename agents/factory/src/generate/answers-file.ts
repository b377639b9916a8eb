import { createHash } from 'node:crypto';
import { Document } from 'yaml';
import { readYaml } from '#platform';
import { createError } from '../errors.ts';
import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';

/** `agents/<id>/questionnaire.yml`: the answers an agent came from and the template version that rendered them. */
export interface AnswersFile {
  template: string | undefined;
  templateVersion: number | undefined;
  /** The digest of the answers as last rendered: regen tells an edited answer from an old one by it. */
  rendered: string | undefined;
  answers: Answers;
}

/** As long as GitHub lets an issue body be: the issue door and the file door take the same answers. */
const maxAnswersFile = 65_536;

/**
 * Reads an answers file: `agents/<id>/questionnaire.yml`, or what a person writes for
 * `wow factory new --answers` (the `answers:` map alone is enough, or even the bare map).
 * Keys are the questionnaire's ids; lists are accepted wherever the form takes several
 * lines. Unknown keys and wrong shapes are refused with the line they are on.
 */
export function readAnswersFile(text: string, file: string, q: Questionnaire): AnswersFile {
  if (text.length > maxAnswersFile)
    throw createError('WOW_ERR_FACTORY_ANSWERS', {
      file,
      problem: `is ${text.length} characters long; an answers file takes at most ${maxAnswersFile}; each answer is bounded too`,
    });
  const { doc, errors } = readYaml(text, file);
  if (errors.length > 0) throw createError('WOW_ERR_FACTORY_ANSWERS', { file, problem: errors.join('; ') });
  const top: unknown = doc.toJS();
  if (top === null || typeof top !== 'object' || Array.isArray(top))
    throw createError('WOW_ERR_FACTORY_ANSWERS', {
      file,
      problem: 'expected a map of question ids to answers (or `answers:` holding one)',
    });
  const record = top as Record<string, unknown>;
  const wrapped = 'answers' in record;
  const raw = wrapped ? record.answers : record;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw createError('WOW_ERR_FACTORY_ANSWERS', {
      file,
      problem: '`answers` must be a map of question ids to answers',
    });
  const problems: string[] = [];
  if (wrapped)
    for (const key of Object.keys(record))
      if (!['template', 'templateVersion', 'rendered', 'answers'].includes(key))
        problems.push(`unknown key "${key}" (expected template, templateVersion, rendered, answers)`);
  const byId = new Map(q.fields.map((f) => [f.id, f]));
  const answers: Answers = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const question = byId.get(id);
    if (question === undefined) {
      problems.push(`unknown question "${id}"; the questions are ${[...byId.keys()].join(', ')}`);
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    if (value === null || list.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
      problems.push(`${id}: expected text or a list of texts`);
      continue;
    }
    const texts = list
      .map(String)
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (texts.length === 0) continue;
    answers[id] = question.type === 'dropdown' || question.type === 'checkboxes' ? texts : texts.join('\n');
  }
  const template = wrapped ? record.template : undefined;
  const templateVersion = wrapped ? record.templateVersion : undefined;
  if (template !== undefined && typeof template !== 'string') problems.push('template: expected a template name');
  if (templateVersion !== undefined && !Number.isInteger(templateVersion))
    problems.push('templateVersion: expected a whole number');
  const rendered = wrapped ? record.rendered : undefined;
  if (rendered !== undefined && typeof rendered !== 'string')
    problems.push('rendered: expected the digest the Factory wrote');
  if (problems.length > 0) throw createError('WOW_ERR_FACTORY_ANSWERS', { file, problem: problems.join('; ') });
  return {
    template: template as string | undefined,
    templateVersion: templateVersion as number | undefined,
    rendered: rendered as string | undefined,
    answers: ordered(answers, q),
  };
}

/** The answers file written beside a generated agent, in the questionnaire's order. */
export function writeAnswersFile(
  file: { template: string; templateVersion: number; answers: Answers },
  q: Questionnaire,
): string {
  const answers: Record<string, string | string[]> = {};
  for (const f of q.fields) {
    const value = file.answers[f.id];
    if (value === undefined) continue;
    // One choice of a single-choice dropdown reads best as plain text.
    answers[f.id] =
      Array.isArray(value) && f.type === 'dropdown' && !f.multiple && value.length === 1 ? (value[0] ?? '') : value;
  }
  const doc = new Document({
    template: file.template,
    templateVersion: file.templateVersion,
    rendered: answersDigest(ordered(file.answers, q)),
    answers,
  });
  doc.commentBefore =
    ' The answers this agent was generated from by WowAgentFactory. Change an answer,\n' +
    ' then run `wow factory regen <id>`: the template is rendered again and merged with\n' +
    ' your edits to the generated files.';
  return doc.toString({ lineWidth: 0 });
}

/**
 * A short digest of answers in the questionnaire's order: 16 hex characters of SHA-256 (64
 * bits), short enough to copy into a comment and too many to search for other answers
 * with the same digest (8 characters, 32 bits, could be matched in seconds on one
 * graphics card).
 */
export function answersDigest(answers: Answers): string {
  return createHash('sha256').update(JSON.stringify(answers)).digest('hex').slice(0, 16);
}

/**
 * What `/factory approve <digest>` names: the answers' digest in the questionnaire's order
 * (so the order of an issue's sections does not matter), the same digest the generated
 * agent's questionnaire.yml records as `rendered`. An approval is for the answers as the
 * approver read them, and for no later edit.
 */
export function approvalDigest(answers: Answers, q: Questionnaire): string {
  return answersDigest(ordered(answers, q));
}

function ordered(answers: Answers, q: Questionnaire): Answers {
  const out: Answers = {};
  for (const f of q.fields) {
    const value = answers[f.id];
    if (value !== undefined) out[f.id] = value;
  }
  return out;
}
