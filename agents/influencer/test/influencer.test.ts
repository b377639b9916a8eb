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
  performTask(agent, { agentId: 'influencer', organisationId, taskType, input });

/** An input within each task type's bounds. */
const samples: Record<string, Record<string, unknown>> = {
  'influencer.shortlist': {
    csv: 'handle,followers,following,posts,avg_likes,avg_comments\n@knitwithneha,48200,610,532,1810,92\n',
    top: 5,
    minFollowers: 1000,
  },
};

describe('Influencer Agent with a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'influencer', relayOutbox: true, llm: model });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it(
    'Given a customer.task.requested event for influencer.shortlist with a CSV of accounts' +
      ', when the Influencer agent handles it' +
      ', then it emits customer.task.completed with the ranked shortlist as Markdown, CSV and JSON',
    async () => {
      const done = await perform(agent, 'influencer.shortlist', samples['influencer.shortlist'] ?? {});
      expect(done).toMatchObject({ taskType: 'influencer.shortlist', model: 'stand-in' });
      expect(done.summary).not.toBe('');
      expect(done.deliverables.some((d) => d.content.includes(standInNotes))).toBe(true);
      expect(model.prompts.at(-1)?.system).toContain('The organisation you work for:');
    },
  );
});

describe('Influencer Agent without a model', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ agentsDir, id: 'influencer', relayOutbox: true });
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
