import { listedTicketSchema } from '../tickets/ticket-list-schema.ts';
import type { Dashboard } from './dashboard-data.ts';

// GET /api/dashboard: the page's figures as JSON, and its route schema (Fastify serializes
// the answer through it; the OpenAPI document is generated from it). Money is integer paise.

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const count = { type: 'integer', minimum: 0 } as const;
const paise = { type: 'integer', description: 'Paise (₹1 = 100 paise).' } as const;
const nullablePaise = { type: ['integer', 'null'], description: 'Paise; null: not set.' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const agentSchema = {
  type: 'object',
  required: ['id', 'name', 'listed', 'trial', 'subscription', 'work', 'minutesSaved', 'tasksUrl'],
  properties: {
    id: text,
    name: text,
    listed: { type: 'boolean', description: 'Still in the marketplace.' },
    trial: {
      type: ['object', 'null'],
      required: ['state', 'endsAt', 'daysLeft'],
      properties: { state: { type: 'string', enum: ['active', 'ended', 'converted'] }, endsAt: text, daysLeft: count },
    },
    subscription: {
      type: ['object', 'null'],
      required: ['status', 'planName', 'periodEnd', 'daysLeft', 'cancelAtPeriodEnd'],
      properties: {
        status: { type: 'string', enum: ['active', 'past_due', 'suspended', 'cancelled'] },
        planName: text,
        periodEnd: text,
        daysLeft: count,
        cancelAtPeriodEnd: { type: 'boolean' },
      },
    },
    work: {
      type: 'object',
      required: ['tasksCompleted', 'tasksFailed', 'tasksOpen', 'rating', 'responseTime', 'activeMs'],
      properties: {
        tasksCompleted: count,
        tasksFailed: count,
        tasksOpen: count,
        rating: {
          type: 'object',
          required: ['mean', 'count'],
          properties: { mean: { ...nullableNumber, description: "The organisation's mean 1–5 rating." }, count },
        },
        responseTime: {
          type: 'object',
          required: ['medianMs', 'p95Ms', 'count'],
          properties: { medianMs: nullableNumber, p95Ms: nullableNumber, count },
        },
        activeMs: { ...count, description: 'Time spent on the completed tasks (started→completed), ms.' },
      },
    },
    minutesSaved: count,
    tasksUrl: { type: 'string', description: "The page of the organisation's tasks for this agent." },
  },
} as const;

export const dashboardQuerySchema = {
  type: 'object',
  properties: {
    organisation: {
      type: 'string',
      maxLength: 100,
      description: "With a session: the organisation's slug, when you belong to several.",
    },
  },
} as const;

export const dashboardResponseSchema = {
  type: 'object',
  required: ['organisation', 'timeZone', 'agents', 'roi', 'revenue', 'usage', 'invoices', 'tickets'],
  properties: {
    organisation: {
      type: 'object',
      required: ['slug', 'name', 'role'],
      properties: { slug: text, name: text, role: { type: 'string', enum: ['owner', 'member', 'key'] } },
    },
    timeZone: { type: 'string', description: 'The zone the usage days are counted in.' },
    agents: { type: 'array', items: agentSchema, description: 'Every agent with a trial or subscription.' },
    roi: {
      type: 'object',
      required: ['minutesSaved', 'unestimatedTasks', 'hourlyCostPaise', 'timeValuePaise', 'revenuePaise', 'totalPaise'],
      properties: {
        minutesSaved: { ...count, description: "Σ over completed tasks of their type's minutesSaved." },
        unestimatedTasks: { ...count, description: 'Completed tasks of a type no longer listed: not counted.' },
        hourlyCostPaise: nullablePaise,
        timeValuePaise: { ...nullablePaise, description: 'minutesSaved × hourlyCostPaise / 60, rounded half up.' },
        revenuePaise: paise,
        totalPaise: paise,
      },
    },
    revenue: {
      type: 'array',
      description: 'The latest revenue entries.',
      items: {
        type: 'object',
        required: ['amountPaise', 'note', 'occurredOn'],
        properties: { amountPaise: paise, note: text, occurredOn: text, recordedAt: text },
      },
    },
    usage: {
      type: 'array',
      description: 'The last 30 days, oldest first.',
      items: {
        type: 'object',
        required: ['day', 'tasksCompleted', 'minutesSaved'],
        properties: { day: text, tasksCompleted: count, minutesSaved: count },
      },
    },
    invoices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['number', 'status', 'totalPaise', 'issuedAt', 'pdf'],
        properties: { number: text, status: text, totalPaise: paise, issuedAt: text, paidAt: nullableText, pdf: text },
      },
    },
    tickets: {
      type: 'object',
      required: ['items', 'more'],
      properties: {
        items: { type: 'array', items: listedTicketSchema },
        more: { type: 'boolean', description: 'More tickets than shown: GET /api/tickets pages through them.' },
      },
    },
  },
} as const;

export function dashboardJson(d: Dashboard) {
  const slug = encodeURIComponent(d.viewer.organisation.slug);
  return {
    organisation: { slug: d.viewer.organisation.slug, name: d.viewer.organisation.name, role: d.viewer.role },
    timeZone: d.timeZone,
    agents: d.agents.map((a) => ({
      ...a,
      work: { ...a.work, rating: { mean: a.work.rating.mean, count: a.work.rating.count } },
      tasksUrl: `/dashboard/agents/${encodeURIComponent(a.id)}?organisation=${slug}`,
    })),
    roi: {
      minutesSaved: d.roi.timeSaved.minutes,
      unestimatedTasks: d.roi.timeSaved.unestimated,
      hourlyCostPaise: d.roi.hourlyCostPaise,
      timeValuePaise: d.roi.timeValuePaise,
      revenuePaise: d.roi.revenuePaise,
      totalPaise: d.roi.totalPaise,
    },
    revenue: d.revenue,
    usage: d.usage,
    invoices: d.invoices.map((i) => ({
      ...i,
      pdf: `/api/invoices/${encodeURIComponent(i.number)}.pdf?organisation=${slug}`,
    })),
    tickets: { items: d.tickets.tickets, more: d.tickets.nextCursor !== null },
  };
}
