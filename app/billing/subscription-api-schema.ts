// The route schemas of GET and POST /api/subscriptions: the OpenAPI document is generated
// from them, and Fastify serializes the answers through them. Money is integer paise.

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const paise = { type: 'integer', description: 'Paise (₹1 = 100 paise).' } as const;
const planId = { type: 'string', enum: ['basic', 'standard', 'premium'] } as const;

const subscriptionSchema = {
  type: 'object',
  required: [
    'id',
    'organisationId',
    'agentId',
    'planId',
    'status',
    'currentPeriodStart',
    'currentPeriodEnd',
    'cancelAtPeriodEnd',
    'creditPaise',
  ],
  properties: {
    id: text,
    organisationId: text,
    agentId: text,
    planId,
    status: { type: 'string', enum: ['active', 'past_due', 'suspended', 'cancelled'] },
    currentPeriodStart: text,
    currentPeriodEnd: text,
    cancelAtPeriodEnd: { type: 'boolean' },
    creditPaise: { ...paise, description: 'Left by a downgrade, taken off the next invoices before tax.' },
  },
} as const;

const invoiceSchema = {
  type: 'object',
  required: [
    'id',
    'number',
    'organisationId',
    'subscriptionId',
    'status',
    'currency',
    'subtotalPaise',
    'taxName',
    'taxBasisPoints',
    'taxPaise',
    'totalPaise',
    'timeZone',
    'issuedAt',
    'paidAt',
    'attempts',
    'nextAttemptAt',
    'failureReason',
    'lines',
    'pdf',
  ],
  properties: {
    id: text,
    number: text,
    organisationId: text,
    subscriptionId: nullableText,
    status: { type: 'string', enum: ['open', 'paid', 'payment_failed', 'void'] },
    currency: { type: 'string', enum: ['inr'] },
    subtotalPaise: paise,
    taxName: text,
    taxBasisPoints: { type: 'integer', description: '1800 = 18%.' },
    taxPaise: paise,
    totalPaise: paise,
    timeZone: { ...text, description: "The customer's zone when it was issued: its dates are shown there." },
    issuedAt: text,
    paidAt: nullableText,
    attempts: { type: 'integer', description: 'Payment attempts so far.' },
    nextAttemptAt: nullableText,
    failureReason: nullableText,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['description', 'amountPaise', 'periodStart', 'periodEnd'],
        properties: { description: text, amountPaise: paise, periodStart: nullableText, periodEnd: nullableText },
      },
    },
    pdf: { ...text, description: 'The invoice as PDF.' },
  },
} as const;

export const subscriptionListResponseSchema = {
  type: 'object',
  required: ['organisation', 'subscriptions', 'plans', 'tax', 'invoices'],
  properties: {
    organisation: { ...text, description: "The organisation's slug." },
    subscriptions: { type: 'array', items: subscriptionSchema },
    plans: {
      type: 'array',
      description: 'The plans each agent for hire is offered on (its tier and above).',
      items: {
        type: 'object',
        required: ['agentId', 'plans'],
        properties: {
          agentId: text,
          plans: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'monthlyPaise'],
              properties: { id: planId, name: text, monthlyPaise: paise },
            },
          },
        },
      },
    },
    tax: {
      type: 'object',
      required: ['name', 'basisPoints'],
      properties: { name: text, basisPoints: { type: 'integer', description: '1800 = 18%.' } },
    },
    invoices: { type: 'array', items: invoiceSchema, description: 'The latest 100, newest first.' },
  },
} as const;

/** A subscription changed (200) or started (201), with the invoice the change issued, if any. */
export const subscriptionChangedResponseSchema = {
  type: 'object',
  required: ['subscription'],
  properties: {
    subscription: subscriptionSchema,
    invoice: { ...invoiceSchema, type: ['object', 'null'], description: 'The invoice the change issued, if any.' },
  },
} as const;
