// The payment provider port: how billing collects an invoice, whoever the provider is. The
// manual driver (bank transfer, manual-payments.ts) and the Stripe driver (stripe/) implement
// it; billing never knows which one it talks to beyond its name.
export interface ChargeRequest {
  invoiceId: string;
  organisationId: string;
  amountPaise: number;
  currency: 'inr';
  description: string;
  idempotencyKey: string;
}
export type ChargeResult =
  | { status: 'paid'; providerRef: string }
  | { status: 'pending'; providerRef: string }
  | { status: 'failed'; providerRef?: string; reason: string; retryable: boolean };
export interface PaymentProvider {
  readonly name: 'manual' | 'stripe';
  /** Makes sure the organisation is a customer of the provider (idempotent); returns its id there. */
  ensureCustomer(org: { id: string; name: string; email: string }): Promise<string>;
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
