import { newAgentThreshold, type ActivityItem } from '#domains/customer';
import type { CatalogSelection } from './catalog-query.ts';
import type { CatalogEntry } from './live-catalog.ts';

// The JSON answers of /api/catalog and /api/agents/:id, and their schemas: Fastify
// serializes each answer through its schema (nothing unlisted leaks out), and an OpenAPI
// document is generated from them.

const text = { type: 'string' } as const;
const texts = { type: 'array', items: text } as const;
const count = { type: 'integer', minimum: 0 } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const cardProperties = {
  id: text,
  name: text,
  avatar: { type: 'string', description: 'One emoji.' },
  specialty: text,
  industries: texts,
  skills: texts,
  status: { type: 'string', enum: ['Available', 'Working', 'Offline'] },
  rating: {
    type: 'object',
    required: ['mean', 'count'],
    properties: {
      mean: { ...nullableNumber, description: 'The mean of 1–5 ratings, one decimal; null: "New".' },
      count,
    },
  },
  price: {
    type: 'object',
    required: ['tier', 'monthlyPaise', 'currency'],
    properties: {
      tier: { type: 'string', enum: ['basic', 'standard', 'premium'] },
      monthlyPaise: { type: 'integer', description: 'The plan a month, in paise (₹1 = 100 paise).' },
      currency: { type: 'string', enum: ['inr'] },
    },
  },
  tasksCompleted: count,
  url: { type: 'string', description: 'The profile page.' },
} as const;

const cardSchema = { type: 'object', required: Object.keys(cardProperties), properties: cardProperties } as const;

export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: text, message: text },
} as const;

export const catalogResponseSchema = {
  type: 'object',
  required: ['agents', 'total', 'page', 'pages', 'filters'],
  properties: {
    agents: { type: 'array', items: cardSchema },
    total: count,
    page: { type: 'integer', minimum: 1 },
    pages: { type: 'integer', minimum: 1 },
    filters: {
      type: 'object',
      required: ['industries', 'skills'],
      properties: { industries: texts, skills: texts },
      description: 'Every industry and skill a listed agent has: the values industry= and skill= take.',
    },
  },
} as const;

export const profileResponseSchema = {
  type: 'object',
  required: [...cardSchema.required, 'description', 'tasks', 'figures', 'activity'],
  properties: {
    ...cardProperties,
    description: text,
    tasks: {
      type: 'array',
      description: 'The task types customers can send it: its sample deliverables.',
      items: {
        type: 'object',
        required: ['type', 'title', 'description', 'minutesSaved'],
        properties: { type: text, title: text, description: text, minutesSaved: count },
      },
    },
    figures: {
      type: 'object',
      required: ['newThreshold', 'rating', 'retention', 'responseTime', 'tasksCompleted'],
      description: 'From real events. A null value is "New": fewer data points than newThreshold.',
      properties: {
        newThreshold: count,
        rating: cardProperties.rating,
        retention: {
          type: 'object',
          required: ['share', 'renewed', 'decided'],
          properties: { share: nullableNumber, renewed: count, decided: count },
        },
        responseTime: {
          type: 'object',
          required: ['medianMs', 'p95Ms', 'count'],
          properties: { medianMs: nullableNumber, p95Ms: nullableNumber, count },
        },
        tasksCompleted: count,
      },
    },
    activity: {
      type: 'array',
      description: 'Recent anonymised work, newest first.',
      items: { type: 'object', required: ['key', 'summary', 'at'], properties: { key: text, summary: text, at: text } },
    },
  },
} as const;

const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

function cardJson(e: CatalogEntry) {
  const { agent } = e;
  return {
    id: agent.id,
    name: agent.name,
    avatar: agent.avatar,
    specialty: agent.specialty,
    industries: agent.industries,
    skills: agent.skills,
    status: e.status,
    rating: { mean: oneDecimal(e.figures.rating.mean), count: e.figures.rating.count },
    price: { tier: agent.priceTier, monthlyPaise: e.monthlyPaise, currency: 'inr' },
    tasksCompleted: e.figures.tasksCompleted,
    url: `/agents/${agent.id}`,
  };
}

export function catalogJson(
  selection: CatalogSelection,
  page: number,
  filters: { industries: readonly string[]; skills: readonly string[] },
) {
  return { agents: selection.agents.map(cardJson), total: selection.total, page, pages: selection.pages, filters };
}

export function profileJson(e: CatalogEntry, activity: ActivityItem[]) {
  const { figures } = e;
  return {
    ...cardJson(e),
    description: e.agent.description,
    tasks: e.agent.tasks,
    figures: {
      newThreshold: newAgentThreshold,
      rating: { mean: oneDecimal(figures.rating.mean), count: figures.rating.count },
      retention: figures.retention,
      responseTime: figures.responseTime,
      tasksCompleted: figures.tasksCompleted,
    },
    activity,
  };
}
