import type { PaymentProvider } from './payment-provider.ts';

/**
 * The manual driver: the customer pays by bank transfer, so a charge never settles by
 * itself. The invoice stays open until an operator sees the money arrive and runs
 * `wow billing mark-paid <number>` (markInvoicePaid). The embedded start uses it.
 */
export function createManualPayments(): PaymentProvider {
  return {
    name: 'manual',
    // No account elsewhere: the organisation's own id is its reference.
    ensureCustomer: async (org) => `manual:${org.id}`,
    charge: async (request) => ({ status: 'pending', providerRef: `bank-transfer:${request.invoiceId}` }),
  };
}
