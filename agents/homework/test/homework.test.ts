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
  performTask(agent, { agentId: 'homework', organisationId, taskType, input });

/** An input within each task type's bounds. */
const samples: Record<string, Record<string, unknown>> = {
  'homework.check': {
    answers: '3*(4+2) = 18\n2 + 3*4 = 20',
    tolerance: 0.01,
  },
};

describe('Homework Helper Agent with a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'homework', relayOutbox: true, llm: model });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it(
    'Given a customer.task.requested event for homework.check with a problem set and its answers' +
      ', when the Homework Helper agent handles it' +
      ', then it emits customer.task.completed with the marked problem set as Markdown and JSON',
    async () => {
      const done = await perform(agent, 'homework.check', samples['homework.check'] ?? {});
      expect(done).toMatchObject({ taskType: 'homework.check', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );
});

describe('Homework Helper Agent without a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'homework', relayOutbox: true });
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
