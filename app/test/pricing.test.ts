import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { createServer } from '../server/create-server.ts';
import { readRoi } from '../marketplace/roi.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { opsPricing } from '../../test/support/ops-rows.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;

beforeAll(async () => {
  const postgres = storeBackends('pricing-page').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: agentsDir }),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    billing: { cycleSeconds: 0 },
    trialTickSeconds: 0,
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await closeStore();
});

const page = (query = '') => server.inject({ url: `/pricing${query}` });

describe('the pricing page', () => {
  it('shows each plan with its GST and the agents listed at it, to anyone, as plain HTML', async () => {
    const res = await page();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('<strong>₹8,000.00</strong> a month per agent');
    expect(res.body).toContain('+ GST 18%: ₹1,440.00, so ₹9,440.00 a month in all');
    expect(res.body).toContain('+ GST 18%: ₹3,240.00, so ₹21,240.00 a month in all');
    expect(res.body).toContain('Agents listed at Basic: Tutor Tara');
    expect(res.body).toContain('Agents listed at Standard: Brand Voice, SEO Sage');
    expect(res.body).toContain('Agents listed at Premium: Deal Desk');
    // Nothing asked yet: no result and no error.
    expect(res.body).not.toContain('id="result"');
    expect(res.body).not.toContain('There is a problem');
    // Every marketplace page links to it.
    expect((await server.inject({ url: '/' })).body).toContain('<a href="/pricing">Pricing</a>');
  });

  it('answers the calculator from the query, in exact rupees and paise', async () => {
    const res = await page('?plan=standard&hours=20&cost=1%2C500');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<dd>₹30,000.00 a month<small>20 h × ₹1,500.00 an hour</small></dd>');
    expect(res.body).toContain('<dd>₹14,160.00 a month<small>₹12,000.00 + ₹2,160.00 GST</small></dd>');
    expect(res.body).toContain(
      '<dt>You come out ahead by</dt>\n<dd>₹15,840.00 a month<small>2.1× what you pay</small></dd>',
    );
    expect(res.body).toContain('<dd>9.5 h saved a month</dd>');
    expect(res.body).toContain('<option value="standard" selected>Standard</option>');
    const loss = await page('?plan=premium&hours=2.5&cost=500');
    expect(loss.body).toContain('<dt>It costs more than it saves by</dt>\n<dd>₹19,990.00 a month');
  });

  it('refuses wrong, repeated and hostile input with each problem, and shows it back escaped', async () => {
    const res = await page('?plan=gold&hours=%3Cscript%3Ealert(1)%3C%2Fscript%3E&cost=0');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Pricing – WAOOAW</title>');
    expect(res.body).toContain('<a href="#plan">Choose a plan: Basic, Standard or Premium</a>');
    expect(res.body).toContain('Enter the hours saved a month as a number from 0.1 to 744');
    expect(res.body).toContain('Enter the cost of an hour of your team&#39;s time in whole rupees, from 1 to 1,00,000');
    expect(res.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).not.toContain('id="result"');
    expect((await page('?hours=1&hours=2&cost=100')).statusCode).toBe(400);
    expect((await page(`?hours=1&cost=${'9'.repeat(40)}`)).statusCode).toBe(400);
  });
});

describe('the ROI calculation', () => {
  const roi = (query: Record<string, unknown>) => readRoi(query, opsPricing);
  it('takes hours from 0.1 to 744 with one decimal place, and whole rupees from 1 to 1,00,000', () => {
    expect(roi({ hours: '0.1', cost: '1' }).result).toMatchObject({ hoursTenths: 1, valuePaise: 10, plan: 'standard' });
    expect(roi({ hours: '744', cost: '100000' }).result).toMatchObject({ valuePaise: 7_440_000_000 });
    for (const hours of ['0', '744.1', '1.25', '-1', '1e2', ' ', 'NaN'])
      expect(
        roi({ hours, cost: '100' }).errors.map((e) => e.field),
        hours,
      ).toEqual(['hours']);
    for (const cost of ['0', '100001', '12.50', '₹100', '-5'])
      expect(
        roi({ hours: '1', cost }).errors.map((e) => e.field),
        cost,
      ).toEqual(['cost']);
    expect(roi({})).toMatchObject({ errors: [], result: undefined, fields: { plan: 'standard', hours: '', cost: '' } });
  });

  it('computes in integer paise: the plan with tax, the net, and the break-even rounded up to a tenth', () => {
    expect(roi({ plan: 'basic', hours: '6.3', cost: '1,500' }).result).toEqual({
      plan: 'basic',
      hoursTenths: 63,
      hourlyCostPaise: 150_000,
      valuePaise: 945_000,
      pricePaise: 800_000,
      taxPaise: 144_000,
      totalPaise: 944_000,
      netPaise: 1_000,
      // 944,000 / 150,000 = 6.29… hours: 6.3.
      breakEvenTenths: 63,
    });
  });
});
