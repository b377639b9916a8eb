import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../support/platform-process.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('wow start (npm start)', () => {
  it('serves /healthz and /readyz on the embedded defaults, and exits 0 on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wow-start-'));
    dirs.push(dataDir);
    const { child, address, exited, logged } = await startPlatform({ DATA_DIR: dataDir });
    // Without App credentials it still runs, and says what to configure.
    expect(
      logged.some((l) =>
        l.includes('GitHub App not configured: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET'),
      ),
    ).toBe(true);
    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${address}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${address}/metrics`)).text();
    expect(metrics).toContain('wow_bus_events_published_total');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The whole platform (every agent) starts in a process of its own: slow on a busy 2-core machine.
  }, 120_000);
});
