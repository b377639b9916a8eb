import { defineErrors, type CodesOf } from '#platform';

/** The support domain's errors: tickets, customers and API keys, intake limits, customers' mail and webhooks. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_TICKET_NOT_FOUND: { message: 'No ticket {ticket}.', retryable: false, status: 404 },
  WOW_ERR_TICKET_STATE: { message: 'Ticket {ticket}: {reason}', retryable: false, status: 409 },
  WOW_ERR_SECRETS_KEY_MISSING: {
    message:
      "SUPPORT_SECRETS_KEY is not set, so {consequence}: customers' webhook secrets are stored sealed with it. Set it to 32 random bytes in base64 (openssl rand -base64 32), the same in every process, and keep it as safe as the database's backups.",
    retryable: false,
    status: 500,
  },
  WOW_ERR_SECRETS_KEY_WRONG: {
    message:
      'The webhook secret of customer {customer} was sealed with the key {keyId}, and {problem}. Set SUPPORT_SECRETS_KEY to the key it was sealed with; if that key is lost, give the customer a new webhook secret.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_CSAT_UNSOLVED: {
    message:
      'Ticket {ticket} is {status}: a rating is taken only once the ticket is solved. Rate it after the desk solves it (the desk asks for a rating then).',
    retryable: false,
    status: 409,
  },
  WOW_ERR_CSAT_RATING: {
    message:
      'The rating "{rating}" is invalid: {problem}. Send rating good or bad, with an optional comment of up to 2,000 characters.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_SUPPORT_INPUT: { message: 'The request is invalid: {problems}.', retryable: false, status: 422 },
  WOW_ERR_API_KEY_INVALID: {
    message:
      'Send the header "Authorization: Bearer <API key>" with a key from `wow support keys create <customer>` ({reason}).',
    retryable: false,
    status: 401,
  },
  WOW_ERR_API_KEY_REVOKED: {
    message:
      'The API key {prefix}… was revoked at {revokedAt}. Send a current key; `wow support keys create <customer>` makes a new one.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_API_KEY_NOT_FOUND: {
    message: 'No API key with the prefix "{prefix}". `wow support customers list` shows each customer\'s keys.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_CUSTOMER_EXISTS: {
    message: 'A customer with the slug "{slug}" exists already; `wow support customers list` shows them.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_CUSTOMER_NOT_FOUND: {
    message: 'No customer "{slug}". Add one with `wow support customers add <slug> --name <name>`.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_IDEMPOTENCY_KEY_REUSED: {
    message:
      'Idempotency-Key "{key}" was used before for a different request. Send a new key with a new request; resend the first request unchanged to get its response again.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_RATE_LIMITED: {
    message:
      'More than {limit} requests this minute for customer "{customer}"; retry after {retryAfterSeconds} seconds (the Retry-After header).',
    retryable: true,
    status: 429,
  },
  WOW_ERR_FORM_RATE_LIMITED: {
    message:
      'More than {limit} support requests this hour from {sender}; try again after {retryAt} UTC (in {minutes} minutes).',
    retryable: true,
    status: 429,
  },
  WOW_ERR_EMAIL_INVALID: {
    message:
      'The mail cannot be taken as a support request: {problem}. Send an RFC 5322 message with a From address and a body.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_CUSTOMER_WEBHOOK: {
    message: "The customer's webhook {url} answered {status}; the delivery is retried.",
    retryable: true,
    status: 502,
  },
  WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE: {
    message: "The customer's webhook {url} could not be reached ({reason}); the delivery is retried.",
    retryable: true,
    status: 502,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
