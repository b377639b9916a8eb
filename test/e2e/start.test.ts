import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Starts `wow start` as `npm start` would, on the embedded defaults, and resolves with its address. */
async function startPlatform(env: Record<string, string>) {
  const child = spawn(process.execPath, ['cli/wow.ts', 'start'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logged: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      logged.push(line);
      const entry = JSON.parse(line) as { address?: string };
      if (entry.address !== undefined) resolve(entry.address);
    });
    void exited.then((code) => reject(new Error(`wow start exited with ${code}: ${stderr}`)));
  });
  return { child, address, exited, logged };
}

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
  });
});
