import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTicket, ticketMessages, type Message, type Ticket } from '#domains/support';
import { startDeskBehindDoor, type DeskBehindDoor } from './support/desk-behind-door.ts';
import { commentPayload, issueDelivery, supportRepo } from './support/support-repo-events.ts';

// Who may give the desk an order on a ticket's issue (docs/security.md, "Who may do what"),
// tried through the real door: GitHub's issue_comment payload, signed, posted to the App's
// webhook route, carried by the bus to the agent. On a public repository every GitHub user
// has `read`: a login the double does not list is such a stranger.
let desk: DeskBehindDoor;
let nextCommentId = 70_000;

beforeAll(async () => {
  desk = await startDeskBehindDoor({ approvers: 'ada, acme/support-leads' });
  desk.github.teams.set('acme/support-leads', ['grace']);
  desk.github.roles.set('tina', 'triage');
  desk.github.roles.set('grace', 'triage');
  desk.github.roles.set('ada', 'maintain');
}, 60_000);

afterAll(async () => {
  await desk.stop();
});

/** Posts a comment on the issue through the door; resolves once the desk has taken it onto the ticket. */
async function comment(
  ticket: Ticket,
  issue: number,
  login: string,
  body: string,
  repository: { owner: string; repo: string } = supportRepo,
): Promise<string> {
  const commentId = String(++nextCommentId);
  expect(
    await desk.sendWebhook(
      'issue_comment',
      commentPayload({ issue, commentId: Number(commentId), body, login, repository }),
    ),
  ).toBe(202);
  await desk.eventually(async () =>
    expect((await ticketMessages(desk.store, ticket.id)).some((m) => m.channelMsgId === commentId)).toBe(true),
  );
  return commentId;
}

const messagesOf = (ticket: Ticket) => ticketMessages(desk.store, ticket.id);
const refusals = async (ticket: Ticket): Promise<Message[]> =>
  (await messagesOf(ticket)).filter((m) => m.direction === 'internal' && m.body.startsWith('Refused'));
const outbound = async (ticket: Ticket): Promise<Message[]> =>
  (await messagesOf(ticket)).filter((m) => m.direction === 'outbound');

/** An L3 ticket whose drafted answer waits, its issue, and the draft's id. */
async function l3Ticket(subject: string): Promise<{ ticket: Ticket; issue: number; draftId: string; draft: string }> {
  const ticket = await desk.openTicket(subject, 'We think another customer can see our invoices: a data leak.');
  const issue = await desk.issueOf(ticket);
  let draft: Message | undefined;
  await desk.eventually(async () => {
    draft = (await messagesOf(ticket)).find((m) => m.direction === 'draft');
    expect(draft).toBeDefined();
  });
  const id = draft?.id ?? '';
  await desk.eventually(() =>
    expect(desk.commentsOn(issue).some((c) => c.body.includes('It is **not sent**'))).toBe(true),
  );
  return { ticket, issue, draftId: id, draft: draft?.body ?? '' };
}

