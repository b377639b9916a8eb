import { describe, expect, it } from 'vitest';
import { createError } from '../../errors/errors.ts';
import { createRequestGates } from '../request-gates.ts';
import type { AnswerTerms } from '../protocol-directory.ts';
import type { CircuitState } from '../request-observer.ts';

const terms: AnswerTerms = { agent: 'answerer', timeoutMs: 100, maxTimeoutMs: 300, concurrency: 2, queue: 1 };
const timeout = () => Promise.reject(createError('WOW_ERR_REQUEST_TIMEOUT', { type: 'a.b.c', timeoutMs: 100 }));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err as { code?: string }).code,
  );

// The gates alone, with the sending replaced by promises the test settles: what reaches the target and what does not.
describe('request gates', () => {
  it("counts only the target's failures: an invalid request or a refusal of the caller's own never opens the circuit", async () => {
    const gates = createRequestGates({ breaker: { failures: 2, halfOpenAfterMs: 60_000 } });
    const invalid = () =>
      Promise.reject(createError('WOW_ERR_REQUEST_INVALID', { type: 'a.b.c', agent: 'x', problems: 'p' }));
    for (let i = 0; i < 3; i++)
      expect(await codeOf(gates.run('a.b.c', terms, invalid))).toBe('WOW_ERR_REQUEST_INVALID');
    expect(gates.states().get('a.b.c')).toBe('closed');
    expect(await codeOf(gates.run('a.b.c', terms, timeout))).toBe('WOW_ERR_REQUEST_TIMEOUT');
    expect(await codeOf(gates.run('a.b.c', terms, timeout))).toBe('WOW_ERR_REQUEST_TIMEOUT');
    expect(gates.states().get('a.b.c')).toBe('open');
    // Another type has a circuit of its own.
    expect(await codeOf(gates.run('a.b.d', terms, () => Promise.resolve(1)))).toBe('ok');
  });

  it('lets one probe through when half-open, the others waiting for its outcome, and opens again when the probe fails', async () => {
    const changes: CircuitState[] = [];
    const gates = createRequestGates({ breaker: { failures: 1, halfOpenAfterMs: 20 } });
    gates.onChange((c) => changes.push(c.state));
    expect(await codeOf(gates.run('a.b.c', terms, timeout))).toBe('WOW_ERR_REQUEST_TIMEOUT');
    expect(await codeOf(gates.run('a.b.c', terms, () => Promise.resolve(1)))).toBe('WOW_ERR_CIRCUIT_OPEN');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const sent: string[] = [];
    const failProbe: (() => void)[] = [];
    const probe = gates.run('a.b.c', terms, () => {
      sent.push('probe');
      return new Promise<never>((_resolve, reject) =>
        failProbe.push(() => reject(createError('WOW_ERR_NO_RESPONDER', { correlationId: 'c', error: 'x' }))),
      );
    });
    const meanwhile = codeOf(gates.run('a.b.c', terms, () => Promise.resolve(sent.push('second'))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toEqual(['open', 'half_open']);
    failProbe[0]?.();
    expect(await codeOf(probe)).toBe('WOW_ERR_NO_RESPONDER');
    // The one waiting meets the circuit open again, without being sent.
    expect(await meanwhile).toBe('WOW_ERR_CIRCUIT_OPEN');
    expect(sent).toEqual(['probe']);
    expect(changes).toEqual(['open', 'half_open', 'open']);
  });

  it('queues up to its queue beyond its concurrency and refuses the rest, the queued one sent when a slot frees', async () => {
    const gates = createRequestGates();
    const release: (() => void)[] = [];
    const held = () => new Promise<string>((resolve) => release.push(() => resolve('done')));
    const first = gates.run('a.b.c', terms, held);
    const second = gates.run('a.b.c', terms, held);
    const queued = gates.run('a.b.c', terms, held);
    expect(await codeOf(gates.run('a.b.c', terms, held))).toBe('WOW_ERR_BULKHEAD_FULL');
    expect(release).toHaveLength(2);
    release[0]?.();
    expect(await first).toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(release).toHaveLength(3);
    release[1]?.();
    release[2]?.();
    expect(await Promise.all([second, queued])).toEqual(['done', 'done']);
  });
});
