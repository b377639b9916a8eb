import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../bus/envelope.ts';
import type { ErrorOccurredData } from '../../bus/report-dead-letters.ts';
import { startTestAgent, type TestAgent } from '../../testing/index.ts';
import { makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';

// An agent that, asked, has the platform report a failure rate in a transaction of its own,
// and answers with the refusal's code when it has one.
const reporter = (id: string, capabilities: string) => ({
  'agent.yml': `id: ${id}\nname: ${id}\nversion: 1.0.0\ndescription: Reports failure rates.\ntier: Platform CoE\nwakesOn: [test.report.asked]\ncapabilities: [${capabilities}]\n`,
  'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'test.report.asked': {
      async handle(ctx) {
        const data = ctx.event.data;
        try {
          await ctx.store.transaction((tx) => ctx.reportFailureRate(data, { tx }));
          return { reported: true };
        } catch (err) {
          return { code: err.code };
        }
      },
    },
  },
});
`,
});

let checkout: string;
const agents: TestAgent[] = [];
beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), 'wow-failure-rate-'));
  await makeCheckout(checkout);
  await writeAgent(checkout, 'judge', reporter('judge', 'store:write, errors:report'));
  await writeAgent(checkout, 'pretender', reporter('pretender', 'store:write'));
});
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await rm(checkout, { recursive: true, force: true });
});

const start = async (id: string) => {
  const agent = await startTestAgent({ agentsDir: join(checkout, 'agents'), id, relayOutbox: true });
  agents.push(agent);
  return agent;
};

/** What reached the outbox, and so the bus once the transaction committed. */
const reported = async (agent: TestAgent) =>
  (await agent.store.query<{ event: CloudEvent<ErrorOccurredData> }>('select event from outbox order by id')).rows
    .map((r) => r.event)
    .filter((e) => e.type === 'error.occurred');

describe('ctx.reportFailureRate', () => {
  it('has the platform publish error.occurred (failure_rate) for an agent holding errors:report, bounded', async () => {
    const judge = await start('judge');
    const incidentId = randomUUID();
    const reply = await judge.request({
      type: 'test.report.asked',
      data: {
        agent: 'mailer',
        code: 'WOW_ERR_FAILURE_RATE',
        sample: {
          failed: '40.0% of 20',
          message: `token=s3cr3t ${'x'.repeat(300)}`,
          'Bad Key': 'dropped',
          a: '1',
          b: '2',
          c: '3',
        },
        incidentId,
      },
    });
    expect(reply).toEqual({ reported: true });
    const [event, ...more] = await reported(judge);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ source: 'urn:wow:platform', subject: 'mailer', type: 'error.occurred' });
    expect(event?.data).toMatchObject({
      kind: 'failure_rate',
      agent: 'mailer',
      code: 'WOW_ERR_FAILURE_RATE',
      incidentId,
    });
    // Four plain-named fields at most, each one short line, what looks like a secret masked.
    expect(Object.keys(event?.data.sample ?? {}).sort()).toEqual(['a', 'b', 'failed', 'message']);
    expect(event?.data.sample['message']).toMatch(/^token=\*\*\* x+…$/);
    expect(event?.data.sample['message']?.length).toBe(120);
  });

  it('refuses a bad report in the transaction, leaving nothing to publish', async () => {
    const judge = agents[0] ?? (await start('judge'));
    const before = (await reported(judge)).length;
    const reply = await judge.request({
      type: 'test.report.asked',
      data: { agent: 'Not An Agent', code: 'X', sample: {} },
    });
    expect(reply).toEqual({ code: 'WOW_ERR_EVENT_SCHEMA' });
    expect(await reported(judge)).toHaveLength(before);
  });

  it('refuses an agent without errors:report by name', async () => {
    const pretender = await start('pretender');
    const reply = await pretender.request({
      type: 'test.report.asked',
      data: { agent: 'mailer', code: 'WOW_ERR_FAILURE_RATE', sample: {} },
    });
    expect(reply).toEqual({ code: 'WOW_ERR_CAPABILITY_MISSING' });
    expect(await reported(pretender)).toEqual([]);
  });
});