describe('/reply and /solve need triage or stronger', () => {
  let ticket: Ticket;
  let issue: number;

  beforeAll(async () => {
    ticket = await desk.openTicket('How do I reset my API key?', 'Where do I rotate the API key?');
    issue = await desk.issueOf(ticket);
    // L1 answers it; from then on, only what people do on the issue reaches the customer.
    await desk.eventually(() => expect(desk.deliveredTo(ticket)).toHaveLength(1));
  });

  it('refuses /reply from a stranger with read: nothing reaches the customer; a note says who was refused and why', async () => {
    const phishing = 'Your account is locked. Sign in at https://evil.example/unlock to keep it.';
    await comment(ticket, issue, 'mallory', `/reply ${phishing}`);
    expect(await outbound(ticket)).toHaveLength(1);
    const [refusal] = await refusals(ticket);
    expect(refusal?.body).toContain('`mallory`');
    expect(refusal?.body).toContain('`triage`');
    expect(refusal?.body).toContain('has `read`');
    expect(refusal?.body).not.toContain('evil.example');
    // The refused comment stays on the ticket as an internal note, never as an answer.
    expect((await messagesOf(ticket)).find((m) => m.body.includes('evil.example'))).toMatchObject({
      direction: 'internal',
      author: { kind: 'human', id: 'mallory' },
    });
    await desk.eventually(() =>
      expect(desk.commentsOn(issue).some((c) => c.body.includes('Refused') && c.body.includes('`mallory`'))).toBe(true),
    );
    expect(desk.commentsOn(issue).filter((c) => c.body.includes('evil.example'))).toEqual([]);
    expect(desk.deliveredTo(ticket)).toHaveLength(1);
    expect(
      desk
        .deliveredTo(ticket)
        .map((d) => d.body)
        .join('\n'),
    ).not.toContain('evil.example');
  });

  it('refuses /solve from a stranger, with or without text: the ticket stays as it was', async () => {
    const before = await findTicket(desk.store, ticket.id);
    await comment(ticket, issue, 'mallory', '/solve Solved. Confirm your card at https://evil.example/card');
    await comment(ticket, issue, 'mallory', '/solve');
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ status: before?.status });
    expect(await outbound(ticket)).toHaveLength(1);
    expect(await refusals(ticket)).toHaveLength(3);
  });

  it('sends a /reply from someone with triage to the customer', async () => {
    await comment(ticket, issue, 'tina', '/reply Your admin can rotate the key under Settings, API keys.');
    await desk.eventually(() =>
      expect(desk.deliveredTo(ticket).map((d) => d.body)).toContain(
        'Your admin can rotate the key under Settings, API keys.',
      ),
    );
  });

  it('refuses /resume from anyone who is not an approver', async () => {
    await comment(ticket, issue, 'tina', '/resume');
    expect((await refusals(ticket)).at(-1)?.body).toMatch(/^Refused `\/resume` from `tina`: only an approver/);
  });
});

describe('L3: a drafted answer waits for an approver, who sends it by its id', () => {
  it("shows the draft's id as the command that sends it; refuses non-approvers, strangers, missing or stale ids; sends the draft named", async () => {
    const { ticket, issue, draftId, draft } = await l3Ticket('Possible data leak');
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ tier: 'L3', status: 'on_hold' });
    expect(desk.commentsOn(issue).find((c) => c.body.includes('It is **not sent**'))?.body).toContain(
      `\`/approve ${draftId}\``,
    );

    await comment(ticket, issue, 'tina', '/reply We fixed the leak, nothing to worry about.');
    expect((await refusals(ticket)).at(-1)?.body).toMatch(/^Refused `\/reply` from `tina`: .*an approver/);
    await comment(ticket, issue, 'tina', '/solve No leak, closing.');
    expect((await refusals(ticket)).at(-1)?.body).toMatch(/^Refused `\/solve` from `tina`: .*an approver/);
    await comment(ticket, issue, 'mallory', `/approve ${draftId}`);
    expect((await refusals(ticket)).at(-1)?.body).toMatch(/^Refused `\/approve` from `mallory`: only an approver/);
    await comment(ticket, issue, 'ada', '/approve');
    expect((await refusals(ticket)).at(-1)?.body).toContain(`\`/approve ${draftId}\``);
    await comment(ticket, issue, 'ada', '/approve 0b6a3c1e-5f1d-4c7e-9a2b-3d4e5f607182');
    expect((await refusals(ticket)).at(-1)?.body).toMatch(/no draft `0b6a3c1e-5f1d-4c7e-9a2b-3d4e5f607182` waits/);
    expect((await refusals(ticket)).at(-1)?.body).toContain(`\`/approve ${draftId}\``);
    expect(await outbound(ticket)).toEqual([]);
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ status: 'on_hold' });

    // grace is approved through the team acme/support-leads that SUPPORT_APPROVERS names.
    await comment(ticket, issue, 'grace', `/approve ${draftId}`);
    await desk.eventually(() => expect(desk.deliveredTo(ticket)).toHaveLength(1));
    expect(desk.deliveredTo(ticket)[0]).toMatchObject({ body: draft, automatic: false });
    await desk.eventually(() => expect(desk.repo.labels?.get(issue)).not.toContain('needs-approval'));
    expect(desk.github.violations).toEqual([]);
  });

  it('on a 403 for team members, refuses a team approver with a note naming members: read; a login approver still approves', async () => {
    const { ticket, issue, draftId } = await l3Ticket('Another possible data leak');
    desk.github.membersReadable = false;
    try {
      await comment(ticket, issue, 'grace', `/approve ${draftId}`);
      const refusal = (await refusals(ticket)).at(-1)?.body;
      expect(refusal).toMatch(/^Refused `\/approve` from `grace`/);
      expect(refusal).toContain('`members: read`');
      expect(refusal).toContain('acme/support-leads');
      expect(await outbound(ticket)).toEqual([]);
      await comment(ticket, issue, 'ada', `/approve ${draftId}`);
      await desk.eventually(() => expect(desk.deliveredTo(ticket)).toHaveLength(1));
    } finally {
      desk.github.membersReadable = true;
    }
  });
});

