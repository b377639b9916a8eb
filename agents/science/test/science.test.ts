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
  performTask(agent, { agentId: 'science', organisationId, taskType, input });

/** An input within each task type's bounds. */
const samples: Record<string, Record<string, unknown>> = {
  'science.convert': {
    quantities: '72 km/h to m/s',
  },
  'science.dimensions': {
    formula: 'F = m * a',
    units: 'm: kg\na: m/s^2',
  },
};

describe('Science Tutor Agent with a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'science', relayOutbox: true, llm: model });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it(
    'Given a customer.task.requested event for science.convert with a list of quantities' +
      ', when the Science Tutor agent handles it' +
      ', then it emits customer.task.completed with the conversions as Markdown and JSON',
    async () => {
      const done = await perform(agent, 'science.convert', samples['science.convert'] ?? {});
      expect(done).toMatchObject({ taskType: 'science.convert', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );

  it(
    "Given a customer.task.requested event for science.dimensions with a formula and its variables' units" +
      ', when the Science Tutor agent handles it' +
      ', then it emits customer.task.completed with the dimensional analysis as Markdown and JSON',
    async () => {
      const done = await perform(agent, 'science.dimensions', samples['science.dimensions'] ?? {});
      expect(done).toMatchObject({ taskType: 'science.dimensions', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );
});

describe('Science Tutor Agent without a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'science', relayOutbox: true });
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
