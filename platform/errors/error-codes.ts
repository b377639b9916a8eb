import { WowError } from './wow-error.ts';

interface ErrorSpec {
  /** `%s` placeholders are filled in order from the arguments. */
  template: string;
  retryable: boolean;
  status: number;
}

/**
 * Every error the platform raises, in one place. docs/errors.md documents each code;
 * test/errors.test.ts fails when one is missing there.
 */
export const errorCodes = {
  WOW_ERR_CONFIG: { template: 'Configuration is invalid:\n%s', retryable: false, status: 500 },
  WOW_ERR_MANIFEST_INVALID: { template: '%s: %s', retryable: false, status: 400 },
  WOW_ERR_DOMAIN_INVALID: {
    template: '%s problem(s) in domain declarations (domains/<name>/domain.yml):%s',
    retryable: false,
    status: 400,
  },
  WOW_ERR_AGENT_NOT_FOUND: { template: 'No agent "%s" under %s. Known agents: %s.', retryable: false, status: 404 },
  WOW_ERR_AGENT_ENTRY: { template: 'Agent "%s": %s', retryable: false, status: 500 },
  WOW_ERR_AGENT_STORES: {
    template:
      'Agent "%s": agent.yml `stores` must list exactly the tables its migrations create. Not listed: %s. Listed but created by no migration: %s. Make `stores` match the create table statements in %s.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_EVENT_INVALID: { template: 'Event is not a valid CloudEvent: %s', retryable: false, status: 400 },
  WOW_ERR_EVENT_TYPE: { template: 'Event type "%s" is invalid: %s', retryable: false, status: 400 },
  WOW_ERR_EVENT_UNDECLARED: {
    template: 'Agent "%s" published "%s", which its agent.yml does not list in `emits`. Add it there.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_REQUEST_TIMEOUT: {
    template: 'No reply to "%s" within %s ms. Is an agent that wakes on it running? (`wow agents list`)',
    retryable: true,
    status: 504,
  },
  WOW_ERR_NO_RESPONDER: { template: 'Request "%s" failed in its responder: %s', retryable: false, status: 502 },
  WOW_ERR_REPLY_INVALID: {
    template:
      'The reply to "%s" is not what the requester reads (%s): the agent answering it and the one asking disagree on the message. Deploy the two together.',
    retryable: false,
    status: 502,
  },
  WOW_ERR_UNFINISHED: {
    template:
      'Delivered %s times without finishing: the consumers handling it stopped responding (crashed or were killed) each time.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_BUS_CLOSED: { template: 'The bus is closed; %s was not done.', retryable: true, status: 503 },
  WOW_ERR_DLQ_ENTRY_NOT_FOUND: {
    template: 'No dead-lettered entry %s for agent "%s". List them with `wow bus dlq list %s`.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_MIGRATION: { template: 'Migration %s failed: %s', retryable: false, status: 500 },
  WOW_ERR_MIGRATION_CHANGED: {
    template:
      'Migration %s was changed after it was applied (checksum %s, applied %s). Add a new migration instead of editing an applied one.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_STORE_UNREACHABLE: {
    template: 'PostgreSQL at %s is unreachable: %s. Start it, or unset DATABASE_URL to use the embedded database.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_STORE_LOCKED: {
    template:
      'The embedded database in %s is in use by process %s (a running `wow start`?). Stop that process, or set DATABASE_URL so that several processes share one PostgreSQL.',
    retryable: false,
    status: 503,
  },
  WOW_ERR_REDIS_UNREACHABLE: {
    template: 'Redis at %s is unreachable: %s. Start it, or unset REDIS_URL to use the in-process bus.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_SHUTDOWN_TIMEOUT: {
    template:
      '%s handler(s) still running after the %s ms drain deadline; their messages stay pending and will be redelivered.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_WEBHOOK_SIGNATURE: {
    template: "Webhook signature does not match. Verify that the App's webhook secret matches WEBHOOK_SECRET.",
    retryable: false,
    status: 401,
  },
  WOW_ERR_WEBHOOK_INVALID: { template: 'Webhook request is malformed: %s', retryable: false, status: 400 },
  WOW_ERR_INTERNAL: {
    template:
      'The request failed on our side (request id %s). Retry it later; if it keeps failing, report the request id.',
    retryable: true,
    status: 500,
  },
  WOW_ERR_FACTORY_TEMPLATE: { template: 'Template %s is invalid: %s', retryable: false, status: 500 },
  WOW_ERR_FACTORY_ANSWERS: { template: '%s: %s', retryable: false, status: 400 },
  WOW_ERR_FACTORY_HISTORY: {
    template:
      "Template %s version %s is not in this repository's git history, so the output it generated cannot be rebuilt for a three-way merge: %s",
    retryable: false,
    status: 500,
  },
  WOW_ERR_DEPLOY: { template: 'Cannot deploy %s: %s', retryable: false, status: 400 },
  WOW_ERR_ROLLBACK: { template: 'Cannot roll back %s: %s', retryable: false, status: 409 },
  WOW_ERR_TICKET_NOT_FOUND: { template: 'No ticket %s.', retryable: false, status: 404 },
  WOW_ERR_TICKET_STATE: { template: 'Ticket %s: %s', retryable: false, status: 409 },
  WOW_ERR_CUSTOMER_WEBHOOK: {
    template: "The customer's webhook %s answered %s; the delivery is retried.",
    retryable: true,
    status: 502,
  },
  WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE: {
    template: "The customer's webhook %s could not be reached (%s); the delivery is retried.",
    retryable: true,
    status: 502,
  },
  WOW_ERR_SECRETS_KEY_MISSING: {
    template:
      "SUPPORT_SECRETS_KEY is not set, so %s: customers' webhook secrets are stored sealed with it. Set it to 32 random bytes in base64 (openssl rand -base64 32), the same in every process, and keep it as safe as the database's backups.",
    retryable: false,
    status: 500,
  },
  WOW_ERR_SECRETS_KEY_WRONG: {
    template:
      'The webhook secret of customer %s was sealed with the key %s, and %s. Set SUPPORT_SECRETS_KEY to the key it was sealed with; if that key is lost, give the customer a new webhook secret.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_SYNC_BUSY: {
    template: 'Another attempt is writing %s to GitHub right now; this one is retried.',
    retryable: true,
    status: 409,
  },
  WOW_ERR_KB_ARTICLE: {
    template: 'Knowledge-base articles in %s are invalid, so nothing was imported. Fix each file named:\n%s',
    retryable: false,
    status: 400,
  },
  WOW_ERR_KB_SOURCE: { template: 'Cannot import knowledge-base articles from %s: %s.', retryable: false, status: 400 },
  WOW_ERR_EMBEDDINGS: {
    template:
      'The embedding model %s did not answer (%s). Check WOWSEARCH_EMBEDDINGS_BASE_URL, WOWSEARCH_EMBEDDINGS_API_KEY and WOWSEARCH_EMBEDDINGS_MODEL; meanwhile the knowledge base is searched by words alone.',
    retryable: true,
    status: 502,
  },
  WOW_ERR_CSAT_UNSOLVED: {
    template:
      'Ticket %s is %s: a rating is taken only once the ticket is solved. Rate it after the desk solves it (the desk asks for a rating then).',
    retryable: false,
    status: 409,
  },
  WOW_ERR_CSAT_RATING: {
    template:
      'The rating "%s" is invalid: %s. Send rating good or bad, with an optional comment of up to 2,000 characters.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_SUPPORT_INPUT: { template: 'The request is invalid: %s.', retryable: false, status: 422 },
  WOW_ERR_FORM_ENCODING: {
    template:
      'The form was not sent as UTF-8 text (a byte or a percent escape that is not UTF-8). Send it again from the page, or encode the fields as UTF-8.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_JSON_MALFORMED: {
    template:
      'The request body is not valid JSON (%s). Send one JSON object with the header Content-Type: application/json.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_API_KEY_INVALID: {
    template:
      'Send the header "Authorization: Bearer <API key>" with a key from `wow support keys create <customer>` (%s).',
    retryable: false,
    status: 401,
  },
  WOW_ERR_API_KEY_REVOKED: {
    template:
      'The API key %s… was revoked at %s. Send a current key; `wow support keys create <customer>` makes a new one.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_API_KEY_NOT_FOUND: {
    template: 'No API key with the prefix "%s". `wow support customers list` shows each customer\'s keys.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_CUSTOMER_EXISTS: {
    template: 'A customer with the slug "%s" exists already; `wow support customers list` shows them.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_CUSTOMER_NOT_FOUND: {
    template: 'No customer "%s". Add one with `wow support customers add <slug> --name <name>`.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_IDEMPOTENCY_KEY_REUSED: {
    template:
      'Idempotency-Key "%s" was used before for a different request. Send a new key with a new request; resend the first request unchanged to get its response again.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_RATE_LIMITED: {
    template: 'More than %s requests this minute for customer "%s"; retry after %s seconds (the Retry-After header).',
    retryable: true,
    status: 429,
  },
  WOW_ERR_FORM_RATE_LIMITED: {
    template: 'More than %s support requests this hour from %s; try again after %s UTC (in %s minutes).',
    retryable: true,
    status: 429,
  },
  WOW_ERR_EMAIL_INVALID: {
    template:
      'The mail cannot be taken as a support request: %s. Send an RFC 5322 message with a From address and a body.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_EMAIL_TOO_LARGE: {
    template:
      'The mail is larger than the support desk takes (%s bytes). Send large files as links instead of attachments.',
    retryable: false,
    status: 413,
  },
  WOW_ERR_VISION_TOO_LARGE: {
    template:
      '%s, the cap %s of this WowVision server. Its operator can raise %s; the WowVision Action and `wow review` read a checkout and have no such cap.',
    retryable: false,
    status: 413,
  },
  WOW_ERR_GIT_REVISION: { template: '"%s" is not a commit in %s; %s.', retryable: false, status: 400 },
  WOW_ERR_CLI_USAGE: { template: '%s', retryable: false, status: 400 },
  WOW_ERR_GITHUB_LOGIN: {
    template:
      'GitHub did not say which login this client writes as (%s), so its own marked comments and issues cannot be told from copies. Use an installation token, a GITHUB_TOKEN or a personal token; the App itself (a JWT) cannot write comments.',
    retryable: true,
    status: 502,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCodes;

/** Builds the error for `code`, filling the template's `%s` from `args` in order. */
export function createError(
  code: ErrorCode,
  args: readonly (string | number)[] = [],
  opts: { data?: Record<string, unknown>; cause?: unknown } = {},
): WowError {
  const spec: ErrorSpec = errorCodes[code];
  let i = 0;
  const message = spec.template.replace(/%s/g, () => String(args[i++] ?? ''));
  return new WowError(code, message, {
    retryable: spec.retryable,
    status: spec.status,
    data: opts.data,
    cause: opts.cause,
  });
}

export function isWowError(err: unknown, code?: ErrorCode): err is WowError {
  return err instanceof WowError && (code === undefined || err.code === code);
}
