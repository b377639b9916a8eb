import { defineErrors, type CodesOf } from '#platform';

/** WowEvent's errors: questions of the archive and replays. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_EVENT_PATTERN: {
    message:
      '"{pattern}" is not an event type or pattern: write a type ("support.ticket.opened"), a prefix ending in ".*" ("support.*", "github.pull_request.*") or "*" for every type.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_ARCHIVED_EVENT_NOT_FOUND: {
    message:
      'No event {id} in the archive: it was never archived (published before WowEvent ran, or older than its retention of WOWEVENT_RETENTION_DAYS). Find ids with `wow events tail` or the archive itself.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_REPLAY_TARGET: {
    message: 'Cannot replay to "{agent}": {problem}',
    retryable: false,
    status: 400,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
