import { isWowError, type WowError } from '#platform';

/** An agent that is down, failing or refused to this runtime: a request's errors that say nothing of the ticket. */
const unreachable: readonly string[] = [
  'WOW_ERR_REQUEST_TIMEOUT',
  'WOW_ERR_CIRCUIT_OPEN',
  'WOW_ERR_BULKHEAD_FULL',
  'WOW_ERR_NO_RESPONDER',
  'WOW_ERR_REPLY_INVALID',
];

/** True when `err` says only that the agent asked could not answer now: the desk goes on without it. */
export const isUnreachable = (err: unknown): err is WowError => isWowError(err) && unreachable.includes(err.code);
