// The route schemas of GET and POST /api/trials: the OpenAPI document is generated from them,
// and Fastify serializes the answers through them, so nothing unlisted leaks.

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;

const trialSchema = {
  type: 'object',
  required: [
    'id',
    'organisationId',
    'agentId',
    'startedBy',
    'startedAt',
    'endsAt',
    'state',
    'endedAt',
    'firstTaskId',
    'answers',
  ],
  properties: {
    id: text,
    organisationId: text,
    agentId: text,
    startedBy: { ...nullableText, description: 'The member who started it; null when an API key did.' },
    startedAt: text,
    endsAt: { ...text, description: 'Seven days after startedAt.' },
    state: { type: 'string', enum: ['active', 'ended', 'converted'] },
    endedAt: nullableText,
    firstTaskId: { ...nullableText, description: 'The task of the personalised first deliverable.' },
    answers: {
      type: 'object',
      description: 'The business-context questionnaire, as answered.',
      required: ['industry', 'goals', 'audience', 'tone', 'goodResult'],
      properties: { industry: text, goals: text, audience: text, tone: text, goodResult: text },
    },
  },
} as const;

export const trialListResponseSchema = {
  type: 'object',
  required: ['trials'],
  properties: {
    trials: {
      type: 'array',
      description: "The trials of the caller's organisations (a key's: its own), newest first.",
      items: {
        ...trialSchema,
        required: [...trialSchema.required, 'organisation'],
        properties: { ...trialSchema.properties, organisation: { ...text, description: "The organisation's slug." } },
      },
    },
  },
} as const;

export const trialStartedResponseSchema = {
  type: 'object',
  required: ['trial', 'firstTask'],
  properties: {
    trial: trialSchema,
    firstTask: {
      type: ['object', 'null'],
      description:
        'The task of the personalised first deliverable, asked of the agent from the answers (GET /api/tasks/{taskId} ' +
        'follows it); null for an agent without task types.',
      required: ['taskId', 'taskType'],
      properties: { taskId: text, taskType: text },
    },
  },
} as const;
