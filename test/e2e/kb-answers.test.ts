import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventuallyPasses } from '#platform/testing';
import { startPlatform, wowProcess as wow } from '../support/platform-process.ts';

// What a fresh clone does: load the sample articles with `wow kb import`, start the platform
// on its embedded defaults (PGlite, the in-process bus), and ask the ticket API a question
// the articles answer. WowSupport's L1 asks WowSearch over the bus and cites the article.
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('a fresh checkout answers from the articles it imported', () => {
  // Four processes on the embedded database, each migrating it first: slower than a unit test.
  it(
    'wow kb import, then npm start, then POST /api/tickets: the L1 answer cites the right article',
    { timeout: 120_000 },
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-kb-e2e-'));
      dirs.push(dataDir);
      const env = { DATA_DIR: dataDir };

      const imported = await wow(['kb', 'import', 'docs/kb'], env);
      expect(imported.stdout).toContain('7 added, 0 changed, 0 removed, 0 unchanged');
      await wow(['support', 'customers', 'add', 'acme', '--name', 'Acme'], env);
      const key = (await wow(['support', 'keys', 'create', 'acme'], env)).stdout.trim();
      expect(key).toMatch(/^wow_sk_/);

      const { child, address, exited } = await startPlatform(env);
      try {
        const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
        const created = await fetch(`${address}/api/tickets`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            subject: 'Webhook signatures',
            body: 'How do I verify the signature of your webhooks?',
            requester: { email: 'dev@acme.example' },
          }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: string };

        let answer: { body: string; automatic: boolean } | undefined;
        await eventuallyPasses(async () => {
          const ticket = (await (await fetch(`${address}/api/tickets/${id}`, { headers })).json()) as {
            messages: { direction: string; body: string; automatic: boolean }[];
          };
          answer = ticket.messages.find((m) => m.direction === 'outbound');
          expect(answer).toBeDefined();
        }, 30_000);
        expect(answer?.automatic).toBe(true);
        expect(answer?.body).toContain('From "Verify the signature of our webhooks" (kb:webhook-signatures).');
        expect(answer?.body).toContain('X-Wow-Signature-256');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    },
  );
});

describe('the CLI beside a running platform on the embedded defaults', () => {
  it(
    "npm start, then wow agents list, wow kb import and wow support customers add in another terminal: they talk to the running process's database",
    { timeout: 120_000 },
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-beside-e2e-'));
      dirs.push(dataDir);
      const env = { DATA_DIR: dataDir };
      const { child, address, exited } = await startPlatform(env);
      try {
        const listed = JSON.parse((await wow(['agents', 'list', '--json'], env)).stdout) as { id: string }[];
        expect(listed.map((a) => a.id)).toContain('wowsupport');
        expect((await wow(['kb', 'import', 'docs/kb'], env)).stdout).toContain('7 added');
        expect((await wow(['support', 'customers', 'add', 'acme', '--name', 'Acme'], env)).stdout).toContain(
          'customer acme (Acme) added',
        );
        // What the commands wrote is the running platform's: its ticket API knows the customer.
        const key = (await wow(['support', 'keys', 'create', 'acme'], env)).stdout.trim();
        const ticket = await fetch(`${address}/api/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: 'Hello', body: 'Is this thing on?', requester: { email: 'a@acme.example' } }),
        });
        expect(ticket.status).toBe(201);
        // A second runtime would have an in-process bus of its own: refused, saying why.
        const second = await wow(['start'], { ...env, PORT: '0' }).then(
          () => ({ code: 0, stderr: '' }),
          (err: unknown) => err as { code: number; stderr: string },
        );
        expect(second.code).not.toBe(0);
        expect(second.stderr).toContain('WOW_ERR_STORE_LOCKED');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    },
  );
});
