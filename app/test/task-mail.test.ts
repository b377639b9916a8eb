import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Store } from '#platform';
import type { Entitlement, TaskAgent } from '#domains/customer';
import { startSmtpListener, type SmtpListener } from '../email/smtp-listener.ts';
import { taskMailDoor } from '../tasks/task-mail.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

// Tasks by mail to an agent's address, through the SMTP listener as `wow start` opens it:
// a verified member of an entitled organisation gets a task made as the API makes it and a
// reply with its id; anyone else a clear refusal; a mail delivered twice makes one task.
const [postgres] = storeBackends('task_mail', { poolMax: 4 });
const log = createLogger('silent');
const domain = 'agents.waooaw.example';
const publicUrl = 'https://app.waooaw.example';

const seo: TaskAgent = {
  id: 'seo',
  tasks: {
    'seo.audit': {
      title: 'Audit a page',
      description: 'An audit.',
      minutesSaved: 45,
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['html'],
        properties: { html: { type: 'string', minLength: 1, maxLength: 200 }, keyword: { type: 'string' } },
      },
    },
    'seo.keywords': {
      title: 'Suggest keywords',
      description: 'Keywords.',
      minutesSaved: 10,
      input: { type: 'object', required: ['topic'], properties: { topic: { type: 'string', minLength: 1 } } },
    },
  },
};

let store: Store;
let close: () => Promise<void>;
let listener: SmtpListener;
let strict: SmtpListener;
const replies: { id: string; to: string; subject: string; body: string }[] = [];
const allowed = new Set<string>();
const entitled: Entitlement = (organisationId, agentId) =>
  Promise.resolve(
    allowed.has(`${organisationId}:${agentId}`)
      ? { ok: true, via: 'trial' }
      : { ok: false, reason: 'it has no trial or subscription', action: 'Start a trial.' },
  );

beforeAll(async () => {
  if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');
  ({ store, close } = await postgres.open());
  const door = (sendMail: Parameters<typeof taskMailDoor>[0]['sendMail']) =>
    taskMailDoor({
      store,
      domain,
      agents: () => Promise.resolve(new Map([['seo', seo]])),
      entitled,
      publicUrl,
      sendMail,
      clock: () => new Date(),
      log,
    });
  const listen = (sendMail: Parameters<typeof door>[0]) =>
    startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      store,
      log,
      deskAddress: 'support@waooaw.example',
      tasks: door(sendMail),
    });
  listener = await listen((mail) => {
    replies.push(mail);
    return Promise.resolve();
  });
  // No outbound mail: a refusal is answered in the SMTP dialogue, and the sender's server bounces it.
  strict = await listen(undefined);
});
afterAll(async () => {
  await listener.close();
  await strict.close();
  await close();
});

/** An organisation, with members (verified unless said) and whether it may send seo tasks. */
async function organisation(opts: { entitled: boolean; members: { email: string; verified?: boolean }[] }) {
  const id = randomUUID();
  const slug = `org-${id.slice(0, 8)}`;
  await store.query('insert into support_customers (id, slug, name) values ($1, $2, $3)', [id, slug, `Org ${slug}`]);
  for (const m of opts.members) {
    const existing = (
      await store.query<{ id: string }>('select id from commerce_users where email_key = $1', [m.email])
    ).rows[0];
    const userId = existing?.id ?? randomUUID();
    if (existing === undefined)
      await store.query(
        `insert into commerce_users (id, email, email_key, name, password_hash, email_verified_at) values ($1, $2, $2, $3, 'x', $4)`,
        [userId, m.email, m.email.split('@')[0], m.verified === false ? null : new Date()],
      );
    await store.query(`insert into commerce_memberships (organisation_id, user_id, role) values ($1, $2, 'member')`, [
      id,
      userId,
    ]);
  }
  if (opts.entitled) allowed.add(`${id}:seo`);
  return { id, slug };
}

