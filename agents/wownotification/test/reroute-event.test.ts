import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { startTestAgent, type TestAgent, testGitHubPolicy } from '#platform/testing';
import { findTicket, openTicket, ticketMessages } from '#domains/support';
import { createGitHubDouble, type DoubleRepo } from '../../../test/doubles/github-api.ts';
import { ticketOfIssue } from '../src/sync/sync-store.ts';
import { appId, issueDelivery, supportRepo } from './support/support-repo-events.ts';

// A person's tier label moves the ticket and announces the move as support.ticket.rerouted,
// which WowSupport wakes on to bring in the new tier's specialist. The event goes through
// the outbox in the transaction that moves the ticket: a crash before the commit keeps
// neither, so the retry makes both; once committed, both are kept, so nothing is lost
// between them and a redelivery announces nothing twice.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let agent: TestAgent;
let repo: DoubleRepo;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-reroute-'));
  const github = createGitHubDouble();
  repo = { ...supportRepo, dir, pulls: [] };
  github.addRepo(repo);
  github.roles.set('ada', 'triage');
  agent = await startTestAgent({
    agentsDir,
    id: 'wownotification',
    relayOutbox: true,
    github: createGitHubPort({
      credentials: { appId: String(appId), privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
    env: { SUPPORT_REPO: `${supportRepo.owner}/${supportRepo.repo}` },
  });
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await rm(dir, { recursive: true, force: true });
});

const rerouted = (ticketId: string) =>
  agent.events.filter(
    (e) => e.type === 'support.ticket.rerouted' && (e.data as { ticketId?: string }).ticketId === ticketId,
  );
const movedNotes = async (ticketId: string) =>
  (await ticketMessages(agent.store, ticketId)).filter((m) => m.body.startsWith('tier set to L2 by ada'));
/** Lets the agent finish what it is doing: nothing more arrives for a while. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('support.ticket.rerouted', () => {
  it('is kept exactly when the move is: a failure before the commit keeps neither, the retry both, once', async () => {
    const ticket = await agent.store.transaction((tx) =>
      openTicket(tx, {
        subject: 'Export fails',
        body: 'Our nightly export fails.',
        channel: 'email',
        requester: { email: 'milton@initech.example' },
      }),
    );
    let issue: number | undefined;
    await agent.eventually(async () => {
      issue = repo.issues?.find((i) => i.body.includes(`wow-desk:ticket=${ticket.id}`))?.number;
      expect(issue).toBeDefined();
    });
    // A label is read against the issue the sync recorded as the ticket's, once GitHub answered.
    await agent.eventually(async () =>
      expect(await ticketOfIssue(agent.store, supportRepo.owner, supportRepo.repo, issue ?? 0)).toBe(ticket.id),
    );
    const labelled = issueDelivery('labeled', issue ?? 0, 'ada', 'tier:L2');

    // The process dies at the event's write, every attempt (the bus tries twice here); the
    // sequence counts the attempts, since a rolled-back transaction keeps no row.
    await agent.store.query(`
      create sequence reroute_attempts;
      create function die_at_reroute() returns trigger language plpgsql as $$
      begin
        perform nextval('reroute_attempts');
        raise exception 'the process died before the commit';
      end $$;
      create trigger die_at_reroute before insert on outbox for each row
        when (new.event->>'type' = 'support.ticket.rerouted') execute function die_at_reroute();
    `);
    try {
      await agent.publish(labelled);
      await agent.eventually(async () => {
        const { rows } = await agent.store.query<{ last_value: string; is_called: boolean }>(
          'select last_value, is_called from reroute_attempts',
        );
        expect(rows[0]?.is_called).toBe(true);
        expect(Number(rows[0]?.last_value)).toBe(2);
      });
      await settle();
      expect(await findTicket(agent.store, ticket.id)).toMatchObject({ tier: 'L1' });
      expect(await movedNotes(ticket.id)).toEqual([]);
      expect(rerouted(ticket.id)).toEqual([]);
    } finally {
      await agent.store.query('drop trigger die_at_reroute on outbox; drop function die_at_reroute();');
    }

    // The same delivery again, as an operator's redrive of the dead letter does: the move and its announcement.
    await agent.publish(labelled);
    const announced = await agent.emitted(
      'support.ticket.rerouted',
      (e) => (e.data as { ticketId?: string }).ticketId === ticket.id,
    );
    expect(announced.subject).toBe(ticket.id);
    expect(announced.data).toEqual({ ticketId: ticket.id, tier: 'L2', priority: 'normal', previousTier: 'L1' });
    expect(await findTicket(agent.store, ticket.id)).toMatchObject({ tier: 'L2' });
    expect(await movedNotes(ticket.id)).toHaveLength(1);

    // Delivered once more after the commit: the ticket is at L2 already, nothing is announced twice.
    await agent.publish(labelled);
    await settle();
    expect(rerouted(ticket.id)).toHaveLength(1);
    expect(await movedNotes(ticket.id)).toHaveLength(1);
  });
});
