// One sync of a ticket at a time in this process: two events about the same ticket (its
// answer and its delivery) would otherwise race to write the same comment. Across
// processes the ledger's lease does the same, at the price of a retry.
const running = new Map<string, Promise<unknown>>();

export async function serializePerTicket<T>(ticketId: string, work: () => Promise<T>): Promise<T> {
  const before = running.get(ticketId) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(work);
  running.set(ticketId, mine);
  try {
    return await mine;
  } finally {
    if (running.get(ticketId) === mine) running.delete(ticketId);
  }
}
