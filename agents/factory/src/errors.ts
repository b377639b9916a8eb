import { defineErrors, type CodesOf } from '#platform';

/** The Factory's errors: templates, answers files, template history. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_FACTORY_TEMPLATE: { message: 'Template {template} is invalid: {problem}', retryable: false, status: 500 },
  WOW_ERR_FACTORY_ANSWERS: { message: '{file}: {problem}', retryable: false, status: 400 },
  WOW_ERR_FACTORY_HISTORY: {
    message:
      "Template {template} version {version} is not in this repository's git history, so the output it generated cannot be rebuilt for a three-way merge: {reason}",
    retryable: false,
    status: 500,
  },
  WOW_ERR_FACTORY_QUESTIONNAIRE: {
    message:
      'The questionnaire {file} is invalid: {problem}. The issue form, the parser and the validator all read it; fix it there.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_FACTORY_BRANCHES: {
    message:
      'The request has {max} branches already (factory/{request} and its follow-ups); merge or close them before changing it again.',
    retryable: false,
    status: 409,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
