import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Store } from '#platform';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { pruneIdempotency } from '../src/intake/prune-idempotency.ts';

describe.each(storeBackends('housekeeping'))('pruning Idempotency-Key answers on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  it('drops Idempotency-Key answers after a day and keeps the rest', async () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const customer = randomUUID();
    await store.query("insert into support_customers (id, slug, name) values ($1, 'prune-co', 'Prune Co')", [customer]);
    const keep = (key: string, hoursAgo: number) =>
      store.query(
        "insert into support_idempotency (customer_id, idempotency_key, request_sha256, response_status, response_body, created_at) values ($1, $2, 'sha', 201, '{}', $3)",
        [customer, key, new Date(now.getTime() - hoursAgo * 3_600_000)],
      );
    await keep('fresh', 23);
    await keep('stale', 25);

    expect(await pruneIdempotency(store, now)).toBe(1);
    expect(
      (await store.query('select idempotency_key from support_idempotency where customer_id = $1', [customer])).rows,
    ).toEqual([{ idempotency_key: 'fresh' }]);
    expect(await pruneIdempotency(store, now)).toBe(0);
  });
});
