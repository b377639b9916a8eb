import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { eventuallyPasses, quietLog, testBusDefaults } from '../../testing/index.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { createEventSchemaCheck, type EventSchemaCheckMode, type EventSchemaMismatch } from '../event-schema-check.ts';
import { parseDomainModel } from '../load-domain-models.ts';

const model = async () => {
  const text = await readFile(new URL('fixtures/desk-model.yml', import.meta.url), 'utf8');
  const parsed = parseDomainModel(text, 'domains/desk/model.yml', 'desk');
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return { dir: 'domains/desk', file: 'domains/desk/model.yml', model: parsed.model };
};

const check = async (mode: EventSchemaCheckMode, onMismatch?: (m: EventSchemaMismatch) => void) =>
  createEventSchemaCheck({ models: [await model()], mode, ...(onMismatch === undefined ? {} : { onMismatch }) });

const event = (type: string, data: unknown) => createEvent({ source: 'urn:wow:test', type, data });

describe('the schema check at publish', () => {
  it('refuses data its model does not describe, naming the field, in strict mode', async () => {
    const strict = await check('strict');
    strict.check(event('desk.ticket.opened', { ticketId: 't-1', tier: 'L2' }));
    const refused = (data: unknown) => {
      try {
        strict.check(event('desk.ticket.opened', data));
        return undefined;
      } catch (err) {
        expect(isWowError(err, 'WOW_ERR_EVENT_SCHEMA')).toBe(true);
        return (err as Error).message;
      }
    };
    expect(refused({ tier: 'L1' })).toBe(
      'The data of "desk.ticket.opened" does not match its schema in domains/desk/model.yml (version 1): ' +
        "data.ticketId is required and missing. Send the data the model describes, or change the model (bump the event's version if the change is incompatible).",
    );
    expect(refused({ ticketId: 't-1', tier: 'L9' })).toContain('data.tier must be equal to one of the allowed values');
    expect(refused({ ticketId: 't-1', tags: [{ name: 5 }] })).toContain('data.tags.0.name must be string');
    // A family's schema covers each of its types; a type no model describes is not checked here.
    expect(refused({ headers: {} })).toContain('data.ticketId');
    expect(() => strict.check(event('hook.push', { nothing: true }))).toThrow(/data\.payload is required/);
    strict.check(event('hook.push', { payload: {} }));
    strict.check(event('elsewhere.thing.done', { anything: 1 }));
  });

  it('lets the data through and reports it in warn mode; checks nothing when off', async () => {
    const seen: EventSchemaMismatch[] = [];
    (await check('warn', (m) => seen.push(m))).check(event('desk.ticket.opened', {}));
    expect(seen).toEqual([
      {
        type: 'desk.ticket.opened',
        model: 'domains/desk/model.yml',
        version: 1,
        field: 'data.ticketId',
        problem: 'is required and missing',
      },
    ]);
    (await check('off', (m) => seen.push(m))).check(event('desk.ticket.opened', {}));
    expect(seen).toHaveLength(1);
  });
});

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

for (const driver of ['in-process', 'Redis Streams'] as const)
  describe(`a bus with the check (${driver})`, () => {
    it('refuses a publish and a request whose data breaks the model before anything is written, and delivers the rest', async () => {
      const keyPrefix = `${uniqueName('schema')}:`;
      prefixes.push(keyPrefix);
      const bus = await createBus({
        ...(driver === 'Redis Streams' ? { redisUrl: testRedisUrl, keyPrefix } : {}),
        streamMaxLen: 1000,
        defaults: testBusDefaults,
        log: quietLog,
        claimIntervalMs: 50,
        schemaCheck: await check('strict'),
      });
      try {
        const got: CloudEvent[] = [];
        await bus.subscribe({ group: 'desk', types: ['desk.ticket.*'], handler: async (e) => void got.push(e) });
        const refused = await bus.publish(event('desk.ticket.opened', { tier: 'L1' })).catch((e: unknown) => e);
        expect(isWowError(refused, 'WOW_ERR_EVENT_SCHEMA')).toBe(true);
        const asked = await bus.request(event('desk.ticket.opened', {}), { timeoutMs: 1000 }).catch((e: unknown) => e);
        expect(isWowError(asked, 'WOW_ERR_EVENT_SCHEMA')).toBe(true);
        expect(bus.schemaCheck?.mode).toBe('strict');
        await bus.publish(event('desk.ticket.opened', { ticketId: 't-2' }));
        await eventuallyPasses(() => expect(got.map((e) => e.data)).toEqual([{ ticketId: 't-2' }]));
        const stats = await bus.stats();
        expect(stats.topics.find((t) => t.topic.includes('desk'))?.length).toBe(1);
      } finally {
        await bus.close();
      }
    });
  });
