// The JSON twin of `/ops`: its response schema, from which the API document is generated and
// with which Fastify serialises (a field missing here would be dropped from the answer).
const text = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const share = { type: ['number', 'null'], minimum: 0, maximum: 1 } as const;
const instant = { type: 'string', format: 'date-time' } as const;

const agentSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'kind',
    'status',
    'version',
    'liveInstances',
    'instances',
    'handled',
    'perHour',
    'errorRate',
    'halted',
    'openIncidents',
  ],
  properties: {
    id: text,
    name: text,
    kind: { type: 'string', enum: ['customer', 'coe'] },
    status: { type: 'string', enum: ['Available', 'Working', 'Offline'] },
    version: text,
    liveInstances: count,
    instances: count,
    handled: { ...count, description: 'Events (tasks among them) handled in the last 24 hours.' },
    perHour: { type: 'number', minimum: 0 },
    errorRate: share,
    halted: { type: ['string', 'null'], enum: ['suspended', 'revoked', null] },
    openIncidents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['openedAt', 'signals', 'issueNumber'],
        properties: {
          openedAt: instant,
          signals: { type: 'array', items: text },
          issueNumber: { type: ['integer', 'null'] },
        },
      },
    },
  },
} as const;

const layerSchema = {
  type: 'object',
  required: ['layer', 'name', 'state', 'why'],
  properties: {
    layer: { type: 'integer', enum: [0, 1, 2, 3] },
    name: text,
    state: { type: 'string', enum: ['healthy', 'degraded', 'down', 'unknown'] },
    why: text,
  },
} as const;

const target = {
  type: 'object',
  required: ['solvedShare', 'responseMinutes'],
  properties: { solvedShare: { type: 'number' }, responseMinutes: { type: 'number' } },
} as const;

export const opsFiguresSchema = {
  type: 'object',
  required: ['at', 'agents', 'layers', 'trials', 'revenue', 'support'],
  properties: {
    at: instant,
    agents: { type: 'array', items: agentSchema },
    layers: { type: 'array', items: layerSchema },
    trials: {
      type: 'object',
      required: ['since', 'started', 'active', 'converted', 'ended', 'conversionRate'],
      properties: {
        since: instant,
        started: count,
        active: count,
        converted: count,
        ended: count,
        conversionRate: share,
      },
    },
    revenue: {
      type: 'object',
      required: ['mrrPaise', 'live', 'pastDue', 'churn'],
      properties: {
        mrrPaise: { ...count, description: 'Monthly recurring revenue before tax, in integer paise (₹1 = 100).' },
        live: count,
        pastDue: count,
        churn: {
          type: 'object',
          required: ['since', 'liveAtStart', 'cancelled', 'rate'],
          properties: { since: instant, liveAtStart: count, cancelled: count, rate: share },
        },
      },
    },
    support: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tier', 'reached', 'solvedHere', 'solvedShare', 'medianResponseMinutes', 'target'],
        properties: {
          tier: { type: 'string', enum: ['L1', 'L2', 'L3'] },
          reached: count,
          solvedHere: count,
          solvedShare: share,
          medianResponseMinutes: { type: ['number', 'null'] },
          target,
        },
      },
    },
  },
} as const;
