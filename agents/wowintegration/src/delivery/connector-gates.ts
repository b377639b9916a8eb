import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry, wrap } from 'cockatiel';
import type { Connector } from '../connectors/connector.ts';

/** A call to an outside API that failed, with what is safe to record about it. */
export class CallFailed extends Error {
  /** The HTTP status; undefined when no response came (network, timeout). */
  readonly status: number | undefined;
  /** Short and never a body: "HTTP 401 INVALID_SESSION_ID", "timeout". */
  readonly reason: string;

  constructor(status: number | undefined, reason: string) {
    super(reason);
    this.status = status;
    this.reason = reason;
  }

  /** Worth trying again: no answer, the API overloaded (429) or failing (5xx). */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

// Only transient failures are retried and count against the API: a 4xx is this side's
// request or credential, and trying again, or failing everything fast, would not help.
const transient = handleWhen((err) => err instanceof CallFailed && err.transient);

/** Retries with exponential backoff inside a circuit breaker, one per connector. */
export interface ConnectorGate {
  execute<T>(call: () => Promise<T>): Promise<T>;
}

export function createConnectorGate(connector: Connector): ConnectorGate {
  const { retries, circuitBreaker: breaker } = connector;
  const policy = wrap(
    retry(transient, {
      maxAttempts: retries.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: retries.initialDelayMs, maxDelay: retries.maxDelayMs }),
    }),
    circuitBreaker(transient, {
      halfOpenAfter: breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(breaker.consecutiveFailures),
    }),
  );
  return { execute: (call) => policy.execute(call) };
}
