import { defineErrors, type CodesOf } from '#platform';

/** Billing's errors: pricing, plans, subscriptions, invoices and payments. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_PRICING: {
    message: 'The pricing file is not valid; fix each problem and start again:\n{problems}',
    retryable: false,
    status: 500,
  },
  WOW_ERR_AGENT_NOT_SOLD: {
    message:
      'There is no customer agent "{agent}" to subscribe to. The marketplace (/agents) lists the agents for hire.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_PLAN_UNKNOWN: {
    message: '"{plan}" is not a plan of {agent}. Its plans: {plans}.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_ALREADY_SUBSCRIBED: {
    message:
      'The organisation subscribes to {agent} already (plan {plan}, status {status}). Change its plan instead of subscribing again.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_SUBSCRIPTION_NOT_FOUND: {
    message: 'The organisation has no subscription to {agent}. Subscribe to it first.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_SUBSCRIPTION_STATE: {
    message: 'The subscription to {agent} is {status}, so it cannot {action}. {fix}',
    retryable: false,
    status: 409,
  },
  WOW_ERR_INVOICE_NOT_FOUND: {
    message: 'There is no invoice {invoice}. `wow billing invoices` lists them.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_INVOICE_SETTLED: {
    message: 'Invoice {number} is {status} already, so nothing was recorded.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_BILLING_INPUT: {
    message: 'The request is not complete: {problems}.',
    retryable: false,
    status: 422,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
