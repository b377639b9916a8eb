// WowNotification: tells customers and the team what happens on a ticket. It delivers the
// desk's answers to the customer by the ticket's channel (a signed webhook or email), keeps
// each ticket in step with its issue in the support repository from intake on, and brings
// what people do on that issue (comments, /reply, /approve, closing, labels) back to the
// ticket. What needs the desk (a label moving a ticket to L2) goes to WowSupport as an event.
//
// Written on the version-1 model: what it reads (SUPPORT_REPO, the approvers, SMTP_URL, the
// secrets key) is the support configuration the domain and the doors share, which reaches
// an agent only as `ctx.config.support`; a version-2 context carries only `<ID>_*` settings.
import { z } from 'zod';
import { defineAgent, githubDelivery, type AgentContext } from '#platform';
import { createCustomerChannels } from './delivery/customer-channels.ts';
import type { CustomerChannels } from './delivery/deliver-outbound.ts';
import { deliverAnswer } from './handlers/deliver-answer.ts';
import { receiveGitHub } from './handlers/receive-github.ts';
import { syncWithGitHub } from './handlers/sync-with-github.ts';
import { warnPlainSecrets } from './handlers/warn-plain-secrets.ts';

// WowSupport's tests deliver to customers as this agent does (a specialist reads why a delivery failed).
export { createCustomerChannels } from './delivery/customer-channels.ts';
export { deliverOutbound } from './delivery/deliver-outbound.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
const outboundEvent = z.object({ ticketId: z.uuid(), messageId: z.uuid() });

// Per process: one mail transport, made on first use.
let channels: Promise<CustomerChannels> | undefined;
const channelsFor = (ctx: AgentContext) => (channels ??= createCustomerChannels(ctx.config.support));

export default defineAgent({
  input: {
    'support.ticket.*': ticketEvent,
    'support.message.received': ticketEvent,
    'support.message.outbound': outboundEvent,
    'github.*': githubDelivery,
  },
  async start(ctx) {
    await warnPlainSecrets(ctx);
  },
  async handle(ctx, event) {
    if (event.type === 'support.message.outbound') {
      const { ticketId, messageId } = outboundEvent.parse(event.data);
      const delivery = await deliverAnswer(ctx, await channelsFor(ctx), ticketId, messageId);
      if (delivery.did === 'delivered')
        await ctx.emit({
          type: 'support.message.delivered',
          subject: ticketId,
          data: { ticketId, messageId, channel: delivery.channel },
        });
      if (delivery.did === 'stopped' && delivery.tripped === true)
        await ctx.emit({ type: 'support.sync.paused', subject: ticketId, data: { ticketId, reason: delivery.why } });
      return { delivery, sync: await syncWithGitHub(ctx, ticketId) };
    }
    if (event.type.startsWith('github.')) {
      const outcome = await receiveGitHub(ctx, event);
      if (outcome.did === 'ignored') return outcome;
      const ticketId = 'ticketId' in outcome ? outcome.ticketId : outcome.ticket.id;
      // A person moved the ticket by label: the desk brings in the specialist for its new tier.
      if (outcome.did === 'rerouted')
        await ctx.emit({
          type: 'support.ticket.rerouted',
          subject: ticketId,
          data: {
            ticketId,
            tier: outcome.ticket.tier,
            priority: outcome.ticket.priority,
            previousTier: outcome.previous.tier,
          },
        });
      return { ...outcome, sync: await syncWithGitHub(ctx, ticketId) };
    }
    // Any other change to the ticket (opened, a customer's message, answered, escalated,
    // routed, solved): its issue follows. The issue is opened on support.ticket.opened,
    // before any tier has looked at the ticket, and a GitHub failure retries this sync only.
    const { ticketId } = ticketEvent.parse(event.data);
    return syncWithGitHub(ctx, ticketId);
  },
});
