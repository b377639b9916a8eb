import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileTexts } from '../../../test/fixtures/hostile/corpus.ts';
import { findTicket, ticketMessages, type Ticket } from '#domains/support';
import { startDeskBehindDoor, type DeskBehindDoor } from './support/desk-behind-door.ts';
import { commentPayload } from './support/support-repo-events.ts';

// The hostile-input corpus in the desk's issue commands: what a triager writes after
// `/reply` goes to the customer as the desk's, by mail or webhook, where nobody escapes
// it. So it is held to what a one-line field of the API holds (hostile-characters.ts,
// 'answer'): control characters, direction controls, zero-width characters and U+2028/9
// are refused with a note naming the character, as the API's 422 names it, and nothing
// reaches the customer; SQL, HTML and Markdown are text and go as written. Through the
// real door: GitHub's issue_comment payload, signed, to the App's webhook route.
let desk: DeskBehindDoor;
let nextCommentId = 90_000;

beforeAll(async () => {
  desk = await startDeskBehindDoor({ approvers: 'ada' });
  desk.github.roles.set('tina', 'triage');
}, 60_000);

afterAll(async () => {
  await desk.stop();
});

/** Posts `body` as tina's comment through the door; resolves once the desk has taken it. */
async function comment(ticket: Ticket, issue: number, body: string): Promise<void> {
  const commentId = ++nextCommentId;
  expect(await desk.sendWebhook('issue_comment', commentPayload({ issue, commentId, body, login: 'tina' }))).toBe(202);
  await desk.eventually(async () =>
    expect((await ticketMessages(desk.store, ticket.id)).some((m) => m.channelMsgId === String(commentId))).toBe(true),
  );
}

describe.each(hostileTexts.map((t) => [t.name, t] as const))('/reply carrying %s', (name, { text, legitimate }) => {
  it(
    legitimate
      ? 'reaches the customer as written'
      : 'is refused with a note naming the character; nothing reaches the customer, and the next /reply does',
    async () => {
      // No article answers it: it waits at L2 for a person.
      const ticket = await desk.openTicket(`Corpus: ${name}`, 'Do you sponsor conferences?');
      const issue = await desk.issueOf(ticket);
      await desk.eventually(async () => expect((await findTicket(desk.store, ticket.id))?.tier).toBe('L2'));
      await comment(ticket, issue, `/reply ${text}`);
      const messages = await ticketMessages(desk.store, ticket.id);
      if (legitimate) {
        await desk.eventually(() => expect(desk.deliveredTo(ticket).map((d) => d.body)).toEqual([text]));
        return;
      }
      const refusal = messages.find((m) => m.author.id === 'wow-desk' && m.body.startsWith('Refused'));
      expect(refusal?.body).toMatch(
        /^Refused `\/reply` from `tina`: the answer contains U\+[0-9A-F]{4} \(.+\) at character \d+/,
      );
      expect(messages.filter((m) => m.direction === 'outbound')).toEqual([]);
      // The comment stays an internal note, without what PostgreSQL cannot store.
      expect(messages.find((m) => m.author.id === 'tina')).toMatchObject({ direction: 'internal' });
      await desk.eventually(() =>
        expect(desk.commentsOn(issue).some((c) => c.body.includes('Refused `/reply` from `tina`'))).toBe(true),
      );
      for (const c of desk.commentsOn(issue)) expect(c.body).not.toContain(text.trim());
      await comment(ticket, issue, '/reply We do not sponsor conferences, sorry.');
      await desk.eventually(() =>
        expect(desk.deliveredTo(ticket).map((d) => d.body)).toEqual(['We do not sponsor conferences, sorry.']),
      );
    },
  );
});

describe('/solve with text', () => {
  it('is held to the same: a hidden character refuses it, and the ticket stays as it was', async () => {
    const ticket = await desk.openTicket('Corpus: solve', 'Do you sponsor conferences?');
    const issue = await desk.issueOf(ticket);
    await desk.eventually(async () => expect((await findTicket(desk.store, ticket.id))?.tier).toBe('L2'));
    const before = await findTicket(desk.store, ticket.id);
    await comment(ticket, issue, '/solve Solved, see pay\u200bpal.example');
    const messages = await ticketMessages(desk.store, ticket.id);
    expect(messages.find((m) => m.author.id === 'wow-desk')?.body).toMatch(
      /^Refused `\/solve` from `tina`: the answer contains U\+200B \(ZERO WIDTH SPACE\) at character 16/,
    );
    expect(await findTicket(desk.store, ticket.id)).toMatchObject({ status: before?.status });
    expect(messages.filter((m) => m.direction === 'outbound')).toEqual([]);
  });
});
