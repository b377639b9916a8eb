import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';
import { startTestAgent, type TestAgent } from '../../testing/index.ts';

// An agent that announces a solve, well or badly, in its own transaction: the platform's
// support model says what support.ticket.solved carries (ticketId and why).
const solver = {
  'agent.yml':
    'id: solver\nname: Solver\nversion: 1.0.0\ndescription: Solves tickets.\nwakesOn: [test.solve.requested]\nemits: [support.ticket.solved]\n',
  'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'test.solve.requested': {
      async handle(ctx, data) {
        const { why } = data as { why?: string };
        await ctx.once(ctx.event.id, (tx) =>
          ctx.emit({ type: 'support.ticket.solved', data: { ticketId: 't-1', ...(why === undefined ? {} : { why }) } }, { tx }),
        );
        return 'solved';
      },
    },
  },
});
`,
};

let checkout: string;
let agent: TestAgent;
beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), 'wow-emit-schema-'));
  await makeCheckout(checkout);
  await writeAgent(checkout, 'solver', solver);
  agent = await startTestAgent({ agentsDir: join(checkout, 'agents'), id: 'solver', relayOutbox: true });
}, 60_000);
afterAll(async () => {
  await agent.stop();
  await rm(checkout, { recursive: true, force: true });
});

describe("an agent's events in its transaction, against its domain model", () => {
  it('refuses data the model does not describe before the outbox row is written, and sends what it describes', async () => {
    const refused = await agent.request({ type: 'test.solve.requested', data: {} }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('The data of "support.ticket.solved" does not match its schema in');
    expect((refused as Error).message).toContain('data.why is required and missing');
    const { rows } = await agent.store.query("select 1 from outbox where event->>'type' = 'support.ticket.solved'");
    expect(rows).toEqual([]);

    const sent = await agent.publish({ type: 'test.solve.requested', data: { why: 'the customer said thanks' } });
    const solved = await agent.emitted('support.ticket.solved');
    expect(solved.data).toEqual({ ticketId: 't-1', why: 'the customer said thanks' });
    expect(solved.traceparent?.split('-')[1]).toBe(sent.traceparent?.split('-')[1]);
  });
});
