import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createBus,
  createLogger,
  createMetrics,
  createStore,
  loadConfig,
  migrate,
  type Store,
} from '#platform';
import { sealPlainWebhookSecrets } from '#domains/support';

// Webhook secrets stored in plain text before secrets were sealed stay so until someone
// runs `wow support secrets seal`: each start of the desk says so, once, on the real runtime.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-plain-secrets-'));
  store = await createStore({ dataDir: dir, poolMax: 1, log: createLogger('silent') });
  await migrate(store, { log: createLogger('silent') });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts and stops the desk's agent on the runtime; every line it logged at warn or above, parsed. */
async function startDesk(env: Record<string, string>): Promise<{ msg: string }[]> {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = pino({ level: 'warn' }, capture);
  const config = loadConfig({
    ...env,
    DATA_DIR: dir,
    AGENTS_DIR: agentsDir,
    SUPPORT_SLA_SWEEP_SECONDS: '0',
  });
  const bus = await createBus({
    streamMaxLen: 100,
    defaults: { concurrency: 1, maxAttempts: 1, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
    log,
  });
  const host = await createAgentHost({
    config,
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    agentsDir,
    ids: ['wownotification'],
    // The desk's SUPPORT_* settings, read by the agent as by every reader of the domain.
    env,
  });
  await host.start();
  await host.stop({ timeoutMs: 5_000 });
  await bus.close();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { msg: string });
}

const plainWarnings = (lines: { msg: string }[]) => lines.filter((l) => l.msg.includes('in plain text'));

describe("customers' webhook secrets still in plain text, at start-up", () => {
  it('warns once, naming how many and the command that seals them, and whether SUPPORT_SECRETS_KEY is set', async () => {
    for (const slug of ['oldco', 'olderco'])
      await store.query(
        'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
        [randomUUID(), slug, slug, `https://${slug}.example/hooks`, `secret-of-${slug}`],
      );

    const unset = plainWarnings(await startDesk({}));
    expect(unset).toHaveLength(1);
    expect(unset[0]?.msg).toContain("2 customers' webhook secrets are stored in plain text");
    expect(unset[0]?.msg).toContain('wow support secrets seal');
    expect(unset[0]?.msg).toContain('SUPPORT_SECRETS_KEY is not set');
    expect(unset[0]?.msg).not.toContain('secret-of-');

    const key = randomBytes(32);
    const set = plainWarnings(await startDesk({ SUPPORT_SECRETS_KEY: key.toString('base64') }));
    expect(set).toHaveLength(1);
    expect(set[0]?.msg).toContain('SUPPORT_SECRETS_KEY is set');
    expect(set[0]?.msg).not.toContain(key.toString('base64'));

    expect(await sealPlainWebhookSecrets(store, key)).toBe(2);
    expect(plainWarnings(await startDesk({ SUPPORT_SECRETS_KEY: key.toString('base64') }))).toEqual([]);
  });
});
