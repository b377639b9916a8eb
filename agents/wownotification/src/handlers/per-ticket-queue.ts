/** Runs work about one ticket after the work about it before has settled. */
export interface PerTicketQueue {
  run<T>(ticketId: string, work: () => Promise<T>): Promise<T>;
}

/**
 * One sync of a ticket at a time in this agent instance: two events about the same ticket
 * (its answer and its delivery) would otherwise race to write the same comment. Across
 * processes the ledger's lease does the same, at the price of a retry.
 */
export function createPerTicketQueue(): PerTicketQueue {
  const running = new Map<string, Promise<unknown>>();
  return {
    async run(ticketId, work) {
      const before = running.get(ticketId) ?? Promise.resolve();
      const mine = before.catch(() => undefined).then(work);
      running.set(ticketId, mine);
      try {
        return await mine;
      } finally {
        if (running.get(ticketId) === mine) running.delete(ticketId);
      }
    },
  };
}
