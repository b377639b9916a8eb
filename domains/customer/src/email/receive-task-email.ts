import { createHash } from 'node:crypto';
import { isWowError, readSql, type Store, type TaskTerms } from '#platform';
import { requestTask, type Entitlement, type TaskAgent } from '../tasks/request-task.ts';

const sql = { sender: readSql(import.meta.url, 'select-mail-sender') };

/** What of an inbound mail a task by email reads (support's parseInboundMail gives it, bounded and cleaned). */
export interface TaskMail {
  messageId: string;
  from: { address: string; name: string | null };
  subject: string;
  text: string;
  recipients: string[];
  autoReply: boolean;
}

/** The answer mailed back: to the member's own verified address for a task, to the sender for a refusal. */
export interface TaskMailReply {
  to: string;
  subject: string;
  body: string;
}

export type TaskMailOutcome =
  /** Nothing answered: an autoresponder wrote it, or it was for no agent. */
  | { did: 'ignored'; why: string }
  /** `replayed`: this Message-ID made the task before (the sender's server delivered it again); no second reply. */
  | { did: 'requested'; taskId: string; agentId: string; replayed: boolean; reply: TaskMailReply | undefined }
  | { did: 'refused'; why: string; reply: TaskMailReply };

export interface TaskMailOptions {
  /** The agents' mail domain: `<agent-id>@<domain>`, or `<agent-id>+<organisation slug>@<domain>`. */
  domain: string;
  agents: ReadonlyMap<string, TaskAgent>;
  entitled: Entitlement;
  /** The origin a reply links the task at (PUBLIC_URL). */
  publicUrl: string;
  now: Date;
}

const localPart = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:\+([a-z0-9][a-z0-9-]{0,62}))?$/;
// What of the customer's own words a reply quotes: one line, bounded.
const quoted = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/**
 * A task sent by mail to an agent's address, made exactly as `POST /api/agents/:id/tasks`
 * makes it (requestTask: the input checked against the type's schema, the entitlement,
 * the outbox), for the organisation of the sender — a member at a verified address, of an
 * organisation entitled to the agent (`+slug` picks one when several are). The subject
 * names the task type (its id or title; else the agent's first), and the mail's text is
 * the type's first required text field. The Message-ID is the Idempotency-Key: a mail
 * delivered again answers the same task. A mail that cannot become a task is refused with
 * why, quoting nothing of it but its subject, cut short.
 *
 * An inbound MX checks no SPF, DKIM or DMARC here, so a From header can be forged: a forged
 * mail can at most spend the organisation's tasks, since the reply and every notice go to
 * the member's own verified address, and deliverables are read signed in only.
 */
