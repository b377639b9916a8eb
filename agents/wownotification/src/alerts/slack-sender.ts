import {
  LogLevel,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  type Logger as SlackLogger,
} from '@slack/web-api';
import type { Logger } from '#platform';
import type { SendResult } from './send-result.ts';

/** A Block Kit block as alerts use them: a header, sections and a context line. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

export interface SlackSender {
  /** chat.postMessage to `channel` ("#name" or an id); never throws for what Slack answers. */
  post(channel: string, message: { text: string; blocks: SlackBlock[] }): Promise<SendResult>;
}

// What Slack answers that a later try can fix: its own trouble. Anything else
// (channel_not_found, not_in_channel, invalid_auth, msg_too_long …) needs a person to
// change the configuration, and trying again would only fail the same way.
const transientErrors = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
]);

/**
 * Slack's Web API through `@slack/web-api`, with the bot token in the Authorization header
 * (the client puts it there). The client neither waits out a rate limit nor retries on its
 * own: the alert's send row keeps the Retry-After and is tried again then, so one busy
 * channel holds up no schedule run. The token is never logged: the client's own log is
 * forwarded at warn level and above only, and it redacts tokens.
 */
export function createSlackSender(opts: { token: string; apiUrl: string; log: Logger }): SlackSender {
  const client = new WebClient(opts.token, {
    slackApiUrl: opts.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: forwardedLogger(opts.log),
    logLevel: LogLevel.WARN,
  });
  return {
    async post(channel, message) {
      try {
        const answer = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
        return { ok: true, result: `${answer.channel ?? channel} ${answer.ts ?? ''}`.trim() };
      } catch (err) {
        if (err instanceof WebAPIRateLimitedError)
          return { ok: false, error: 'ratelimited', retryAfterMs: err.retryAfter * 1000, permanent: false };
        if (err instanceof WebAPIPlatformError) {
          const error = err.data.error.slice(0, 100);
          return { ok: false, error, permanent: !transientErrors.has(error) };
        }
        // No answer, or an HTTP status Slack gives when it is down: tried again.
        return { ok: false, error: (err as Error).message.slice(0, 300), permanent: false };
      }
    },
  };
}

function forwardedLogger(log: Logger): SlackLogger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map(String).join(' ').slice(0, 500);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => log.warn({ slack: text(parts) }, 'Slack Web API'),
    error: (...parts: unknown[]) => log.error({ slack: text(parts) }, 'Slack Web API'),
    setLevel: (next: LogLevel) => (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}
