import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { githubEvent, type GitHubDelivery } from '../../github/github-event.ts';
import type { GitHubClient, GitHubPort } from '../../github/github-port.ts';
import { createIdentity } from '../../identity/create-identity.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { createAgentHost, type AgentHost, type AgentHostOptions } from '../create-agent-host.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';

// Agents written the way an agent's author writes them (src/index.ts importing #platform),
// in a checkout of their own, hosted by the real host over the in-process bus.
const manifest = (id: string, extra: string) =>
  `id: ${id}\nname: ${id}\nversion: 1.0.0\ndescription: A test agent.\n${extra}`;

// Reaches for GitHub, through the delivery's client and the App's, and for the model.
const reachingAgent = `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'github.issues.*': {
      async handle(ctx) {
        const codes = [];
        for (const attempt of [
          () => ctx.github?.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' }),
          () => ctx.githubApp?.forRepository('o', 'r').then((c) => c.paginate('GET /repos/{owner}/{repo}/issues', { owner: 'o', repo: 'r' })),
          () => ctx.llm?.complete({ system: 's', user: 'u' }),
        ])
          codes.push(await Promise.resolve(attempt()).then(() => 'allowed', (err) => err.code));
        return { codes, model: ctx.llm?.model ?? null };
      },
    },
  },
});
`;

