import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';

export interface TlsFront {
  /** https://localhost:<port> */
  origin: string;
  /** The did:web host of the origin: localhost%3A<port>. */
  didHost: string;
  close(): Promise<void>;
}

/**
 * web-did-resolver, the resolver other parties use, fetches https://<host>/…/did.json and
 * nothing else. This puts TLS in front of a server, as a deployment does: a self-signed
 * certificate for localhost that this process trusts (until `close`), whose handler passes
 * each GET to the server as a reverse proxy does. `server` is asked for at request time, so
 * the server may be built after the front (its PUBLIC_URL needs the front's port).
 */
export async function startTlsFront(server: () => FastifyInstance): Promise<TlsFront> {
  const certDir = await mkdtemp(join(tmpdir(), 'wow-tls-front-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
    '-keyout',
    join(certDir, 'key.pem'),
    '-out',
    join(certDir, 'cert.pem'),
  ]);
  const cert = await readFile(join(certDir, 'cert.pem'));
  const front = createServer({ key: await readFile(join(certDir, 'key.pem')), cert }, (req, res) => {
    void server()
      .inject({ method: 'GET', url: req.url ?? '/', headers: { accept: req.headers.accept ?? '*/*' } })
      .then((answer) => {
        res.writeHead(answer.statusCode, answer.headers as Record<string, string>);
        res.end(answer.rawPayload);
      });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const previousCa = globalAgent.options.ca;
  globalAgent.options.ca = cert;
  const { port } = front.address() as AddressInfo;
  return {
    origin: `https://localhost:${port}`,
    didHost: `localhost%3A${port}`,
    async close() {
      globalAgent.options.ca = previousCa;
      await new Promise((resolve) => front.close(resolve));
      await rm(certDir, { recursive: true, force: true });
    },
  };
}
