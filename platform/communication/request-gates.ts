import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  wrap,
} from 'cockatiel';
import { isWowError } from '../errors/define-errors.ts';
import { createError } from '../errors/errors.ts';
import type { AnswerTerms } from './protocol-directory.ts';
import type { CircuitState, RequestObserver, RequestOutcome } from './request-observer.ts';

export interface BreakerSettings {
  /** Failures or timeouts in a row that open the circuit. */
  failures: number;
  /** How long it stays open before one probe request is let through (half-open). */
  halfOpenAfterMs: number;
}

export const defaultBreakerSettings: BreakerSettings = { failures: 5, halfOpenAfterMs: 10_000 };

/** A circuit's change, for whoever reports it beyond this process (the agent host publishes it). */
export interface CircuitChange {
  type: string;
  state: CircuitState;
  /** What opened it: the last failure's code. */
  reason?: string | undefined;
}

/**
 * The failures that count against a target: it did not answer in time, failed for good,
 * or replied what its protocol does not allow. A refused or invalid request is the
 * caller's doing and says nothing of the target.
 */
const targetFailed = (err: unknown) =>
  isWowError(err, 'WOW_ERR_REQUEST_TIMEOUT') ||
  isWowError(err, 'WOW_ERR_NO_RESPONDER') ||
  isWowError(err, 'WOW_ERR_REPLY_INVALID');

const outcomeOf = (err: unknown): RequestOutcome =>
  isWowError(err, 'WOW_ERR_REQUEST_TIMEOUT')
    ? 'timeout'
    : isWowError(err, 'WOW_ERR_REPLY_INVALID')
      ? 'invalid'
      : 'failed';

const stateNames: Record<BreakerState, CircuitState> = {
  [BreakerState.Closed]: 'closed',
  [BreakerState.Open]: 'open',
  [BreakerState.HalfOpen]: 'half_open',
  // Isolation (held open by hand) is not used; it reads as open.
  [BreakerState.Isolated]: 'open',
};

interface Gate {
  breaker: CircuitBreakerPolicy;
  bulkhead: BulkheadPolicy;
  run: <T>(fn: () => Promise<T>) => Promise<T>;
  openedAt: number;
}

/**
 * A circuit breaker and a bulkhead per request type, shared by every agent of one process
 * (cockatiel's policies): a target that keeps failing is failed fast for a while, and
 * no target can take all of the process's requests. Its terms (concurrency, queue) are the
 * answering agent's `answers:` declaration.
 */
export interface RequestGates {
  run<T>(type: string, terms: AnswerTerms, send: () => Promise<T>): Promise<T>;
  /** Each circuit's state now, by request type. */
  states(): Map<string, CircuitState>;
  /** Listens to every circuit change; returns the call that stops listening. */
  onChange(listener: (change: CircuitChange) => void): () => void;
}

export function createRequestGates(opts: { observer?: RequestObserver; breaker?: BreakerSettings } = {}): RequestGates {
  const observer = opts.observer;
  const settings = opts.breaker ?? defaultBreakerSettings;
  const gates = new Map<string, Gate>();
  const listeners = new Set<(change: CircuitChange) => void>();
  const tell = (change: CircuitChange) => {
    observer?.circuit(change.type, change.state);
    for (const listener of listeners) listener(change);
  };

  const gateOf = (type: string, terms: AnswerTerms): Gate => {
    const known = gates.get(type);
    if (known !== undefined) return known;
    const breaker = circuitBreaker(handleWhen(targetFailed), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failures),
    });
    const limit = bulkhead(terms.concurrency, terms.queue);
    const gate: Gate = { breaker, bulkhead: limit, run: (fn) => wrap(limit, breaker).execute(fn), openedAt: 0 };
    breaker.onBreak((reason) => {
      gate.openedAt = performance.now();
      const error = 'error' in reason ? reason.error : undefined;
      tell({ type, state: 'open', reason: isWowError(error) ? error.code : undefined });
    });
    breaker.onHalfOpen(() => tell({ type, state: 'half_open' }));
    breaker.onReset(() => tell({ type, state: 'closed' }));
    observer?.circuit(type, 'closed');
    gates.set(type, gate);
    return gate;
  };

  return {
    async run(type, terms, send) {
      const gate = gateOf(type, terms);
      const started = performance.now();
      let sent = false;
      try {
        return await gate.run(async () => {
          sent = true;
          observer?.started(type);
          try {
            const reply = await send();
            observer?.finished(type, 'ok', (performance.now() - started) / 1000);
            return reply;
          } catch (err) {
            observer?.finished(type, outcomeOf(err), (performance.now() - started) / 1000);
            throw err;
          }
        });
      } catch (err) {
        if (sent) throw err;
        if (isBrokenCircuitError(err)) {
          observer?.rejected(type, 'circuit_open');
          const retryInMs = Math.max(0, Math.round(gate.openedAt + settings.halfOpenAfterMs - performance.now()));
          throw createError('WOW_ERR_CIRCUIT_OPEN', { type, failures: settings.failures, retryInMs }, { cause: err });
        }
        if (isBulkheadRejectedError(err)) {
          observer?.rejected(type, 'bulkhead_full');
          throw createError(
            'WOW_ERR_BULKHEAD_FULL',
            { type, concurrency: terms.concurrency, queue: terms.queue },
            { cause: err },
          );
        }
        throw err;
      }
    },
    states: () => new Map([...gates].map(([type, gate]) => [type, stateNames[gate.breaker.state]])),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
