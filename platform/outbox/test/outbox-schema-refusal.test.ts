import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { createEventSchemaCheck } from '../../domain/event-schema-check.ts';
import { parseDomainModel } from '../../domain/load-domain-models.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate } from '../../store/migrate.ts';
import { eventuallyPasses, quietLog, testBusDefaults } from '../../testing/index.ts';
import { createOutboxRelay } from '../create-outbox-relay.ts';
import { enqueueOutbox } from '../enqueue-outbox.ts';

const model = `name: ledger
description: Postings.
events:
  - type: test.ledger.posted
    version: 1
    meaning: A posting was made.
    data: { type: object, required: [n], properties: { n: { type: integer } } }
`;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the outbox relay with the schema check', () => {
  it('leaves a row its model refuses in the outbox, says so, and publishes the rows beside it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wow-outbox-schema-'));
    dirs.push(dataDir);
    const store = await createStore({ dataDir, poolMax: 1, log: quietLog });
    const parsed = parseDomainModel(model, 'domains/ledger/model.yml', 'ledger');
    if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
    const bus = await createBus({
      streamMaxLen: 1000,
      defaults: testBusDefaults,
      log: quietLog,
      claimIntervalMs: 50,
      schemaCheck: createEventSchemaCheck({
        models: [{ dir: 'domains/ledger', file: 'domains/ledger/model.yml', model: parsed.model }],
        mode: 'strict',
      }),
    });
    const lines: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const relay = createOutboxRelay({ store, bus, log, pollIntervalMs: 25 });
    try {
      await migrate(store, { log: quietLog });
      const got: CloudEvent[] = [];
      await bus.subscribe({ group: 'ledger', types: ['test.ledger.*'], handler: async (e) => void got.push(e) });
      const posted = (data: unknown) => createEvent({ type: 'test.ledger.posted', data, source: 'urn:wow:test' });
      await store.transaction(async (tx) => {
        await enqueueOutbox(tx, posted({ n: 1 }));
        await enqueueOutbox(tx, posted({ n: 'two' }));
        await enqueueOutbox(tx, posted({ n: 3 }));
      });
      relay.start();
      await eventuallyPasses(() => expect(got.map((e) => e.data)).toEqual([{ n: 1 }, { n: 3 }]));
      await eventuallyPasses(() => expect(lines.join('')).toContain('outbox row refused by its domain model'));
      expect(lines.join('')).toContain('data.n must be integer');
      const { rows } = await store.query<{ data: unknown }>(
        "select event->'data' as data from outbox where published_at is null",
      );
      expect(rows).toEqual([{ data: { n: 'two' } }]);
    } finally {
      await relay.stop();
      await bus.close();
      await store.close();
    }
  });
});
