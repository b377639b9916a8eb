import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError } from '#platform';
import { defaultMonthlyPaise, formatRupees, readMonthlyPrices } from '../marketplace/prices.ts';

describe("the cards' prices", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-prices-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are the list prices without a pricing file', async () => {
    expect(await readMonthlyPrices(join(dir, 'missing.yml'))).toEqual({
      basic: 800_000,
      standard: 1_200_000,
      premium: 1_800_000,
    });
    expect(Object.values(defaultMonthlyPaise).map(formatRupees)).toEqual(['₹8,000', '₹12,000', '₹18,000']);
  });

  it("are the billing's plans when config/pricing.yml sets them", async () => {
    const file = join(dir, 'pricing.yml');
    await writeFile(
      file,
      [
        'currency: inr',
        'plans:',
        '  basic: { name: Basic, monthlyPaise: 900000 }',
        '  standard: { name: Standard, monthlyPaise: 1250050 }',
        '  premium: { name: Premium, monthlyPaise: 10000000 }',
        'tax: { name: GST, basisPoints: 1800 }',
        '',
      ].join('\n'),
    );
    const prices = await readMonthlyPrices(file);
    expect(prices).toEqual({ basic: 900_000, standard: 1_250_050, premium: 10_000_000 });
    expect([prices.standard, prices.premium].map(formatRupees)).toEqual(['₹12,501', '₹1,00,000']);
  });

  it('stop the server at a wrong price, naming its line', async () => {
    const file = join(dir, 'wrong.yml');
    await writeFile(file, 'plans:\n  basic: { monthlyPaise: 8000.5 }\n  standard: { monthlyPaise: 1 }\n');
    const err = await readMonthlyPrices(file).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('wrong.yml:2:');
    expect((err as Error).message).toContain('premium');
  });
});