const agents: Record<string, Record<string, string>> = {
  // Typed handlers, settings from its own variables, state from setup, events in a transaction.
  ledger: {
    'agent.yml': manifest(
      'ledger',
      'wakesOn: [test.entry.added, test.entry.failing]\nemits: [test.entry.recorded]\nmaxAttempts: 2\n',
    ),
    'src/index.ts': `import { z } from 'zod';
import { defineAgent } from '#platform';

export default defineAgent({
  settings: z.object({ prefix: z.string().default('entry'), limit: z.coerce.number().int().positive() }),
  setup(ctx) {
    return { seen: [] as string[], settings: ctx.settings, hasConfig: 'config' in ctx, stopped: [] as string[] };
  },
  on: {
    'test.entry.added': {
      input: z.object({ amount: z.coerce.number(), note: z.string() }),
      async handle(ctx, data) {
        ctx.state.seen.push(\`\${ctx.settings.prefix}:\${data.note}:\${data.amount + 1}\`);
        await ctx.once(ctx.delivery.eventId, async (tx) => {
          await ctx.emit({ type: 'test.entry.recorded', data: { note: data.note } }, { tx });
          if (data.note === 'roll back') throw new Error('rolled back on purpose');
        });
        const registry = (await ctx.agents()).map((a) => \`\${a.id} \${a.status}\`);
        return { seen: ctx.state.seen, hasConfig: 'config' in ctx, delivery: ctx.delivery, registry };
      },
    },
    'test.entry.failing': {
      async handle(ctx) {
        ctx.state.seen.push(\`attempt \${ctx.delivery.attempt} last \${ctx.delivery.isLastAttempt}\`);
        throw new Error('fails every time');
      },
    },
  },
  async stop(state) {
    state.stopped.push('stopped');
    (globalThis as { ledgerStopped?: unknown }).ledgerStopped = state;
  },
});
`,
  },
  // Emits what it does not declare, directly and through the outbox.
  sloppy: {
    'agent.yml': manifest('sloppy', 'wakesOn: [test.sloppy.go]\nemits: [test.sloppy.done]\nmaxAttempts: 1\n'),
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'test.sloppy.go': {
      async handle(ctx, data) {
        const how = (data as { how: string }).how;
        if (how === 'direct') await ctx.emit({ type: 'test.sloppy.invented', data: {} });
        else await ctx.once(ctx.delivery.eventId, (tx) => ctx.emit({ type: 'test.sloppy.invented', data: {} }, { tx }));
      },
    },
  },
});
`,
  },
  // A GitHub delivery: ctx.github is the installation's client, limited to its capabilities.
  hub: {
    'agent.yml': manifest(
      'hub',
      'wakesOn: [github.issues.*]\ncapabilities: [github:issues:write, github:contents:read]\n',
    ),
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'github.issues.*': {
      async handle(ctx) {
        return { client: (ctx.github as unknown as { name?: string } | undefined)?.name ?? null };
      },
    },
  },
});
`,
  },
  // Declares no capability, then reaches for GitHub and the model anyway.
  nosy: {
    'agent.yml': manifest('nosy', 'wakesOn: [github.issues.*]\n'),
    'src/index.ts': reachingAgent,
  },
  // A declared schedule, failing once, then fine.
  sweeper: {
    'agent.yml': manifest('sweeper', 'wakesOn: [test.sweeper.unused]\n'),
    'src/index.ts': `import { defineAgent } from '#platform';

const runs = ((globalThis as { sweeperRuns?: string[] }).sweeperRuns ??= []);
export default defineAgent({
  setup: () => ({ failOnce: true }),
  on: { 'test.sweeper.unused': { async handle() {} } },
  every: {
    sweep: {
      interval: 300,
      async handle(ctx) {
        runs.push(ctx.schedule.dueAt.toISOString());
        if (ctx.state.failOnce && runs.length === 1) throw new Error('the first sweep fails');
      },
    },
  },
});
`,
  },
  // Of no tier (so Custom): the model is its tier's, GitHub needs an approver.
  reacher: {
    'agent.yml': manifest('reacher', 'wakesOn: [github.issues.*]\ncapabilities: [llm:complete, github:issues:write]\n'),
    'src/index.ts': reachingAgent,
  },
  // Takes the platform's remedies (ctx.platform): a redrive it declares, beyond its tier, and a rollback it does not.
  remedier: {
    'agent.yml': manifest(
      'remedier',
      'tier: Platform CoE\nwakesOn: [test.remedy.asked]\ncapabilities: [platform:bus:redrive]\n',
    ),
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: {
    'test.remedy.asked': {
      async handle(ctx) {
        const why = { reason: 'a test asks', incident: ctx.delivery.eventId };
        const outcomes = [];
        for (const attempt of [() => ctx.platform.redrive('ledger', why), () => ctx.platform.rollback('ledger', why)])
          outcomes.push(await attempt().then((done) => done, (err) => err.code));
        return outcomes;
      },
    },
  },
});
`,
  },
  // A schedule its operator tunes: the interval comes from its settings, 0 turning it off.
  tuned: {
    'agent.yml': manifest('tuned', 'wakesOn: [test.tuned.unused]\n'),
    'src/index.ts': `import { z } from 'zod';
import { defineAgent } from '#platform';

const runs = ((globalThis as { tunedRuns?: string[] }).tunedRuns ??= []);
export default defineAgent({
  settings: z.object({ sweepMs: z.coerce.number().int() }),
  on: { 'test.tuned.unused': { async handle() {} } },
  every: {
    sweep: {
      interval: (settings) => settings.sweepMs,
      async handle(ctx) {
        runs.push(ctx.schedule.name);
      },
    },
  },
});
`,
  },
  // Written for the first agent model: one handle(ctx, event) for every type.
  legacy: {
    'agent.yml': manifest('legacy', 'wakesOn: [test.legacy.asked]\n'),
    'src/index.ts': `export default { async handle() { return 'v1'; } };
