import { createHash } from 'node:crypto';
import type { Logger, Store } from '#platform';
import { checkEntitlement, subscriptionStatusFrom } from '#domains/commerce';
import { receiveTaskEmail, type Entitlement, type TaskAgent } from '#domains/customer';
import type { SupportSettings } from '#domains/support';
import { createCustomerChannels } from '../../agents/wownotification/src/index.ts';
import type { TaskMailDoor } from '../email/smtp-listener.ts';
import { loadCustomerAgents } from './customer-agents.ts';

export interface TaskMailOptions {
  store: Store;
  /** SUPPORT_TASKS_DOMAIN: the agents' addresses are `<agent-id>@<domain>`. */
  domain: string;
  /** Loads the agents customers send tasks to (loadCustomerAgents), once, at the first mail. */
  agents: () => Promise<ReadonlyMap<string, TaskAgent>>;
  entitled: Entitlement;
  publicUrl: string;
  /** The platform's mail (SMTP_URL); undefined: a refusal is answered in the SMTP dialogue instead (550). */
  sendMail: ((mail: { id: string; to: string; subject: string; body: string }) => Promise<void>) | undefined;
  clock: () => Date;
  log: Logger;
}

/**
 * The SMTP listener's door for tasks by mail: each mail to an agent's address becomes a
 * task (receiveTaskEmail) and is answered by mail with the task's id or why it was refused.
 * The answer's Message-ID comes from the mail's, so a mail delivered twice is answered once.
 */
export function taskMailDoor(opts: TaskMailOptions): TaskMailDoor {
  let agents: Promise<ReadonlyMap<string, TaskAgent>> | undefined;
  return {
    domain: opts.domain,
    async take(mail) {
      const outcome = await receiveTaskEmail(opts.store, mail, {
        domain: opts.domain,
        agents: await (agents ??= opts.agents()),
        entitled: opts.entitled,
        publicUrl: opts.publicUrl,
        now: opts.clock(),
      });
      if (outcome.did === 'ignored') return { code: 250, text: `OK: taken and ignored, ${outcome.why}` };
      if (outcome.did === 'refused' && opts.sendMail === undefined) return { code: 550, text: outcome.why };
      const reply = outcome.reply;
      if (reply !== undefined && opts.sendMail !== undefined) {
        const id = `task-mail-${createHash('sha256').update(mail.messageId).digest('hex').slice(0, 32)}`;
        // The task is made whatever becomes of the answer: its notices follow, and the dashboard shows it.
        await opts
          .sendMail({ id, ...reply })
          .catch((err: unknown) =>
            opts.log.error({ err, messageId: mail.messageId }, 'the answer to a task mail could not be sent'),
          );
      }
      return outcome.did === 'refused'
        ? { code: 250, text: 'OK: refused, answered by mail' }
        : { code: 250, text: `OK: task ${outcome.taskId}` };
    },
  };
}

/**
 * The door as `wow start` opens it for SUPPORT_TASKS_DOMAIN: the agents of AGENTS_DIR, the
 * entitlements the task API checks, and the platform's mail (SMTP_URL) for the answers.
 */
export async function startTaskMail(
  store: Store,
  support: SupportSettings,
  opts: { domain: string; agentsDir: string; publicUrl: string; log: Logger },
): Promise<{ door: TaskMailDoor; close(): void }> {
  const channels = await createCustomerChannels({ smtpUrl: support.smtpUrl, emailFrom: support.emailFrom });
  const door = taskMailDoor({
    store,
    domain: opts.domain,
    agents: () => loadCustomerAgents(opts.agentsDir),
    entitled: (organisationId, agentId, at) =>
      checkEntitlement({ db: store, subscriptionStatus: subscriptionStatusFrom(store) }, organisationId, agentId, at),
    publicUrl: opts.publicUrl.replace(/\/$/, ''),
    sendMail: channels.noticeEmail,
    clock: () => new Date(),
    log: opts.log,
  });
  return { door, close: () => channels.close() };
}
