// The load generator of the webhook benchmark, in a process of its own (neither the
// driver's nor the server's): reads its plan as JSON from argv, sends at a fixed rate,
// prints what it saw as one JSON line, and exits.
//
// Open loop, as wrk2 and k6's constant-arrival-rate do: request n is due at start + n/rate
// whether or not earlier answers have come back, and its latency counts from when it was
// due. A closed loop (autocannon's per-connection quota) sends each second's requests
// back to back at the top of the second and stops timing while a request waits for a
// free connection, so it measures bursts and hides queueing.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

export interface LoadPlan {
  url: string;
  kind: 'healthz' | 'webhook';
  rate: number;
  /** Sent at the rate first and left out of the figures: JIT and connection set-up. */
  warmupSeconds: number;
  seconds: number;
  connections: number;
  /** Webhook only: the signed body and its X-Hub-Signature-256 (the signature covers only the body). */
  body?: string;
  signature?: string;
  /** Webhook only: every `redeliverEvery`th request repeats a recent delivery id, as a GitHub redelivery does. */
  redeliverEvery?: number;
}

export interface LoadResult {
  pid: number;
  /** Latencies (ms, from when each was due) of the measured phase's answered requests. */
  latencies: number[];
  /** How late the generator itself sent (ms): its own lag, which the latencies include. */
  lateness: number[];
  achievedPerSecond: number;
  sent: number;
  errors: number;
  non2xx: number;
  /** Webhook only: deliveries answered as newly queued, and as duplicates of one already queued. */
  queued: number;
  duplicates: number;
  distinctDeliveries: number;
  /** The generator's own CPU time per request sent (µs): it shares the machine with the server. */
  cpuPerRequest: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
const target = new URL(plan.url);
const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
const interval = 1000 / plan.rate;
const warmup = Math.round(plan.warmupSeconds * plan.rate);
const total = warmup + Math.round(plan.seconds * plan.rate);
const body = plan.body === undefined ? undefined : Buffer.from(plan.body);
const ids: string[] = [];
const result: LoadResult = {
  pid: process.pid,
  latencies: [],
  lateness: [],
  achievedPerSecond: 0,
  sent: 0,
  errors: 0,
  non2xx: 0,
  queued: 0,
  duplicates: 0,
  distinctDeliveries: 0,
  cpuPerRequest: 0,
};
let answered = 0;
let lastAnswerAt = 0;

function headersFor(n: number): Record<string, string | number> {
  if (body === undefined) return {};
  const every = plan.redeliverEvery ?? 0;
  // A redelivery repeats a delivery sent shortly before, often still in flight: the race dedupe must win.
  const id = every > 0 && n % every === every - 1 && n >= 10 ? (ids[n - 10] ?? randomUUID()) : randomUUID();
  ids.push(id);
  return {
    'content-type': 'application/json',
    'content-length': body.length,
    'user-agent': 'GitHub-Hookshot/bench',
    'x-github-event': 'pull_request',
    'x-github-delivery': id,
    'x-hub-signature-256': plan.signature ?? '',
  };
}

function send(n: number, due: number, done: () => void): void {
  const measured = n >= warmup;
  if (measured) result.lateness.push(performance.now() - due);
  const req = request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: body === undefined ? 'GET' : 'POST',
      headers: headersFor(n),
      timeout: 10_000,
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        lastAnswerAt = performance.now();
        if (measured) result.latencies.push(lastAnswerAt - due);
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) result.non2xx++;
        else if (body !== undefined) {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            queued?: boolean;
            duplicate?: boolean;
          };
          if (answer.queued === true) result.queued++;
          if (answer.duplicate === true) result.duplicates++;
        }
        if (measured) answered++;
        done();
      });
    },
  );
  req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
  req.on('error', () => {
    result.errors++;
    done();
  });
  req.end(body);
}

let measuredFrom = Number.NaN;
const cpuBefore = process.cpuUsage();
await new Promise<void>((resolve) => {
  let finished = 0;
  const done = () => {
    if (++finished === total) resolve();
  };
  const start = performance.now() + 20;
  // Each timer tick sends every request that has come due; a late tick sends a burst, and its lateness counts.
  const tick = () => {
    const now = performance.now();
    while (result.sent < total && start + result.sent * interval <= now) {
      const due = start + result.sent * interval;
      if (result.sent === warmup) measuredFrom = due;
      send(result.sent++, due, done);
    }
    if (result.sent < total) setTimeout(tick, Math.max(0, start + result.sent * interval - performance.now()));
  };
  tick();
});
agent.destroy();
const cpu = process.cpuUsage(cpuBefore);
result.cpuPerRequest = (cpu.user + cpu.system) / total;
// Answered measured requests over the span from the first one's due time to the last answer.
result.achievedPerSecond = answered / ((lastAnswerAt - measuredFrom) / 1000);
result.distinctDeliveries = new Set(ids).size;
console.log(JSON.stringify(result));
