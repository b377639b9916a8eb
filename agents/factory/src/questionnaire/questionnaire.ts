import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { readYaml } from '#platform';
import { createError } from '../errors.ts';

const field = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  label: z.string().min(1),
  type: z.enum(['input', 'textarea', 'dropdown', 'checkboxes']),
  required: z.boolean().default(false),
  description: z.string().optional(),
  placeholder: z.string().optional(),
  options: z.array(z.string().min(1)).optional(),
  multiple: z.boolean().default(false),
});

const questionnaireSchema = z.strictObject({
  version: z.int().min(1),
  title: z.string(),
  labels: z.array(z.string().min(1)).min(1),
  intro: z.string(),
  fields: z.array(field).min(1),
});

export type Question = z.output<typeof field>;
export type Questionnaire = z.output<typeof questionnaireSchema>;

/**
 * The longest answer (or choice) each kind of question takes: room for any real answer,
 * and a bound on what a stranger's issue makes the Factory read, render and quote back.
 */
export const answerLimits: Readonly<Record<Question['type'], number>> = {
  input: 200,
  textarea: 4_000,
  dropdown: 100,
  checkboxes: 100,
};

export const questionnaireFile = new URL('../../../../templates/questionnaire.yml', import.meta.url);

/** The questionnaire (templates/questionnaire.yml): the form's, the parser's and the validator's one source. */
export async function loadQuestionnaire(file: URL | string = questionnaireFile): Promise<Questionnaire> {
  const name = typeof file === 'string' ? file : file.pathname;
  const { doc, errors } = readYaml(await readFile(file, 'utf8'), name);
  if (errors.length > 0) throw createError('WOW_ERR_FACTORY_QUESTIONNAIRE', { file: name, problem: errors.join('; ') });
  const parsed = questionnaireSchema.safeParse(doc.toJS());
  if (!parsed.success)
    throw createError('WOW_ERR_FACTORY_QUESTIONNAIRE', {
      file: name,
      problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  const labels = new Set<string>();
  for (const f of parsed.data.fields) {
    if (labels.has(f.label.toLowerCase()))
      throw createError('WOW_ERR_FACTORY_QUESTIONNAIRE', {
        file: name,
        problem: `two questions share the label "${f.label}"; labels name the answers in an issue body`,
      });
    labels.add(f.label.toLowerCase());
    if ((f.type === 'dropdown' || f.type === 'checkboxes') && (f.options?.length ?? 0) === 0)
      throw createError('WOW_ERR_FACTORY_QUESTIONNAIRE', {
        file: name,
        problem: `question ${f.id} is a ${f.type} without options`,
      });
  }
  return parsed.data;
}
