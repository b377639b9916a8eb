// The support domain: customers and their API keys, tickets and their messages, SLA clocks,
// CSAT, drafts awaiting approval, and the intake of tickets by API, web form and email.
// Plain functions over the store; the doors (app/, cli/) and WowSupport import them from
// here, as '#domains/support', never from src/. What they write to the outbox is listed
// in domain.yml.

// Customers, their API keys and webhook secrets (`wow support`, the ticket API, delivery).
export { createCustomer, getCustomer, listCustomers, type Customer } from './src/intake/customers.ts';
export { setCustomerWebhook, webhookUrlProblem } from './src/intake/customer-webhook.ts';
export { authenticateApiKey, issueApiKey, revokeApiKey } from './src/intake/api-keys.ts';
export {
  countPlainWebhookSecrets,
  openWebhookSecret,
  sealPlainWebhookSecrets,
  storedWebhookSecret,
  type StoredWebhookSecret,
  type WebhookSecretColumns,
} from './src/intake/webhook-secrets.ts';
export { urlForLogs } from './src/intake/url-for-logs.ts';
// Signed posts to a customer's webhook: WowNotification's delivery and WowAnalytics' incident notices.
export {
  customerFailureOf,
  postCustomerWebhook,
  signCustomerWebhook,
  verifyCustomerWebhook,
  type CustomerFailure,
} from './src/desk/post-customer-webhook.ts';

// The ticket API and the web form (app/tickets).
export {
  authorizeApiCall,
  readTicket,
  submitMessage,
  submitRating,
  submitTicket,
  type ApiCall,
} from './src/intake/ticket-api.ts';
export type { IntakeAnswer } from './src/intake/idempotency.ts';
export {
  listTickets,
  maxTicketPage,
  readTicketPage,
  ticketPageAt,
  type ListedTicket,
  type SlaState,
  type StoredTicketPage,
  type TicketPage,
} from './src/intake/list-tickets.ts';
export { ticketsVersionSql } from './src/intake/tickets-version.ts';
export { pruneIdempotency } from './src/intake/prune-idempotency.ts';
export type { FieldError } from './src/intake/parse-input.ts';
export type { MessageView, TicketView } from './src/intake/ticket-view.ts';
export { submitWebForm, type WebFormOutcome, type WebFormSettings } from './src/intake/web-form.ts';
export { signSubmission } from './src/intake/form-submission.ts';
export { hostileCharacterProblem, removeHostileCharacters } from './src/intake/hostile-characters.ts';

// Customers' mail (app/email): read, then threaded onto a ticket by its reply address.
export { parseInboundMail, type InboundMail, type MailAttachment } from './src/email/parse-inbound-mail.ts';
export { receiveEmail, type EmailOutcome } from './src/email/receive-email.ts';
export { createReplyToken, pruneReplyTokens, replyAddress } from './src/email/reply-address.ts';

// The desk: tickets and messages, drafts, SLA clocks, CSAT and the desk-wide stop.
export {
  findByChannelId,
  findTicket,
  openTicket,
  receiveCustomerMessage,
  recordDeskMessage,
  setTicketRouting,
  ticketMessages,
  type Message,
  type Priority,
  type Ticket,
  type TicketChannel,
  type Tier,
} from './src/desk/tickets.ts';
export { approveDraft, draftAnswer, lockApprovalGate, waitingDrafts } from './src/desk/drafts.ts';
export { slaClocks, sweepSla, type SlaAlert, type SlaClock, type SlaClockKind } from './src/desk/sla.ts';
export { ticketCsat } from './src/desk/csat.ts';
export { deskFigures, tierFigures, tierTargets, type DeskFigures, type TierFigures } from './src/desk/desk-figures.ts';
export { stripQuotedReply } from './src/desk/strip-quoted-reply.ts';
export {
  cachedKillSwitch,
  deskSettingsTag,
  killSwitch,
  setKillSwitch,
  type KillSwitch,
} from './src/desk/kill-switch.ts';
export { isRecipientVerified } from './src/desk/recipient-verified.ts';

// The domain's error registry: agents raise its codes (a ticket that is not there) as the domain does.
export { errors as supportErrors } from './src/errors.ts';

// The desk's settings (SUPPORT_*), shared by the doors and every agent working on tickets.
export { supportSettings, type SupportSettings } from './src/settings/support-settings.ts';