`,
  },
  // One wide pattern handles every GitHub type it wakes on, patterns included.
  wide: {
    'agent.yml': manifest('wide', 'wakesOn: [github.pull_request.*, github.issue_comment.created]\n'),
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({ on: { 'github.*': { async handle(ctx) { return ctx.delivery.type; } } } });
`,
  },
  // Its migrations create a table its manifest does not list, and it lists one none creates.
  unstored: {
    'agent.yml': manifest('unstored', 'wakesOn: [test.unstored.asked]\nstores: [unstored_notes, unstored_archive]\n'),
    'migrations/0001_unstored_tables.sql':
      '-- create table unstored_comment (a int);\ncreate table unstored_notes (id text);\ncreate table if not exists unstored_tags (id text);\n',
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({ on: { 'test.unstored.asked': { async handle() {} } } });
`,
  },
  // Its code does not handle what its manifest wakes it on.
  mismatched: {
    'agent.yml': manifest('mismatched', 'wakesOn: [test.mismatch.a, test.mismatch.b]\n'),
    'src/index.ts': `import { defineAgent } from '#platform';

export default defineAgent({
  on: { 'test.mismatch.a': { async handle() {} }, 'test.mismatch.c': { async handle() {} } },
});
`,
  },
};

let checkout: string;
beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), 'wow-agent-model-'));
  await makeCheckout(checkout);
  for (const [id, files] of Object.entries(agents)) await writeAgent(checkout, id, files);
});
afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
});

const config = loadConfig({ HEARTBEAT_INTERVAL_MS: '100', HEARTBEAT_TIMEOUT_MS: '300', BUS_MAX_ATTEMPTS: '5' });
const event = (type: string, data: unknown = {}) => createEvent({ type, data, source: 'urn:wow:test' });

describe.each(storeBackends('agent-model', { poolMax: 4 }))('the agent model on $name', (backend) => {
  let db: TestStore;
  const open: { host: AgentHost; bus: Bus }[] = [];
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.close();
  });
  afterEach(async () => {
    for (const { host, bus } of open.splice(0)) {
      await host.stop({ timeoutMs: 1000 });
      await bus.close();
    }
  });

  async function host(ids: string[], extra: Partial<AgentHostOptions> = {}, bus?: Bus) {
    const b =
      bus ?? (await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50 }));
    const h = await createAgentHost({
      config,
      bus: b,
      store: db.store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: join(checkout, 'agents'),
      ids,
      env: { LEDGER_LIMIT: '3' },
      ...extra,
    });
    await h.start();
    open.push({ host: h, bus: b });
    return { host: h, bus: b };
  }

  it('hands each handler its data parsed once by its own schema, its settings and the state setup built, never the Config', async () => {
    const { bus } = await host(['ledger']);
    const reply = await bus.request<{
      seen: string[];
      hasConfig: boolean;
      delivery: { attempt: number; isLastAttempt: boolean };
      registry: string[];
    }>(event('test.entry.added', { amount: '41', note: 'rent' }), { timeoutMs: 5000 });
    expect(reply.seen).toEqual(['entry:rent:42']);
    // The registry as the platform judges liveness: the agent itself, working on this very event.
    expect(reply.registry).toContain('ledger Working');
    expect(reply.hasConfig).toBe(false);
    expect(reply.delivery).toMatchObject({ attempt: 1, isLastAttempt: false });
  });

  it("calls the last attempt by the agent's own maxAttempts, not the bus's, and stops with the state setup built", async () => {
    const { host: h, bus } = await host(['ledger']);
    await bus.publish(event('test.entry.failing'));
    await eventually(async () => (await bus.deadLetters.list({ group: 'ledger' })).length === 1, 'the dead letter');
    open.splice(0);
    await h.stop({ timeoutMs: 1000 });
    await bus.close();
    const state = (globalThis as { ledgerStopped?: { seen: string[]; stopped: string[] } }).ledgerStopped;
    expect(state?.seen).toEqual(['attempt 1 last false', 'attempt 2 last true']);
    expect(state?.stopped).toEqual(['stopped']);
  });

  it('writes events given a transaction to the outbox: they leave only when it commits', async () => {
    await db.store.query('delete from outbox');
    const { bus } = await host(['ledger']);
    await bus.request(event('test.entry.added', { amount: 1, note: 'kept' }), { timeoutMs: 5000 });
    await bus.publish(event('test.entry.added', { amount: 1, note: 'roll back' }));
    const outbox = async () =>
      (await db.store.query<{ n: number }>('select count(*)::int as n from outbox')).rows[0]?.n;
    // No relay runs here: the committed event waits in the outbox, the rolled-back one never got there.
    await eventually(
      async () => (await bus.deadLetters.list({ group: 'ledger' })).length > 0,
      'the rolled-back one given up',
    );
    expect(await outbox()).toBe(1);
    const rows = await db.store.query<{ event: { type: string; source: string; data: unknown } }>(
      'select event from outbox',
    );
    expect(rows.rows[0]?.event).toMatchObject({
      type: 'test.entry.recorded',
      source: 'urn:wow:agent:ledger',
      data: { note: 'kept' },
    });
    await db.store.query('delete from outbox');
  });

  it('rejects an undeclared event, published or through the outbox, and dead-letters it at once', async () => {
    const { bus } = await host(['sloppy']);
    await bus.publish(event('test.sloppy.go', { how: 'direct' }));
    await bus.publish(event('test.sloppy.go', { how: 'outbox' }));
    await eventually(async () => (await bus.deadLetters.list({ group: 'sloppy' })).length === 2, 'two dead letters');
    for (const letter of await bus.deadLetters.list({ group: 'sloppy' }))
      expect(letter.error).toMatchObject({ code: 'WOW_ERR_EVENT_UNDECLARED' });
    const outbox = await db.store.query<{ n: number }>('select count(*)::int as n from outbox');
    expect(outbox.rows[0]?.n).toBe(0);
  });

  it("types a GitHub handler's payload as GitHub describes the event, and checks its envelope", () => {
    expectTypeOf<GitHubDelivery<'issues.opened'>['payload']['issue']['number']>().toEqualTypeOf<number>();
    expectTypeOf<GitHubDelivery<'pull_request.opened'>['payload']['action']>().toEqualTypeOf<'opened'>();
    const schema = githubEvent<'issues.opened'>();
    expect(
      schema.safeParse({ name: 'issues', id: 'd-1', installationId: 7, payload: { action: 'opened' } }).success,
    ).toBe(true);
    expect(schema.safeParse({ name: 'issues', payload: 'not an object' }).success).toBe(false);
  });

  it("gives a GitHub delivery's handler that installation's client, with only the permissions it declares", async () => {
    const asked: number[] = [];
    const permissions: unknown[] = [];
    const github: GitHubPort = {
      forInstallation: (id) => {
        asked.push(id);
        return { name: `installation ${id}` } as unknown as GitHubClient;
      },
      forRepository: () => Promise.reject(new Error('not asked')),
      withPermissions: (subset) => {
        permissions.push(subset);
        return github;
      },
    };
    const { bus } = await host(['hub'], { github });
    const reply = await bus.request(
      event('github.issues.opened', {
        name: 'issues',
        id: 'd-1',
        installationId: 77,
        payload: { action: 'opened', installation: { id: 77 } },
      }),
      {
        timeoutMs: 5000,
      },
    );
    expect(reply).toEqual({ client: 'installation 77' });
    expect(asked).toEqual([77]);
    expect(permissions).toEqual([{ issues: 'write', contents: 'read' }]);
    expect(
      await bus.request(event('github.issues.closed', { name: 'issues', id: 'd-2', payload: { action: 'closed' } }), {
        timeoutMs: 5000,
      }),
    ).toEqual({
      client: null,
    });
  });

  it('refuses GitHub and the model to an agent that declares neither, by name, and counts each refusal', async () => {
    const installationClients: number[] = [];
    const github: GitHubPort = {
      forInstallation: (id) => {
        installationClients.push(id);
        return { name: `installation ${id}` } as unknown as GitHubClient;
      },
      forRepository: () => Promise.reject(new Error('not asked')),
      withPermissions: () => github,
    };
    let completions = 0;
    const llm = {
      model: 'double-model',
      complete: () => {
        completions++;
        return Promise.resolve('an answer');
      },
    };
    const metrics = createMetrics({ defaultMetrics: false });
    const { bus } = await host(['nosy'], { github, llm, metrics });
    const reply = await bus.request(
      event('github.issues.opened', { name: 'issues', id: 'd-9', installationId: 5, payload: { action: 'opened' } }),
      { timeoutMs: 5000 },
    );
    expect(reply).toEqual({
      codes: ['WOW_ERR_CAPABILITY_MISSING', 'WOW_ERR_CAPABILITY_MISSING', 'WOW_ERR_CAPABILITY_MISSING'],
      model: 'double-model',
    });
    expect(installationClients).toEqual([]);
    expect(completions).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString('wow_security_violations_total')).toContain(
      'kind="capability_missing"} 3',
    );
  });

  it('withholds from the context what the live credential withholds: a capability beyond the tier nobody approved', async () => {
    const requests: string[] = [];
    const record = (route: string) => Promise.resolve(void requests.push(route));
    const client = { request: record, paginate: record } as unknown as GitHubClient;
    const github: GitHubPort = {
      forInstallation: () => client,
      forRepository: () => Promise.resolve(client),
      withPermissions: () => github,
    };
    const llm = { model: 'double-model', complete: () => Promise.resolve('an answer') };
    const identity = await createIdentity({
      settings: loadConfig({ IDENTITY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') }).identity,
      store: db.store,
      log: quietLog,
    });
    const ask = (b: Bus) =>
      b.request(
        event('github.issues.opened', { name: 'issues', id: 'd-1', installationId: 5, payload: { action: 'opened' } }),
        { timeoutMs: 5000 },
      );
    // With credentials (the bus signs): GitHub is withheld, by name; the model is its tier's.
    const signed = await host(['reacher'], { github, llm, identity, signed: true });
    expect(await ask(signed.bus)).toEqual({
      codes: ['WOW_ERR_CAPABILITY_WITHHELD', 'WOW_ERR_CAPABILITY_WITHHELD', 'allowed'],
      model: 'double-model',
    });
    expect(requests).toEqual([]);
    await signed.host.stop({ timeoutMs: 1000 });
    // Without signing there is no credential to read: the manifest is the grant.
    const unsigned = await host(['reacher'], { github, llm });
    expect(await ask(unsigned.bus)).toEqual({ codes: ['allowed', 'allowed', 'allowed'], model: 'double-model' });
    expect(requests).toEqual(['GET /repos/{owner}/{repo}', 'GET /repos/{owner}/{repo}/issues']);
  });

  it('gives ctx.platform the remedies its capabilities grant, each withheld until an approver approves it', async () => {
    const identity = await createIdentity({
      settings: loadConfig({ IDENTITY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') }).identity,
      store: db.store,
      log: quietLog,
    });
    // The same master key as the other signed host of this file: the platform's keys are sealed under it.
    const ask = (b: Bus) => b.request(event('test.remedy.asked'), { timeoutMs: 5000 });
    // With credentials: platform:bus:redrive is beyond every tier, so withheld by name; rollback is not declared at all.
    const signed = await host(['remedier'], { identity, signed: true });
    expect(await ask(signed.bus)).toEqual(['WOW_ERR_CAPABILITY_WITHHELD', 'WOW_ERR_CAPABILITY_MISSING']);
    await signed.host.stop({ timeoutMs: 1000 });
    // The manifest as the grant: the redrive runs (nothing dead-lettered for ledger), and is audited.
    const unsigned = await host(['remedier']);
    expect(await ask(unsigned.bus)).toEqual([{ redriven: 0, ids: [] }, 'WOW_ERR_CAPABILITY_MISSING']);
    const { rows } = await db.store.query<{ action: string; outcome: string }>(
      "select action, outcome from platform_actions where agent_id = 'remedier' order by id",
    );
    expect(rows.map((r) => `${r.action} ${r.outcome}`)).toEqual([
      'redrive refused',
      'rollback refused',
      'redrive done',
      'rollback refused',
    ]);
  });

  it('runs a declared schedule once per interval across runtimes, and goes on after a failed run', async () => {
    const runs = ((globalThis as { sweeperRuns?: string[] }).sweeperRuns ??= []);
    runs.length = 0;
    const shared = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
    await host(['sweeper'], { instanceId: 'one' }, shared);
    await host(['sweeper'], { instanceId: 'two' }, shared);
    await eventually(() => runs.length >= 4, 'four sweeps');
    // Each due time ran once, whichever runtime took it.
    expect(new Set(runs).size).toBe(runs.length);
    const row = await db.store.query<{ failures: number; last_error: string | null }>(
      "select failures, last_error from agent_schedules where agent_id = 'sweeper' and name = 'sweep'",
    );
    expect(row.rows[0]).toEqual({ failures: 0, last_error: null });
  });

  it("reads a tuned schedule's interval from its settings: 0 turns it off, too short is refused at start", async () => {
    const runs = ((globalThis as { tunedRuns?: string[] }).tunedRuns ??= []);
    runs.length = 0;
    await host(['tuned'], { env: { TUNED_SWEEP_MS: '0' } });
    const off = await db.store.query("select 1 from agent_schedules where agent_id = 'tuned'");
    expect(off.rowCount).toBe(0);
    const tooShort: unknown = await host(['tuned'], { env: { TUNED_SWEEP_MS: '50' } }).catch((e: unknown) => e);
    expect(isWowError(tooShort, 'WOW_ERR_AGENT_ENTRY')).toBe(true);
    expect((tooShort as Error).message).toContain(
      'every.sweep.interval must be milliseconds, at least 100 (or 0: off); got 50',
    );
    await host(['tuned'], { env: { TUNED_SWEEP_MS: '200' } });
    await eventually(() => runs.length >= 2, 'two tuned sweeps');
    expect(runs[0]).toBe('sweep');
  });

  it('takes a wider pattern as the handler of every type and pattern under it', async () => {
    const { bus } = await host(['wide']);
    expect(await bus.request(event('github.pull_request.opened'), { timeoutMs: 5000 })).toBe(
      'github.pull_request.opened',
    );
    expect(await bus.request(event('github.issue_comment.created'), { timeoutMs: 5000 })).toBe(
      'github.issue_comment.created',
    );
  });

  it('refuses at start an agent whose handlers and manifest disagree, naming both sides', async () => {
    const err: unknown = await host(['mismatched']).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_AGENT_ENTRY')).toBe(true);
    expect((err as Error).message).toContain('wakes it on "test.mismatch.b" but `on` has no handler');
    expect((err as Error).message).toContain(
      '`on` handles "test.mismatch.c" but agent.yml\'s wakesOn does not list it',
    );
  });

  it('refuses at start an agent written for the first model, saying how to move it', async () => {
    const err: unknown = await host(['legacy']).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_AGENT_ENTRY')).toBe(true);
    expect((err as Error).message).toContain('`handle(ctx, event)` and `start` are gone');
  });

  it("refuses at start an agent whose stores are not exactly its migrations' tables, naming them", async () => {
    const err: unknown = await host(['unstored']).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_AGENT_STORES')).toBe(true);
    expect((err as Error).message).toContain('Not listed: unstored_tags.');
    expect((err as Error).message).toContain('Listed but created by no migration: unstored_archive.');
  });

  it('names the variable of a bad setting at start, and never shows its value', async () => {
    const err: unknown = await host(['ledger'], { env: { LEDGER_LIMIT: 'secret-ish' } }).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('LEDGER_LIMIT');
    expect((err as Error).message).not.toContain('secret-ish');
    const missing: unknown = await host(['ledger'], { env: {} }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/LEDGER_LIMIT: .*\(not set\)/);
  });
});
