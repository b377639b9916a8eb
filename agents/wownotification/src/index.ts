// WowNotification: tells customers and the team what happens on a ticket. It delivers the
// desk's answers to the customer by the ticket's channel (a signed webhook or email), keeps
// each ticket in step with its issue in the support repository from intake on, and brings
// what people do on that issue (comments, /reply, /approve, closing, labels) back to the
// ticket. What needs the desk (a label moving a ticket to L2) goes to WowSupport as an event.
// It also alerts the operators: incidents, SLA breaches, failed deploys, security violations
// and approvals waiting become alerts through config/alerts.yml, sent to Slack, by mail and
// as GitHub mentions, de-duplicated, grouped, and escalated until someone acknowledges.
// And it tells organisations when a task completed, failed or needs input (mail, webhook).
import { z } from 'zod';
import { defineAgent } from '#platform';
import { forgetReplyAddresses } from './delivery/forget-reply-addresses.ts';
import { deliverAnswer } from './handlers/deliver-answer.ts';
import { receiveComment, receiveIssue } from './handlers/receive-github.ts';
import { syncWithGitHub } from './handlers/sync-with-github.ts';
import {
  createNotificationState,
  notificationSettings,
  stopNotification,
  type NotificationContext,
} from './notification-settings.ts';
import { incidentResolved } from './incidents/tell-customers-fixed.ts';
import {
  onTaskCompleted,
  onTaskFailed,
  onTaskNeedsInput,
  taskCompleted,
  taskFailed,
  taskNeedsInput,
} from './tasks/tell-task-outcome.ts';
import { issueCommentDelivery, issueEventDelivery } from './sync/github-payloads.ts';
import {
  approvalWaiting,
  deployFailed,
  incidentOpened,
  remedyWaiting,
  slaBreached,
  violation,
} from './alerts/alert-events.ts';
import {
  alertsSchedule,
  onApprovalWaiting,
  onDeployFailed,
  onIncidentOpened,
  onIncidentResolved,
  onRemedyWaiting,
  onSlaBreached,
  onViolation,
} from './alerts/alert-handlers.ts';

// WowSupport's tests deliver to customers as this agent does (a specialist reads why a delivery failed).
export { createCustomerChannels } from './delivery/customer-channels.ts';
export { deliverOutbound } from './delivery/deliver-outbound.ts';
// `wow alerts list|ack` reads and acknowledges operator alerts.
export { ackAlert, listAlerts, type StoredAlert } from './alerts/alert-ledger.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
const outboundEvent = z.object({ ticketId: z.uuid(), messageId: z.uuid() });

// Any other change to the ticket (opened, a customer's message, answered, escalated,
// routed, rerouted, solved): its issue follows. The issue is opened on support.ticket.opened,
// before any tier has looked at the ticket, and a GitHub failure retries this sync only.
const followTicket = (ctx: NotificationContext, { ticketId }: z.infer<typeof ticketEvent>) =>
  syncWithGitHub(ctx, ticketId);

export default defineAgent({
  settings: notificationSettings,
  setup: createNotificationState,
  on: {
    'support.message.outbound': { input: outboundEvent, handle: deliverAnswer },
    'support.ticket.*': { input: ticketEvent, handle: followTicket },
    'support.message.received': { input: ticketEvent, handle: followTicket },
    'github.issue_comment.created': { input: issueCommentDelivery, handle: receiveComment },
    'github.issues.*': { input: issueEventDelivery, handle: receiveIssue },
    'support.incident.resolved': { input: incidentResolved, handle: onIncidentResolved },
    'support.incident.opened': { input: incidentOpened, handle: onIncidentOpened },
    'support.sla.breached': { input: slaBreached, handle: onSlaBreached },
    'security.violation': { input: violation, handle: onViolation },
    'support.incident.remedy_waiting': { input: remedyWaiting, handle: onRemedyWaiting },
    'agent.deploy.failed': { input: deployFailed, handle: onDeployFailed },
    'identity.approval.waiting': { input: approvalWaiting, handle: onApprovalWaiting },
    'customer.task.completed': { input: taskCompleted, handle: onTaskCompleted },
    'customer.task.failed': { input: taskFailed, handle: onTaskFailed },
    'customer.task.needs_input': { input: taskNeedsInput, handle: onTaskNeedsInput },
  },
  every: { alerts: alertsSchedule, replyAddresses: forgetReplyAddresses },
  stop: stopNotification,
});
