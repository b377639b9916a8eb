import type { Answers } from '../questionnaire/parse-issue-body.ts';

/** customer.agent.requested's data (domains/customer/model.yml). */
export interface CustomAgentRequest {
  requestId: string;
  organisationId: string;
  organisationSlug: string;
  name: string;
  purpose: string;
  industry?: string | undefined;
  task: { title: string; input: string; output: string; minutesSaved: number };
  link: string;
}

// The id's room: 40 characters in all, the last seven "-" and six of the request's id.
const slugRoom = 33;

/**
 * The agent's id from the customer's name for it, kebab-case, with six characters of the
 * request's id so that two organisations asking for an "Invoice Checker" get two agents.
 */
export function customAgentId(request: Pick<CustomAgentRequest, 'name' | 'requestId'>): string {
  const slug = request.name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, slugRoom)
    .replace(/-+$/, '');
  const suffix = request.requestId.replace(/-/g, '').slice(0, 6);
  return /^[a-z]/.test(slug) ? `${slug}-${suffix}` : `custom-${suffix}`;
}

/** One line, with the questionnaire's separator " - " (title - what you get) made an en dash. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().replace(/ - /g, ' – ');

/**
 * The New-agent questionnaire's answers for an organisation's request: a customer-facing
 * agent of the Custom tier with one task type as the customer described it (the brief as
 * text), private to that organisation. Maintainers read, edit and approve them on the issue
 * before the Factory generates anything (`/factory approve`).
 */
export function requestAnswers(request: CustomAgentRequest): Answers {
  const id = customAgentId(request);
  const task = `${id}.request`;
  return {
    'agent-id': id,
    name: request.name,
    tier: ['Custom'],
    purpose: `${oneLine(request.purpose)}\n- ${oneLine(request.task.title)}: ${oneLine(request.task.output)}`,
    capabilities: ['llm:complete'],
    'service-level': ['within 1 minute'],
    acceptance: [
      `Given a customer.task.requested event for ${task} with a brief`,
      `When the ${oneLine(request.name)} handles it`,
      `Then it emits customer.task.completed with the deliverable`,
    ].join('\n'),
    avatar: '🧩',
    specialty: oneLine(request.task.title).slice(0, 80),
    industries: request.industry === undefined ? 'General' : oneLine(request.industry).replace(/,/g, ' '),
    skills: 'custom-work',
    'price-tier': ['standard'],
    tasks: [
      `${task} minutesSaved=${request.task.minutesSaved} - ${oneLine(request.task.title)} - ${oneLine(request.task.output)}`,
      `brief: text maxLength=20000 - ${oneLine(request.task.input)}`,
    ].join('\n'),
    'private-to': request.organisationId,
  };
}
