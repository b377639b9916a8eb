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
  performTask(agent, { agentId: 'lead-gen', organisationId, taskType, input });

/** An input within each task type's bounds. */
const samples: Record<string, Record<string, unknown>> = {
  'lead-gen.score': {
    leads:
      'company,industry,employees,country,title\nNorthwind,Logistics,120,UK,Head of Operations\nGlobex,Retail,9000,US,Buyer\n',
    industries: 'Logistics, Manufacturing',
    minEmployees: 50,
    maxEmployees: 500,
    countries: 'GB, Ireland',
    titles: 'Head of Operations',
    industryPoints: 40,
    sizePoints: 20,
    countryPoints: 20,
    titlePoints: 20,
  },
};

describe('Lead Gen Agent with a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'lead-gen', relayOutbox: true, llm: model });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it(
    'Given a customer.task.requested event for lead-gen.score with a leads CSV and an ideal customer profile' +
      ', when the Lead Gen agent handles it' +
      ', then it emits customer.task.completed with the ranked leads as CSV, Markdown and JSON',
    async () => {
      const done = await perform(agent, 'lead-gen.score', samples['lead-gen.score'] ?? {});
      expect(done).toMatchObject({ taskType: 'lead-gen.score', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );
});

describe('Lead Gen Agent without a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'lead-gen', relayOutbox: true });
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
