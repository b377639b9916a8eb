import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { loadDomains, parseDomain } from '../load-domains.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-domains-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

describe('domain declarations', () => {
  it('loads each domain.yml with defaults, skipping folders without one', async () => {
    await write({
      'billing/domain.yml': 'name: billing\ndescription: Invoices and payments.\nemits: [billing.invoice.paid]\n',
      'support/domain.yml': 'name: support\ndescription: Tickets.\n',
      'drafts/migrations/0001_x.sql': 'select 1;\n',
    });
    const loaded = await loadDomains(dir);
    expect(loaded.map((d) => d.domain)).toEqual([
      { name: 'billing', description: 'Invoices and payments.', emits: ['billing.invoice.paid'] },
      { name: 'support', description: 'Tickets.', emits: [] },
    ]);
    expect(await loadDomains(join(dir, 'none'))).toEqual([]);
  });

  it('reports every problem with file, line, column and field', () => {
    const result = parseDomain(
      'name: Support\ndescription: ""\nemits: [support.ticket.opened, Bad]\nowner: me\n',
      'domains/support/domain.yml',
      'support',
    );
    expect('problems' in result && result.problems).toEqual([
      'domains/support/domain.yml:1:7 name: expected kebab-case, e.g. "support", equal to the folder name',
      'domains/support/domain.yml:2:14 description: expected one sentence on what the domain holds',
      'domains/support/domain.yml:3:32 emits[1]: expected an event type, e.g. "support.ticket.opened"',
      'domains/support/domain.yml:4:1 owner: unknown field; the fields are name, description, emits',
    ]);
    expect(parseDomain('name: billing\ndescription: x\n', 'domains/support/domain.yml', 'support')).toEqual({
      problems: ['domains/support/domain.yml:1:7 name: expected "support", the folder\'s name; got "billing"'],
    });
    expect(parseDomain('- a list', 'd/domain.yml', 'd')).toEqual({
      problems: ['d/domain.yml:1:1 (root): expected a mapping of fields (name, description, emits)'],
    });
  });

  it('throws one error listing the problems of all domains', async () => {
    await write({ 'a/domain.yml': 'name: a\n', 'b/domain.yml': 'name: [\n' });
    const err: unknown = await loadDomains(dir).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_DOMAIN_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/a\/domain\.yml:1:1 description: /);
    expect((err as Error).message).toMatch(/b\/domain\.yml:\d+:\d+ YAML: /);
  });

  it("keeps this repository's domains valid", async () => {
    const domains = await loadDomains(new URL('../../../domains/', import.meta.url).pathname);
    expect(domains.map((d) => d.domain.name)).toContain('support');
  });
});
