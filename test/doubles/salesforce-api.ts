import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A double of the Salesforce REST API's sObject create (POST
 * /services/data/vXX.X/sobjects/<Object>) on a loopback port, answering as Salesforce does:
 * 201 `{ id, success: true, errors: [] }`; 401 `[{ message, errorCode: "INVALID_SESSION_ID" }]`
 * for a bearer token whose session ended; 400 `[{ message, errorCode: "JSON_PARSER_ERROR" }]`
 * for a body that is not a JSON object. Tokens are checked with the OAuth2 double.
 */
export interface SalesforceDouble {
  readonly url: string;
  /** The records created, per sObject. */
  readonly records: { sobject: string; id: string; fields: Record<string, unknown> }[];
  /** Requests answered 401. */
  readonly refused: number;
  /** Every request that reached it. */
  readonly requests: number;
  readonly violations: string[];
  /** Answers 503 to the next `n` requests. */
  failNext(n: number): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startSalesforceDouble(opts: { isValid: (token: string) => boolean }): Promise<SalesforceDouble> {
  const state = { refused: 0, failing: 0, requests: 0 };
  const records: SalesforceDouble['records'] = [];
  const violations: string[] = [];
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    return res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    state.requests += 1;
    const route = /^\/services\/data\/v\d+\.\d\/sobjects\/([A-Za-z_][A-Za-z0-9_]*)\/?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || route === null) {
      violations.push(`${req.method} ${req.url}: not an sObject create`);
      return answer(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
    if (state.failing > 0) {
      state.failing -= 1;
      return answer(res, 503, [{ message: 'Service Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    }
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !opts.isValid(token)) {
      state.refused += 1;
      return answer(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      violations.push('content-type is not application/json');
    let fields: unknown;
    try {
      fields = JSON.parse(body);
    } catch {
      fields = undefined;
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
      return answer(res, 400, [{ message: 'Unexpected character', errorCode: 'JSON_PARSER_ERROR' }]);
    const id = `500${randomBytes(6).toString('hex').slice(0, 12)}AAA`;
    records.push({ sobject: route[1] ?? '', id, fields: fields as Record<string, unknown> });
    return answer(res, 201, { id, success: true, errors: [] });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`double failed: ${String(err)}`);
      void res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    get refused() {
      return state.refused;
    },
    get requests() {
      return state.requests;
    },
    violations,
    failNext: (n) => {
      state.failing = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
