import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performTask, standInModel, standInNotes, startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime (the in-process bus, an embedded PostgreSQL), sent tasks as
// the task API sends them, with a stand-in for the model: the model is an outside service,
// the agent is what is tested.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const organisationId = randomUUID();
const model = standInModel();
const perform = (agent: TestAgent, taskType: string, input: Record<string, unknown>) =>
  performTask(agent, { agentId: 'social', organisationId, taskType, input });

/** An input within each task type's bounds. */
const samples: Record<string, Record<string, unknown>> = {
  'social.calendar': {
    posts: 'Our winter sale starts Monday.\nMeet Priya, who runs our Koramangala store.',
    startDate: '2027-01-04',
    weeks: 2,
    timeZone: 'Asia/Kolkata',
    platforms: 'linkedin, x',
    perWeek: 2,
  },
};

describe('Social Media Agent with a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'social', relayOutbox: true, llm: model });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it(
    'Given a customer.task.requested event for social.calendar with posts, a start date and a time zone' +
      ', when the Social Media agent handles it' +
      ', then it emits customer.task.completed with the calendar as iCalendar, Markdown and JSON',
    async () => {
      const done = await perform(agent, 'social.calendar', samples['social.calendar'] ?? {});
      expect(done).toMatchObject({ taskType: 'social.calendar', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );
});

describe('Social Media Agent without a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'social', relayOutbox: true });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it.each(Object.keys(samples))('%s: its tool alone delivers', async (taskType) => {
    const done = await perform(agent, taskType, samples[taskType] ?? {});
    expect(done.model).toBeNull();
    expect(done.deliverables.length).toBeGreaterThan(0);
    expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(false);
  });
});
