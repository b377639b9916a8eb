import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore, type Store } from '#platform';
import { createManualPayments, loadPricing, subscribe } from '#domains/commerce';
import { createCustomer } from '#domains/support';
import { wow } from '../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
const database = uniqueName('wowbilling');
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const url = new URL(testDatabaseUrl);
url.pathname = `/${database}`;
const env = { DATABASE_URL: url.toString() };
let store: Store;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
});
afterAll(async () => {
  await store?.close();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('wow billing', () => {
  it('lists the plans, subscriptions and invoices (as tables and --json), and marks a bank transfer paid once', async () => {
    expect((await wow(['billing', 'mark-paid', '--help'])).stdout).toContain('Exit codes: 0 done');
    const plans = await wow(['billing', 'plans', '--json']);
    expect(plans.code).toBe(0);
    expect(JSON.parse(plans.stdout)).toMatchObject({
      plans: { standard: { monthlyPaise: 1_200_000 } },
      tax: { basisPoints: 1800 },
    });
    expect((await wow(['billing', 'plans'])).stdout).toMatch(/standard\s+Standard\s+12,000\.00\s+14,160\.00/);

    expect((await wow(['billing', 'invoices'], env)).stdout).toContain('no invoices');
    store = await createStore({ url: url.toString(), dataDir: '.data', poolMax: 1, log: createLogger('silent') });
    const org = await createCustomer(store, { slug: 'acme', name: 'Acme' });
    const terms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
    const { invoice } = await subscribe(store, terms, {
      organisationId: org.id,
      agent: { id: 'seo', priceTier: 'standard' },
      now: new Date('2026-02-01T00:00:00Z'),
    });

    const subscriptions = JSON.parse((await wow(['billing', 'subscriptions', '--json'], env)).stdout) as unknown[];
    expect(subscriptions).toMatchObject([{ organisation: 'acme', agentId: 'seo', status: 'active' }]);
    expect((await wow(['billing', 'subscriptions', '--status', 'nope'], env)).code).toBe(2);
    expect((await wow(['billing', 'invoices', '--status', 'open'], env)).stdout).toContain(`${invoice?.number}`);

    const paid = await wow(['billing', 'mark-paid', invoice?.number ?? '', '--by', 'ada', '--reference', 'UTR1'], env);
    expect(paid).toMatchObject({ code: 0, stderr: '' });
    expect(paid.stdout).toContain(`${invoice?.number} is paid (INR 14,160.00)`);
    const twice = await wow(['billing', 'mark-paid', invoice?.number ?? ''], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is paid already');
  });
});