export async function receiveTaskEmail(store: Store, mail: TaskMail, opts: TaskMailOptions): Promise<TaskMailOutcome> {
  if (mail.autoReply) return { did: 'ignored', why: 'an automatic mail, never answered' };
  const domain = opts.domain.toLowerCase();
  const address = mail.recipients.find((r) => r.endsWith(`@${domain}`));
  if (address === undefined) return { did: 'ignored', why: `sent to no address @${domain}` };
  const subject = `Re: ${quoted(mail.subject.replace(/^\s*((re|fwd?|aw|sv)\s*:\s*)+/i, ''), 150) || 'your task'}`;
  const refuse = (why: string): TaskMailOutcome => ({
    did: 'refused',
    why,
    reply: { to: mail.from.address, subject, body: refusalText(address, why) },
  });
  const parts = localPart.exec(address.slice(0, address.lastIndexOf('@')));
  const agent = parts?.[1] === undefined ? undefined : opts.agents.get(parts[1]);
  if (parts === null || agent === undefined)
    return refuse(
      `no agent takes tasks at ${quoted(address, 120)}. The marketplace lists the agents and their addresses.`,
    );
  const slug = parts[2];
  const memberships = (
    await store.query<{ user_id: string; email: string; name: string; organisation_id: string; slug: string }>(
      sql.sender,
      [mail.from.address.slice(0, 320)],
    )
  ).rows.filter((m) => slug === undefined || m.slug === slug);
  if (memberships.length === 0)
    return refuse(
      `${quoted(mail.from.address, 120)} is not the verified address of a member of ${
        slug === undefined ? 'an organisation' : `the organisation ${slug}`
      }. Send it from the address you sign in with, once verified.`,
    );
  const entitled = [];
  for (const m of memberships) if ((await opts.entitled(m.organisation_id, agent.id, opts.now)).ok) entitled.push(m);
  const chosen = entitled[0];
  if (chosen === undefined)
    return refuse(
      `none of your organisations has an active trial or subscription for ${agent.id}. Start a trial or subscribe on ${opts.publicUrl}/agents/${agent.id}.`,
    );
  if (entitled.length > 1)
    return refuse(
      `you belong to several organisations that may send tasks to ${agent.id}: send it to ${entitled
        .map((m) => `${agent.id}+${m.slug}@${domain}`)
        .join(' or ')} to say which.`,
    );
  const [type, terms] = taskTypeOf(agent, mail.subject);
  const field = textField(terms);
  if (field === undefined)
    return refuse(`${type} takes no text, so it cannot be sent by mail; use the dashboard or the API.`);
  try {
    const answer = await requestTask(store, {
      organisation: { id: chosen.organisation_id, slug: chosen.slug },
      requestedBy: chosen.user_id,
      agentId: agent.id,
      agent,
      idempotencyKey: `email-${createHash('sha256').update(mail.messageId).digest('hex')}`,
      body: { type, input: { [field]: mail.text } },
      entitled: opts.entitled,
      now: opts.now,
    });
    const link = `${opts.publicUrl}/api/tasks/${answer.task.id}`;
    return {
      did: 'requested',
      taskId: answer.task.id,
      agentId: agent.id,
      replayed: answer.replayed,
      reply: answer.replayed
        ? undefined
        : {
            to: chosen.email,
            subject,
            body: [
              `Hello ${quoted(chosen.name, 100)},`,
              '',
              `${agent.id} has your ${type} task (${terms.title}) for ${chosen.slug}: task ${answer.task.id}.`,
              `Follow it, and download what it delivers, at ${link}`,
              '',
              'You are mailed again when it is done, fails or needs your input, unless you chose otherwise on your organisation’s page.',
            ].join('\n'),
          },
    };
  } catch (err) {
    // The task API's refusals are the customer's to read (an input too long, a Message-ID reused); anything else is ours.
    if (isWowError(err) && err.status < 500) return refuse(quoted(err.message, 600));
    throw err;
  }
}

/** The task type the subject names, by id or title, after any Re:/Fwd:; else the agent's first. */
function taskTypeOf(agent: TaskAgent, subject: string): [string, TaskTerms] {
  const wanted = subject
    .replace(/^\s*((re|fwd?|aw|sv)\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
  const types = Object.entries(agent.tasks);
  const named = types.find(([id, terms]) => id === wanted || terms.title.toLowerCase() === wanted);
  const chosen = named ?? types[0];
  if (chosen === undefined) throw new Error(`agent ${agent.id} takes no tasks`);
  return chosen;
}

/** The input field a mail's text fills: the first required string field, else the first string field. */
function textField(terms: TaskTerms): string | undefined {
  const properties = terms.input.properties as Record<string, { type?: unknown }>;
  const strings = Object.keys(properties).filter((k) => properties[k]?.type === 'string');
  const required = Array.isArray(terms.input.required) ? (terms.input.required as unknown[]) : [];
  return strings.find((k) => required.includes(k)) ?? strings[0];
}

function refusalText(address: string, why: string): string {
  return [
    `Your mail to ${quoted(address, 120)} did not become a task: ${why}`,
    '',
    'Nothing was sent to the agent: send a new mail once it is fixed.',
  ].join('\n');
}
