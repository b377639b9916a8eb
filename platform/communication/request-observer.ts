/** A request's circuit, as `/metrics` and `communication.circuit.changed` name it. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** How one request ended, for its latency histogram: a closed list, so labels stay few. */
export type RequestOutcome = 'ok' | 'timeout' | 'failed' | 'invalid';

/** What the request gates report as they work; metrics implement it (this code knows no prom-client). */
export interface RequestObserver {
  started(type: string): void;
  finished(type: string, outcome: RequestOutcome, seconds: number): void;
  /** Refused without being sent: the circuit is open, or the bulkhead and its queue are full. */
  rejected(type: string, reason: 'circuit_open' | 'bulkhead_full'): void;
  circuit(type: string, state: CircuitState): void;
}

export const silentRequestObserver: RequestObserver = {
  started() {},
  finished() {},
  rejected() {},
  circuit() {},
};
