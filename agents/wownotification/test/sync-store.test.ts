import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { type Store } from '#platform';
import {
  killSwitch,
  openTicket,
  receiveCustomerMessage,
  recordDeskMessage,
  setKillSwitch,
  ticketMessages,
  type Ticket,
} from '#domains/support';
import {
  claimLedger,
  claimTicketIssue,
  completeLedger,
  isLedgerComment,
  pauseTicketSync,
  recentCrossings,
  resumeTicketSync,
  setIssueNumber,
  ticketOfIssue,
  ticketPause,
} from '../src/sync/sync-store.ts';

// The sync's own storage, the contract every runtime relies on under redelivery and
// concurrency: on the real server and on the embedded default alike.
const backends = storeBackends('syncstore', { poolMax: 4 });

describe.each(backends)('the sync store on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  const ticket = () =>
    store.transaction((tx) =>
      openTicket(tx, { subject: 'Hello', body: 'A question', channel: 'api', requester: { email: 'ada@example.com' } }),
    );
  const age = (table: string, column: string, key: string, id: string) =>
    store.query(`update ${table} set ${column} = now() - interval '3 minutes' where ${key} = $1`, [id]);

  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });

  afterAll(async () => {
    await close();
  });

  it("lets one attempt create a ticket's issue: the others find it busy, then held; a cut-off claim is retaken after its lease", async () => {
    const t: Ticket = await ticket();
    const claims = await Promise.all([1, 2, 3].map(() => claimTicketIssue(store, t.id, 'acme', 'support')));
    expect(claims.map((c) => c.claim).sort()).toEqual(['busy', 'busy', 'fresh']);
    await setIssueNumber(store, t.id, 41);
    expect(await claimTicketIssue(store, t.id, 'acme', 'support')).toMatchObject({ claim: 'held', issueNumber: 41 });
    expect(await ticketOfIssue(store, 'acme', 'support', 41)).toBe(t.id);
    // GitHub's names are case-insensitive: a webhook may spell the repository otherwise.
    expect(await ticketOfIssue(store, 'Acme', 'SUPPORT', 41)).toBe(t.id);
    const twin: Ticket = await ticket();
    await claimTicketIssue(store, twin.id, 'ACME', 'Support');
    await expect(store.transaction((tx) => setIssueNumber(tx, twin.id, 41))).rejects.toThrow(
      /support_ticket_issues_repo_issue/,
    );

    const cut: Ticket = await ticket();
    expect((await claimTicketIssue(store, cut.id, 'acme', 'support')).claim).toBe('fresh');
    expect((await claimTicketIssue(store, cut.id, 'acme', 'support')).claim).toBe('busy');
    await age('support_ticket_issues', 'claimed_at', 'ticket_id', cut.id);
    expect((await claimTicketIssue(store, cut.id, 'acme', 'support')).claim).toBe('retaken');
  });

  it('writes the ledger before each crossing: one attempt posts a message, a finished one is done with its comment id', async () => {
    const t = await ticket();
    const [first] = await ticketMessages(store, t.id);
    const id = first?.id ?? '';
    const claims = await Promise.all([1, 2].map(() => claimLedger(store, id, 'to_github', 'sha-1')));
    expect(claims.map((c) => c.state).sort()).toEqual(['busy', 'fresh']);
    await age('support_sync_ledger', 'updated_at', 'message_id', id);
    expect(await claimLedger(store, id, 'to_github', 'sha-1')).toEqual({ state: 'retaken' });
    await completeLedger(store, id, 9001);
    expect(await claimLedger(store, id, 'to_github', 'sha-1')).toEqual({ state: 'done', githubCommentId: 9001 });
    expect(await isLedgerComment(store, 9001)).toBe(true);
    expect(await isLedgerComment(store, 9002)).toBe(false);
  });

  it("trips a ticket's breaker once, keeps its reason, and counts crossings afresh after a resume", async () => {
    const t = await ticket();
    for (let i = 0; i < 3; i++) {
      await store.transaction((tx) => receiveCustomerMessage(tx, t.id, { body: `again ${i}`, channel: 'api' }));
      await store.transaction((tx) =>
        recordDeskMessage(tx, t.id, {
          direction: 'outbound',
          author: { kind: 'agent', id: 'bot' },
          body: `ack ${i}`,
          autoSubmitted: true,
        }),
      );
    }
    // The first message and six crossings since.
    expect(await recentCrossings(store, t.id, 600_000)).toBe(7);
    const trips = await Promise.all(
      [1, 2].map(() =>
        store.transaction(async (tx) => {
          await ticketPause(tx, t.id, { lock: true });
          return pauseTicketSync(tx, t.id, 'loop');
        }),
      ),
    );
    expect(trips.sort()).toEqual([false, true]);
    expect(await ticketPause(store, t.id)).toMatchObject({ reason: 'loop' });
    await resumeTicketSync(store, t.id);
    expect(await ticketPause(store, t.id)).toBeNull();
    expect(await recentCrossings(store, t.id, 600_000)).toBe(0);
  });

  it('keeps the kill switch with who turned it and when', async () => {
    expect(await killSwitch(store)).toEqual({ on: false, by: null, at: null });
    await setKillSwitch(store, true, 'ada');
    expect(await killSwitch(store)).toMatchObject({ on: true, by: 'ada' });
    await setKillSwitch(store, false, 'grace');
    expect(await killSwitch(store)).toMatchObject({ on: false, by: 'grace' });
  });
});
