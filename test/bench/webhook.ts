import { createHmac, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import autocannon from 'autocannon';
import { examplePayload } from '../support/github-webhooks.ts';
import { testRedisUrl, uniqueName } from '../support/servers.ts';
import { fmt, printTable } from './stats.ts';

async function startServer(
  redisUrl: string,
  keyPrefix: string,
): Promise<{ address: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./webhook-server.ts', import.meta.url)), secret, redisUrl, keyPrefix],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return {
    address: line,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const secret = 'bench-webhook-secret';

/**
 * Webhook ack latency under a steady 200 signed requests/s on loopback, on the in-process
 * bus and on Redis, against GET /healthz on the same server at the same rate (the HTTP
 * stack alone: the reference). The server runs in its own process.
 */
export async function benchWebhook(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 10);
  const rate = Number(args[1] ?? 200);
  const body = JSON.stringify(examplePayload('pull_request', 'opened'));
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const rows: string[][] = [
    [
      'at ' + String(rate) + ' requests/s for ' + String(seconds) + ' s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'req/s',
      'non-2xx',
    ],
  ];
  const prefix = `${uniqueName('benchhook')}:`;
  const redisUrl = process.env.REDIS_URL ?? testRedisUrl;
  try {
    for (const bus of ['', redisUrl]) {
      const server = await startServer(bus, prefix);
      const run = (path: string, requests: autocannon.Request[]) =>
        autocannon({ url: server.address + path, connections: 10, duration: seconds, overallRate: rate, requests });
      const name = bus === '' ? 'in-process bus' : 'Redis bus';
      if (bus === '') {
        const health = await run('/healthz', [{ method: 'GET' }]);
        rows.push([
          'GET /healthz (reference)',
          fmt(health.latency.p50),
          fmt(health.latency.p99),
          fmt(health.latency.max),
          fmt(health.requests.average, 0),
          String(health.non2xx),
        ]);
      }
      const hooks = await run('/api/github/webhooks', [
        {
          method: 'POST',
          setupRequest: (req) => ({
            ...req,
            body,
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'pull_request',
              'x-github-delivery': randomUUID(),
              'x-hub-signature-256': signature,
            },
          }),
        },
      ]);
      rows.push([
        `POST webhook, ${name} (goal p99 < 20)`,
        fmt(hooks.latency.p50),
        fmt(hooks.latency.p99),
        fmt(hooks.latency.max),
        fmt(hooks.requests.average, 0),
        String(hooks.non2xx),
      ]);
      await server.stop();
    }
    printTable(rows);
  } finally {
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}