describe("repository names, case aside (GitHub's are case-insensitive)", () => {
  it('takes a comment whose webhook spells the repository Acme/Support onto the ticket of SUPPORT_REPO acme/support', async () => {
    const ticket = await desk.openTicket('Invoice address', 'Where do I change the address on our invoices?');
    const issue = await desk.issueOf(ticket);
    await comment(ticket, issue, 'tina', 'Customer called, asked for a copy too.', { owner: 'Acme', repo: 'Support' });
    expect((await messagesOf(ticket)).find((m) => m.body === 'Customer called, asked for a copy too.')).toMatchObject({
      direction: 'internal',
      author: { id: 'tina' },
    });
  });
});

describe('tier: and priority: labels', () => {
  /** Puts `label` on the issue as GitHub does (the label first, then the signed labeled event through the door). */
  async function label(issue: number, login: string, name: string): Promise<void> {
    desk.repo.labels?.set(issue, [...(desk.repo.labels.get(issue) ?? []), name]);
    expect(await desk.sendWebhook('issues', issueDelivery('labeled', issue, login, name).data.payload)).toBe(202);
  }
  const notes = async (ticket: Ticket) =>
    (await messagesOf(ticket)).filter((m) => m.direction === 'internal' && m.author.id === 'wow-desk');

  it("refuses a non-approver's label taking a ticket out of L3: the draft waits, the label is undone, a note says who and why", async () => {
    const { ticket, issue, draftId } = await l3Ticket('Yet another possible data leak');
    await label(issue, 'tina', 'tier:L2');
    await desk.eventually(async () => expect((await notes(ticket)).at(-1)?.body).toMatch(/^Refused the label/));
    const refusal = (await notes(ticket)).at(-1)?.body ?? '';
    expect(refusal).toContain('`tier:L2`');
    expect(refusal).toContain('`tina`');
    expect(refusal).toContain('approver');
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ tier: 'L3', status: 'on_hold' });
    expect((await messagesOf(ticket)).find((m) => m.id === draftId)).toMatchObject({ direction: 'draft' });
    expect(await outbound(ticket)).toEqual([]);
    await desk.eventually(() => {
      expect(desk.repo.labels?.get(issue)).toContain('tier:L3');
      expect(desk.repo.labels?.get(issue)).not.toContain('tier:L2');
    });
    await desk.eventually(() =>
      expect(
        desk.commentsOn(issue).some((c) => c.body.includes('Refused the label') && c.body.includes('`tina`')),
      ).toBe(true),
    );
    expect(desk.deliveredTo(ticket)).toEqual([]);

    // An approver may (L2's specialist then takes the ticket as its topic asks).
    await label(issue, 'ada', 'tier:L2');
    await desk.eventually(async () =>
      expect((await messagesOf(ticket)).map((m) => m.body)).toContain('tier set to L2 by ada (label tier:L2).'),
    );
    expect(desk.github.violations).toEqual([]);
  });

  it('refuses tier and priority labels from anyone below triage, and takes them from a triager', async () => {
    const ticket = await desk.openTicket('Where are our invoices?', 'Partnership and sponsorship questions.');
    const issue = await desk.issueOf(ticket);
    await desk.eventually(async () => expect((await findTicket(desk.store, ticket.id))?.tier).toBe('L2'));
    await label(issue, 'mallory', 'priority:urgent');
    await desk.eventually(async () => expect((await notes(ticket)).at(-1)?.body).toMatch(/^Refused the label/));
    expect((await notes(ticket)).at(-1)?.body).toContain('`triage`');
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ priority: 'normal' });
    await desk.eventually(() => expect(desk.repo.labels?.get(issue)).not.toContain('priority:urgent'));

    await label(issue, 'tina', 'priority:high');
    await desk.eventually(async () => expect((await findTicket(desk.store, ticket.id))?.priority).toBe('high'));
    // Into L3 needs no approver: it only puts a person in front of every answer.
    await label(issue, 'tina', 'tier:L3');
    await desk.eventually(async () => expect((await findTicket(desk.store, ticket.id))?.tier).toBe('L3'));
  });
});
