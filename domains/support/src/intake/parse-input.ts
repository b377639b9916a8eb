import type { z } from 'zod';
import { createError } from '../errors.ts';

/** One problem with one field, as the API and the web form show it. */
export interface FieldError {
  /** The field's path, dot-separated: `requester.email`. */
  field: string;
  message: string;
}

/**
 * Zod's words for the common cases are about types ("expected string, received
 * undefined"); people filling a request want to hear what to change. A schema's own
 * messages (the web form's) still win over these.
 */
const plainMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type')
    return issue.input === undefined
      ? 'required'
      : `expected ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  if (issue.code === 'too_small' && issue.origin === 'string')
    return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
  if (issue.code === 'invalid_format' && issue.format === 'email') return 'expected an email address';
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  return undefined;
};

/** Every problem in `error`, one per field; an unknown key is named itself, not its parent. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'unknown field' }));
    return [{ field: at.length === 0 ? 'body' : at.join('.'), message: issue.message }];
  });
}

/** `data` as `schema` says, or WOW_ERR_SUPPORT_INPUT listing each field's problem in `data.errors`. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data, { error: plainMessage });
  if (parsed.success) return parsed.data;
  throw invalidInput(fieldErrors(parsed.error));
}

export function invalidInput(errors: FieldError[]): Error {
  return createError(
    'WOW_ERR_SUPPORT_INPUT',
    { problems: errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
    {
      data: { errors },
    },
  );
}
