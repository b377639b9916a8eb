import { defineErrors, type CodesOf } from '#platform';

/** The server door's errors: webhooks, request bodies, SMTP size, and the answer for a failure on our side. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_WEBHOOK_SIGNATURE: {
    message: "Webhook signature does not match. Verify that the App's webhook secret matches WEBHOOK_SECRET.",
    retryable: false,
    status: 401,
  },
  WOW_ERR_WEBHOOK_INVALID: { message: 'Webhook request is malformed: {problem}', retryable: false, status: 400 },
  WOW_ERR_DID_NOT_FOUND: {
    message:
      'No DID document for {did}: the platform serves its own and those of agents with a key (`wow identity show <id>`).',
    retryable: false,
    status: 404,
  },
  WOW_ERR_STATUS_LIST_NOT_FOUND: {
    message:
      'No such status list (the name asked for is not echoed): the lists are suspension and revocation, ' +
      "signed once the platform has started or an agent's lifecycle changed.",
    retryable: false,
    status: 404,
  },
  WOW_ERR_INTERNAL: {
    message:
      'The request failed on our side (request id {requestId}). Retry it later; if it keeps failing, report the request id.',
    retryable: true,
    status: 500,
  },
  WOW_ERR_TOO_MANY_ATTEMPTS: {
    message:
      'Too many attempts from this network or for this account; try again in {retryAfterSeconds} seconds (the Retry-After header).',
    retryable: true,
    status: 429,
  },
  WOW_ERR_FORM_ENCODING: {
    message:
      'The form was not sent as UTF-8 text (a byte or a percent escape that is not UTF-8). Send it again from the page, or encode the fields as UTF-8.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_JSON_MALFORMED: {
    message:
      'The request body is not valid JSON ({problem}). Send one JSON object with the header Content-Type: application/json.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_EMAIL_TOO_LARGE: {
    message:
      'The mail is larger than the support desk takes ({maxBytes} bytes). Send large files as links instead of attachments.',
    retryable: false,
    status: 413,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
