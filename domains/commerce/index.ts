// The commerce domain: the customer's side of the marketplace. Its accounts — people,
// their sessions and the single-use tokens mailed to them, organisations (each one the
// support desk's customer, one identity) with owners and members, and operators signed
// in with GitHub — and trials, with the entitlement they and subscriptions give. Plain
// functions over the store; the doors (app/accounts, app/trials) import them from here, as
// '#domains/commerce', never from src/.

// People: sign-up, the mailed links, sign-in, sessions.
export { signUp, type LinkOptions } from './src/accounts/sign-up.ts';
export { verifyEmail } from './src/accounts/verify-email.ts';
export { logIn, loginAccountKey } from './src/accounts/log-in.ts';
export { requestPasswordReset, resetPassword } from './src/accounts/password-reset.ts';
export {
  createSession,
  endSession,
  endUserSessions,
  findSession,
  type Session,
  type SessionSubject,
} from './src/accounts/sessions.ts';
export { getUser, type User } from './src/accounts/users.ts';
export { signedInMember } from './src/accounts/signed-in-member.ts';
export type { AccountMail } from './src/accounts/account-mail.ts';
export type { AccountFieldError } from './src/accounts/account-input.ts';

// Organisations: members, roles, invitations.
export {
  createOrganisation,
  getMembership,
  membersOf,
  organisationsOf,
  requireOwner,
  type Member,
  type Membership,
  type Organisation,
  type Role,
} from './src/organisations/organisations.ts';
export { changeRole, removeMember } from './src/organisations/member-roles.ts';
export { accountVersionSql } from './src/organisations/account-version.ts';
export {
  acceptInvitation,
  inviteByOperator,
  inviteMember,
  readInvitation,
  type Invitation,
} from './src/organisations/invitations.ts';

// Operators: GitHub's web flow, and the team that makes someone an operator.
export { newCodeVerifier, operatorAuthorizeUrl, signInOperator } from './src/operators/operator-sign-in.ts';

// Trials: one free 7-day use of an agent per organisation, its reminders and its end.
export { customerFacingAgent, isCustomerFacing, servesOrganisation } from './src/trials/customer-agents.ts';
export { startTrial, type StartedTrial, type TrialStarter } from './src/trials/start-trial.ts';
export { firstTaskOf, requestFirstTask, type FirstTask } from './src/trials/request-first-task.ts';
export { trialQuestions, type TrialAnswers } from './src/trials/trial-answers.ts';
export { dayOf, findTrial, trialsOf, trialDays, type Trial, type TrialState } from './src/trials/trials.ts';
export { tickTrials, type TrialTick, type TrialTickOptions } from './src/trials/tick-trials.ts';
export { trialFigures, type TrialFigures } from './src/trials/trial-figures.ts';

// Entitlement: whether an organisation may send an agent new work (a trial or a subscription).
export { checkEntitlement, type Entitlement, type EntitlementSources } from './src/entitlements/check-entitlement.ts';
export { subscriptionStatusFrom, type SubscriptionStatusOf } from './src/entitlements/subscription-status.ts';
// Billing: plans priced from config/pricing.yml, subscriptions, invoices (numbered, taxed, as
// PDF), the payment provider port with its manual driver, retries and suspension.
export {
  loadPricing,
  parsePricing,
  planIds,
  plansFor,
  timeZoneSchema,
  type Plan,
  type PlanId,
  type Pricing,
} from './src/billing/pricing.ts';
export type { ChargeRequest, ChargeResult, PaymentProvider } from './src/billing/payment-provider.ts';
export { createManualPayments } from './src/billing/manual-payments.ts';
export {
  allSubscriptions,
  getInvoice,
  listInvoices,
  subscriptionsOf,
  type Invoice,
  type InvoiceLine,
  type InvoiceStatus,
  type Subscription,
  type SubscriptionStatus,
} from './src/billing/billing-records.ts';
export {
  cancelAtPeriodEnd,
  changePlan,
  subscribe,
  type SoldAgent,
  type SubscriptionOutcome,
} from './src/billing/subscriptions.ts';
export { collectInvoice, type BillingTerms } from './src/billing/collect-payment.ts';
export { settleProviderPayment, type ProviderSettlement } from './src/billing/settle-provider-payment.ts';
export { timeZoneOf } from './src/billing/issue-invoice.ts';
export { runBillingCycle, type CycleReport } from './src/billing/billing-cycle.ts';
// The operators' dashboard: MRR and churn.
export { revenueFigures, type RevenueFigures } from './src/billing/revenue-figures.ts';
export { markInvoicePaid } from './src/billing/mark-paid.ts';
export { renderInvoicePdf, type InvoiceParties } from './src/billing/invoice-pdf.ts';
export { addMonths, dayIn } from './src/billing/billing-calendar.ts';
export { rupees, taxOn } from './src/billing/money.ts';
export { errors as billingErrors } from './src/billing/errors.ts';

// The domain's settings (ACCOUNTS_*, GITHUB_CLIENT_ID/SECRET) and its error registry.
export { accountSettings, type AccountSettings, type OperatorSignIn } from './src/settings/commerce-settings.ts';
export { errors as commerceErrors } from './src/errors.ts';

// Billing's Stripe driver: the payment provider port on Stripe (STRIPE_SECRET_KEY), and the
// webhook's handling of payment_intent.succeeded / payment_failed (STRIPE_WEBHOOK_SECRET).
export { createStripePaymentProvider } from './src/billing/stripe/stripe-payment-provider.ts';
export { receiveStripeEvent, type PaymentSettlement } from './src/billing/stripe/stripe-webhook-events.ts';
export { stripeSettings, type StripeApi, type StripeSettings } from './src/billing/stripe/stripe-settings.ts';
export { errors as stripeErrors } from './src/billing/stripe/errors.ts';
