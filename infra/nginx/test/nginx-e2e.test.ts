import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as requestPlain } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#platform/testing';
import { githubAppEnv } from '../../../test/support/github-app.ts';
import { examplePayload, signedDelivery } from '../../../test/support/github-webhooks.ts';
import { startPlatform, type PlatformProcess } from '../../../test/support/platform-process.ts';
import { freePort, selfSignedCertificate, startNginx, writeNginxConfig, type NginxProcess } from './nginx-process.ts';

// Debian's nginx with a certificate made here, in front of `wow start --no-agents` (the
// server as Compose runs it) on its embedded defaults, both on loopback: what a visitor,
// GitHub and a scanner get through the front door, and what the platform's log says.
const secret = 'nginx-front-door-secret';
let prefix: string;
let ca: Buffer;
let platform: PlatformProcess;
let nginx: NginxProcess;
let httpPort: number;
let httpsPort: number;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS exchange through nginx, the certificate checked against the test's own. */
function send(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; port?: number; tls?: boolean } = {},
): Promise<Answer> {
  const secure = opts.tls ?? true;
  return new Promise((resolve, reject) => {
    const req = (secure ? request : requestPlain)(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: opts.port ?? httpsPort,
        method,
        path,
        ca,
        headers: { host: 'localhost', ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const accessLog = async () => readFile(join(prefix, 'access.log'), 'utf8');
/** The platform's log lines for one request id. */
const loggedFor = (id: string) =>
  platform.logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === id);

beforeAll(async () => {
  prefix = await mkdtemp(join(tmpdir(), 'wow-nginx-e2e-'));
  const { cert, key } = await selfSignedCertificate(prefix);
  ca = await readFile(cert);
  platform = await startPlatform({ DATA_DIR: join(prefix, 'data'), TRUST_PROXY: 'loopback', ...githubAppEnv(secret) }, [
    '--no-agents',
  ]);
  [httpPort, httpsPort] = [await freePort(), await freePort()];
  const conf = await writeNginxConfig(prefix, {
    WOW_SERVER_NAME: 'localhost',
    WOW_UPSTREAM: new URL(platform.address).host,
    WOW_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    WOW_HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
    WOW_PUBLIC_HTTPS_PORT: String(httpsPort),
    WOW_TLS_CERT: cert,
    WOW_TLS_KEY: key,
    WOW_LOG_DIR: prefix,
  });
  nginx = await startNginx(prefix, conf, httpsPort);
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await platform?.stop();
  await rm(prefix, { recursive: true, force: true });
});

describe('nginx in front of the platform', () => {
  it('runs the server without agents, as Compose does', () => {
    const running = platform.logged.map((l) => JSON.parse(l) as { msg?: string; agents?: string[] });
    expect(running.find((l) => l.msg?.startsWith('WAOOAW is running'))?.agents).toEqual([]);
  });

  it('sends plain HTTP to HTTPS', async () => {
    const res = await send('GET', '/support?x=1', { port: httpPort, tls: false });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`https://localhost:${httpsPort}/support?x=1`);
  });

  it('queues a signed webhook, and the platform logs it under the request id nginx gave it', async () => {
    const { body, headers } = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    const res = await send('POST', '/api/github/webhooks', {
      body,
      // A client's own id is not the edge's: nginx sets its own.
      headers: { ...headers, 'x-request-id': 'client-chosen-request-id' },
    });
    expect(res.status).toBe(202);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    await eventually(() => loggedFor(id).length > 0, 'the request in the platform log');
    expect(loggedFor(id)).toContainEqual(
      expect.objectContaining({ msg: 'answered', route: '/api/github/webhooks', status: 202 }),
    );
    await eventually(async () => (await accessLog()).includes(`request_id=${id}`), 'the request in the nginx log');
  });

  it('takes a ticket through the web form, with the security headers on the page', async () => {
    const form = await send('GET', '/support');
    expect(form.status).toBe(200);
    for (const header of ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy'])
      expect(form.headers[header], header).toBeDefined();
    const submission = /name="submission" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const fields = new URLSearchParams({
      email: 'ada@example.com',
      subject: 'Cannot log in',
      message: 'Since this morning the login page answers 500.',
      submission,
    });
    const res = await send('POST', '/support', {
      body: fields.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatch(/id="ticket-reference">[0-9a-f-]{36}</);
    const id = String(res.headers['x-request-id']);
    await eventually(() => loggedFor(id).length > 0, 'the form post in the platform log');
    expect(loggedFor(id)).toContainEqual(expect.objectContaining({ route: '/support', status: 201 }));
  });

  it.each(['/metrics', '//metrics', '/METRICS', '/x/../metrics', '/%6Detrics', '/metrics?format=text', '/readyz'])(
    'never lets %s through',
    async (path) => {
      const res = await send('GET', path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('wow_');
      expect(res.headers['x-request-id']).toBeUndefined();
    },
  );

  it('takes a 2 MB webhook to the platform, refuses it elsewhere, and refuses one over 25 MB', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const webhook = await send('POST', '/api/github/webhooks', {
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(webhook.status).toBe(401);
    const tickets = await send('POST', '/api/tickets', { body: big, headers: { 'content-type': 'application/json' } });
    expect(tickets.status).toBe(413);
    const huge = Buffer.alloc(26 * 1024 * 1024, 'a');
    const refused = await send('POST', '/api/github/webhooks', {
      body: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(413);
  });

  it("limits each address's posts to the form and calls to the ticket API, not the form's page", async () => {
    const pages = await Promise.all(Array.from({ length: 15 }, () => send('GET', '/support')));
    expect(pages.map((p) => p.status)).toEqual(pages.map(() => 200));
    const posts = [];
    for (let i = 0; i < 15; i++)
      posts.push(
        (
          await send('POST', '/support', {
            body: 'email=',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).status,
      );
    expect(posts.slice(0, 5)).toEqual([422, 422, 422, 422, 422]);
    expect(posts).toContain(429);
    const calls = await Promise.all(Array.from({ length: 40 }, () => send('GET', '/api/tickets/some-id')));
    expect(calls.map((c) => c.status)).toContain(401);
    expect(calls.map((c) => c.status)).toContain(429);
  });
});
