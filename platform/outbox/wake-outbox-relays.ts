// The relays running in this process, each by its wake-up.
const relays = new Set<() => void>();

/** Adds a relay's wake-up; returns what removes it (the relay's stop). */
export function listenForOutboxWrites(wake: () => void): () => void {
  relays.add(wake);
  return () => relays.delete(wake);
}

/**
 * Tells every relay in the process that an outbox row was committed. A relay of another
 * store claims nothing and goes back to sleep: one cheap query, against the wait for its
 * next poll that a task's every hop would otherwise take.
 */
export function wakeOutboxRelays(): void {
  for (const wake of relays) wake();
}
