import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { TaskTerms } from '#platform';
import { createError } from '../errors.ts';

/** A field the customer must fix, named as in their JSON (`input.url`, `input.pages.0`). */
export interface FieldError {
  field: string;
  message: string;
}

// Every error at once, so the customer fixes the form in one go. Formats (email, uri) stay
// annotations, as in the domain models: ajv-formats is a development dependency only.
const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: false });
// Each task type's schema compiled once, by the schema object the loaded manifest holds.
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The task's input checked against its type's `input` JSON Schema (agent.yml's `tasks:`),
 * or WOW_ERR_TASK_INPUT naming every field that is wrong.
 */
export function checkTaskInput(terms: TaskTerms, input: unknown): Record<string, unknown> {
  let validate = compiled.get(terms.input);
  if (validate === undefined) {
    validate = ajv.compile(terms.input);
    compiled.set(terms.input, validate);
  }
  if (validate(input)) return input as Record<string, unknown>;
  throw inputErrors((validate.errors ?? []).map(fieldError));
}

export function inputErrors(errors: FieldError[]) {
  const problems = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return createError('WOW_ERR_TASK_INPUT', { problems: problems.slice(0, 1000) }, { data: { errors } });
}

function fieldError(e: ErrorObject): FieldError {
  const path = e.instancePath.split('/').filter((p) => p !== '');
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'required' && params.missingProperty !== undefined) path.push(params.missingProperty);
  if (e.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    path.push(params.additionalProperty);
    return { field: ['input', ...path].join('.'), message: 'is not a field of this task; remove it' };
  }
  return { field: ['input', ...path].join('.'), message: e.message ?? 'is invalid' };
}
