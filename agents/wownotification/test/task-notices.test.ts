import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { verifyCustomerWebhook } from '#domains/support';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/support/account-clients.ts';
import { taskNoticeMail } from '../src/tasks/tell-task-outcome.ts';

// A customer task's outcome reaches the organisation: by mail to the members who chose to
// hear of it (the requester by default) and by its signed webhook, once per task and state
// however often the bus delivers the event, on both runtimes.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const secret = 'whsec-task-notices';
const publicUrl = 'https://app.waooaw.example';

describe.each(agentSetups)('task notices on %s', (name, setUp) => {
  const hooks: { body: string; headers: IncomingHttpHeaders }[] = [];
  let failNextHook = false;
  let endpoint: Server;
  let smtp: SmtpSink;
  let setup: AgentSetup;
  let agent: TestAgent;
  let hookUrl = '';

  beforeAll(async () => {
    endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (failNextHook) {
          failNextHook = false;
          res.writeHead(503).end();
          return;
        }
        const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
        if (ok) hooks.push({ body, headers: req.headers });
        res.writeHead(ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hooks/tasks`;
    smtp = await startSmtpSink();
    setup = await setUp(`tasknotice${name.length}`);
    agent = await startTestAgent({
      agentsDir,
      id: 'wownotification',
      ...(setup.postgres === undefined ? {} : { postgres: setup.postgres }),
      ...(setup.redis === undefined ? {} : { redis: setup.redis }),
      env: { SMTP_URL: smtp.url, SUPPORT_EMAIL_FROM: 'notices@waooaw.example', PUBLIC_URL: publicUrl },
    });
  });

  afterAll(async () => {
    await agent.stop();
    await setup.drop();
    await smtp.close();
    await new Promise((resolve) => endpoint.close(resolve));
  });

  /** An organisation with a webhook (or none) and its members: `verified: false` never confirmed their address. */
  async function organisation(opts: {
    webhook: boolean;
    members: { name: string; choice?: 'mine' | 'all' | 'none'; verified?: boolean }[];
  }) {
    const id = randomUUID();
    const slug = `org-${id.slice(0, 8)}`;
    await agent.store.query(
      'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
      [id, slug, `Org ${slug}`, opts.webhook ? hookUrl : null, opts.webhook ? secret : null],
    );
    const members: Record<string, { id: string; email: string }> = {};
    for (const m of opts.members) {
      const userId = randomUUID();
      const email = `${m.name.toLowerCase()}@${slug}.example`;
      await agent.store.query(
        `insert into commerce_users (id, email, email_key, name, password_hash, email_verified_at) values ($1, $2, $2, $3, 'x', $4)`,
        [userId, email, m.name, m.verified === false ? null : new Date()],
      );
      await agent.store.query(
        `insert into commerce_memberships (organisation_id, user_id, role) values ($1, $2, 'member')`,
        [id, userId],
      );
      if (m.choice !== undefined)
        await agent.store.query(
          'insert into customer_task_notice_choices (organisation_id, user_id, choice) values ($1, $2, $3)',
          [id, userId, m.choice],
        );
      members[m.name] = { id: userId, email };
    }
    return { id, members };
  }

  async function task(organisationId: string, requester?: string): Promise<string> {
    const id = randomUUID();
    await agent.store.query(
      `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, request_sha256) values ($1, $2, 'seo', 'seo.audit', '{}', 'x')`,
      [id, organisationId],
    );
    if (requester !== undefined)
      await agent.store.query(
        'insert into customer_task_requesters (task_id, organisation_id, user_id) values ($1, $2, $3)',
        [id, organisationId, requester],
      );
    return id;
  }

  const completed = (taskId: string, organisationId: string, source = 'urn:wow:agent:seo') =>
    agent.publish({
      type: 'customer.task.completed',
      source,
      subject: taskId,
      data: {
        taskId,
        organisationId,
        agentId: 'seo',
        taskType: 'seo.audit',
        deliverables: [{ name: 'audit.md', mediaType: 'text/markdown', encoding: 'utf8', content: '# Audit' }],
        summary: 'audited a page: 3 problems',
        model: null,
      },
    });

  const hooksFor = (taskId: string) => hooks.filter((h) => h.body.includes(taskId));
  const mailsFor = (taskId: string) => smtp.mails.filter((m) => m.text.includes(taskId));

  it('Given a completed task delivered twice, then the requester and those who chose every task hear once by mail, the webhook once, signed', async () => {
    const org = await organisation({
      webhook: true,
      members: [
        { name: 'Ada' },
        { name: 'Bob', choice: 'all' },
        { name: 'Cy' },
        { name: 'Dee', choice: 'none' },
        { name: 'Eve', choice: 'all', verified: false },
      ],
    });
    const taskId = await task(org.id, org.members.Ada?.id);
    const event = await completed(taskId, org.id);
    await agent.eventually(async () => {
      expect(hooksFor(taskId)).toHaveLength(1);
      expect(mailsFor(taskId)).toHaveLength(2);
    });
    // The bus delivers the same event again (a runtime died before its ack): nothing goes out again.
    await agent.publish({ ...event, source: event.source });
    const marker = await task(org.id, org.members.Ada?.id);
    await completed(marker, org.id);
    await agent.eventually(async () => expect(hooksFor(marker)).toHaveLength(1));
    expect(hooksFor(taskId)).toHaveLength(1);
    expect(
      mailsFor(taskId)
        .map((m) => m.to)
        .sort(),
    ).toEqual([org.members.Ada?.email, org.members.Bob?.email].sort());

    const [hook] = hooksFor(taskId);
    expect(hook?.headers['x-wow-event']).toBe('customer.task.completed');
    expect(hook?.headers['x-wow-delivery']).toBe(`${taskId}:done`);
    expect(JSON.parse(hook?.body ?? '{}')).toEqual({
      type: 'customer.task.completed',
      data: {
        taskId,
        organisationId: org.id,
        agentId: 'seo',
        taskType: 'seo.audit',
        state: 'done',
        summary: 'audited a page: 3 problems',
        link: `${publicUrl}/api/tasks/${taskId}`,
      },
    });
    const mail = mailsFor(taskId).find((m) => m.to === org.members.Ada?.email);
    expect(mail?.subject).toBe('Done: your seo.audit task for seo');
    expect(mail?.text).toContain(`The task: ${publicUrl}/api/tasks/${taskId}`);
    expect(mail?.text).toContain('audited a page: 3 problems');
    expect(mail?.text).toContain(`change it at ${publicUrl}/orgs/org-`);
  });

  it('Given a webhook that fails once, when the bus retries, then only the webhook is sent again and the mail stays single', async () => {
    const org = await organisation({ webhook: true, members: [{ name: 'Fay' }] });
    const taskId = await task(org.id, org.members.Fay?.id);
    failNextHook = true;
    await agent.publish({
      type: 'customer.task.failed',
      source: 'urn:wow:agent:seo',
      subject: taskId,
      data: {
        taskId,
        organisationId: org.id,
        agentId: 'seo',
        code: 'WOW_ERR_TASK_FAILED',
        reason: 'The page was empty.',
      },
    });
    await agent.eventually(async () => {
      expect(hooksFor(taskId)).toHaveLength(1);
      expect(mailsFor(taskId)).toHaveLength(1);
    });
    expect(failNextHook).toBe(false);
    expect(hooksFor(taskId)[0]?.headers['x-wow-delivery']).toBe(`${taskId}:failed`);
    expect(mailsFor(taskId)[0]?.subject).toBe('Failed: your seo.audit task for seo');
  });

  it('Given a task sent with an API key (no requester), when it needs input, then only the members who chose every task hear', async () => {
    const org = await organisation({ webhook: false, members: [{ name: 'Gus' }, { name: 'Hal', choice: 'all' }] });
    const taskId = await task(org.id);
    await agent.publish({
      type: 'customer.task.needs_input',
      source: 'urn:wow:agent:seo',
      subject: taskId,
      data: { taskId, organisationId: org.id, agentId: 'seo', question: 'Which page?\nBcc: evil@example.com' },
    });
    await agent.eventually(async () => expect(mailsFor(taskId)).toHaveLength(1));
    const [mail] = mailsFor(taskId);
    expect(mail?.to).toBe(org.members.Hal?.email);
    expect(mail?.subject).toBe('Needs your input: your seo.audit task for seo');
    expect(mail?.text).toContain('Which page? Bcc: evil@example.com');
  });

  it('Given an outcome from another source or about another organisation’s task, when it arrives, then nobody is told', async () => {
    const org = await organisation({ webhook: true, members: [{ name: 'Ida', choice: 'all' }] });
    const other = await organisation({ webhook: false, members: [] });
    const forged = await task(org.id);
    const foreign = await task(org.id);
    await completed(forged, org.id, 'urn:wow:agent:content');
    await completed(foreign, other.id);
    const marker = await task(org.id);
    await completed(marker, org.id);
    await agent.eventually(async () => expect(hooksFor(marker)).toHaveLength(1));
    expect(hooksFor(forged)).toHaveLength(0);
    expect(hooksFor(foreign)).toHaveLength(0);
    expect(mailsFor(forged)).toHaveLength(0);
    expect(mailsFor(foreign)).toHaveLength(0);
  });
});

describe('the task notice mail', () => {
  it('keeps an agent’s words and names on one line of their own, bounded', () => {
    const mail = taskNoticeMail(
      {
        taskId: randomUUID(),
        organisationId: randomUUID(),
        agentId: 'seo',
        state: 'failed',
        code: 'X',
        reason: `Broken\r\n\r\nClick http://evil.example ${'x'.repeat(2000)}`,
      },
      { taskType: 'seo.audit', organisation: 'Acme\nSubject: hi', recipient: 'Ada\r\nBcc: x' },
      { task: 'https://app.example/api/tasks/1', choices: 'https://app.example/orgs/acme' },
    );
    expect(mail.body.split('\n')).toEqual([
      'Hello Ada Bcc: x,',
      '',
      'About the seo.audit task for seo of Acme Subject: hi:',
      'It could not be done. The agent said:',
      '',
      `Broken Click http://evil.example ${'x'.repeat(1000 - 'Broken Click http://evil.example '.length - 1)}…`,
      '',
      'The task: https://app.example/api/tasks/1',
      '',
      'You get this because you sent the task or chose to hear of every task; change it at https://app.example/orgs/acme',
    ]);
  });
});