async function send(opts: {
  port?: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  headers?: Record<string, string>;
}): Promise<{ code: number; response: string; messageId: string }> {
  const messageId = opts.messageId ?? `<${randomUUID()}@mail.customer.example>`;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: opts.port ?? listener.address.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: opts.from, to: [opts.to] },
      from: opts.from,
      to: opts.to,
      subject: opts.subject,
      text: opts.text,
      messageId,
      headers: opts.headers ?? {},
    });
    return { code: Number(info.response.slice(0, 3)), response: info.response, messageId };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    return { code: e.responseCode ?? 0, response: e.response ?? '', messageId };
  } finally {
    transport.close();
  }
}

const tasksOf = async (organisationId: string) =>
  (
    await store.query<{ id: string; task_type: string; input: Record<string, unknown>; agent_id: string }>(
      'select id, task_type, input, agent_id from customer_tasks where organisation_id = $1 order by created_at',
      [organisationId],
    )
  ).rows;
const repliesTo = (to: string) => replies.filter((r) => r.to === to);

describe('tasks by mail', () => {
  it('Given a verified member of an entitled organisation, when they mail the agent, then a task is made as the API makes it, once, and named', async () => {
    const org = await organisation({ entitled: true, members: [{ email: `ada-${randomUUID()}@customer.example` }] });
    const ada =
      (
        await store.query<{ email: string }>(
          'select u.email from commerce_users u join commerce_memberships m on m.user_id = u.id where m.organisation_id = $1',
          [org.id],
        )
      ).rows[0]?.email ?? '';
    const sent = await send({
      from: ada,
      to: `SEO@${domain}`,
      subject: 'Re: audit a page',
      text: '<html><title>Hi</title></html>',
    });
    expect(sent.code).toBe(250);
    const [task] = await tasksOf(org.id);
    expect(task).toMatchObject({
      agent_id: 'seo',
      task_type: 'seo.audit',
      input: { html: '<html><title>Hi</title></html>' },
    });
    expect(sent.response).toContain(`OK: task ${task?.id}`);
    const requested = await store.query<{ event: { type: string; data: { taskId: string } } }>(
      `select event from outbox where event->>'type' = 'customer.task.requested' and event->'data'->>'taskId' = $1`,
      [task?.id],
    );
    expect(requested.rows).toHaveLength(1);
    const requester = await store.query('select 1 from customer_task_requesters where task_id = $1', [task?.id]);
    expect(requester.rows).toHaveLength(1);
    expect(repliesTo(ada)).toHaveLength(1);
    expect(repliesTo(ada)[0]?.subject).toBe('Re: audit a page');
    expect(repliesTo(ada)[0]?.body).toContain(
      `seo has your seo.audit task (Audit a page) for ${org.slug}: task ${task?.id}.`,
    );
    expect(repliesTo(ada)[0]?.body).toContain(`${publicUrl}/api/tasks/${task?.id}`);

    // The sender's server delivers it again: the same task, no second task and no second reply.
    const again = await send({
      from: ada,
      to: `seo@${domain}`,
      subject: 'Re: audit a page',
      text: '<html><title>Hi</title></html>',
      messageId: sent.messageId,
    });
    expect(again.response).toContain(`OK: task ${task?.id}`);
    expect(await tasksOf(org.id)).toHaveLength(1);
    expect(repliesTo(ada)).toHaveLength(1);
  });

  it('picks the task type by the subject (id or title), else the agent’s first, and fills its first required text field', async () => {
    const email = `bo-${randomUUID()}@customer.example`;
    const org = await organisation({ entitled: true, members: [{ email }] });
    await send({ from: email, to: `seo@${domain}`, subject: 'seo.keywords', text: 'running shoes' });
    await send({ from: email, to: `seo@${domain}`, subject: 'FW: Suggest Keywords', text: 'trail shoes' });
    await send({ from: email, to: `seo@${domain}`, subject: 'please look at this', text: '<p>page</p>' });
    expect((await tasksOf(org.id)).map((t) => [t.task_type, t.input])).toEqual([
      ['seo.keywords', { topic: 'running shoes' }],
      ['seo.keywords', { topic: 'trail shoes' }],
      ['seo.audit', { html: '<p>page</p>' }],
    ]);
  });

  it('refuses, saying why, a stranger, an unverified member, an organisation without a trial, an unknown agent and an input that does not fit', async () => {
    const verified = `cy-${randomUUID()}@customer.example`;
    const unverified = `di-${randomUUID()}@customer.example`;
    const poor = `ed-${randomUUID()}@customer.example`;
    await organisation({ entitled: true, members: [{ email: verified }, { email: unverified, verified: false }] });
    const poorOrg = await organisation({ entitled: false, members: [{ email: poor }] });
    const stranger = `stranger-${randomUUID()}@elsewhere.example`;
    const cases: [string, string, string, string][] = [
      [stranger, `seo@${domain}`, 'x', 'is not the verified address of a member of an organisation'],
      [unverified, `seo@${domain}`, 'x', 'is not the verified address of a member of an organisation'],
      [poor, `seo@${domain}`, 'x', 'none of your organisations has an active trial or subscription for seo'],
      [verified, `nobody@${domain}`, 'x', `no agent takes tasks at nobody@${domain}`],
      [verified, `seo@${domain}`, 'y'.repeat(300), 'input.html: must NOT have more than 200 characters'],
    ];
    for (const [from, to, text, why] of cases) {
      const sent = await send({ from, to, subject: 'Audit a page', text });
      expect(sent.code, why).toBe(250);
      expect(sent.response).toContain('OK: refused, answered by mail');
      const [reply] = repliesTo(from).filter((r) => r.body.includes(why));
      expect(reply?.body, why).toContain('did not become a task');
      expect(reply?.subject).toBe('Re: Audit a page');
    }
    expect(await tasksOf(poorOrg.id)).toHaveLength(0);
  });

  it('Given a member of two entitled organisations, when they mail the agent, then they are asked to say which, and `+slug` says it', async () => {
    const email = `fi-${randomUUID()}@customer.example`;
    const one = await organisation({ entitled: true, members: [{ email }] });
    const two = await organisation({ entitled: true, members: [{ email }] });
    await send({ from: email, to: `seo@${domain}`, subject: 'Audit a page', text: '<p>a</p>' });
    expect(repliesTo(email)[0]?.body).toContain(`send it to seo+`);
    expect(repliesTo(email)[0]?.body).toContain(`seo+${two.slug}@${domain}`);
    await send({ from: email, to: `seo+${two.slug}@${domain}`, subject: 'Audit a page', text: '<p>a</p>' });
    expect(await tasksOf(one.id)).toHaveLength(0);
    expect(await tasksOf(two.id)).toHaveLength(1);
  });

  it('keeps hostile subjects to one bounded line of plain text, and answers no autoresponder', async () => {
    const email = `gi-${randomUUID()}@customer.example`;
    await organisation({ entitled: false, members: [{ email }] });
    await send({
      from: email,
      to: `seo@${domain}`,
      subject: `<script>alert(1)</script>\tBcc: x ${'z'.repeat(400)}`,
      text: 'x',
    });
    const [reply] = repliesTo(email);
    expect(reply?.subject.length).toBeLessThanOrEqual(160);
    expect(reply?.subject).toMatch(/^Re: <script>alert\(1\)<\/script>Bcc: x z+…$/);
    const auto = await send({
      from: email,
      to: `seo@${domain}`,
      subject: 'Out of office',
      text: 'away',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(auto.response).toContain('OK: taken and ignored, an automatic mail');
    expect(repliesTo(email)).toHaveLength(1);
  });

  it('Given no outbound mail, when a mail is refused, then the SMTP answer is 550 with why, and the desk’s own mail is still a ticket', async () => {
    const stranger = `stranger-${randomUUID()}@elsewhere.example`;
    const refused = await send({
      port: strict.address.port,
      from: stranger,
      to: `seo@${domain}`,
      subject: 's',
      text: 'x',
    });
    expect(refused.code).toBe(550);
    expect(refused.response).toContain('is not the verified address of a member of an organisation');
    const desk = await send({
      port: strict.address.port,
      from: stranger,
      to: 'support@waooaw.example',
      subject: 'Help',
      text: 'Where is my invoice?',
    });
    expect(desk.code).toBe(250);
    expect(desk.response).toMatch(/OK: ticket [0-9a-f-]{36}/);
  });
});
