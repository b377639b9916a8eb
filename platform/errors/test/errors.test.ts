import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createError, errorCodes, isWowError } from '../error-codes.ts';
import { restoreError, serializeError } from '../wow-error.ts';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it.each(Object.keys(errorCodes))('%s is documented in docs/errors.md', (code) => {
    expect(doc).toContain(`| \`${code}\` |`);
  });

  it('fills templates in order and keeps code, status and retryable', () => {
    const err = createError('WOW_ERR_REQUEST_TIMEOUT', ['echo.ping', 250]);
    expect(err.message).toBe(
      'No reply to "echo.ping" within 250 ms. Is an agent that wakes on it running? (`wow agents list`)',
    );
    expect(err.code).toBe('WOW_ERR_REQUEST_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.retryable).toBe(true);
    expect(isWowError(err, 'WOW_ERR_REQUEST_TIMEOUT')).toBe(true);
    expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(false);
  });

  it('survives the wire as plain data', () => {
    const err = createError('WOW_ERR_EVENT_UNDECLARED', ['wow-vision', 'vision.review.done'], {
      data: { agent: 'wow-vision' },
    });
    const wire = JSON.parse(JSON.stringify(serializeError(err))) as ReturnType<typeof serializeError>;
    expect(wire).toEqual({
      name: 'WowError',
      code: 'WOW_ERR_EVENT_UNDECLARED',
      message: err.message,
      retryable: false,
      data: { agent: 'wow-vision' },
    });
    const back = restoreError(wire);
    expect(back.code).toBe('WOW_ERR_EVENT_UNDECLARED');
    expect(back.retryable).toBe(false);
  });

  it('treats unknown errors as retryable unless they say otherwise', () => {
    expect(serializeError(new Error('boom'))).toMatchObject({
      code: 'WOW_ERR_UNEXPECTED',
      retryable: true,
      message: 'boom',
    });
    expect(serializeError(Object.assign(new Error('bad input'), { retryable: false }))).toMatchObject({
      retryable: false,
    });
    expect(serializeError('plain string')).toMatchObject({ code: 'WOW_ERR_UNEXPECTED', message: 'plain string' });
  });

  it('never retries a bug in our code, but does retry a network failure that fetch reports as a TypeError', () => {
    const bug = (() => {
      try {
        (undefined as unknown as { render(): void }).render();
      } catch (err) {
        return err;
      }
    })();
    expect(serializeError(bug)).toMatchObject({ name: 'TypeError', retryable: false });
    expect(serializeError(new ReferenceError('x is not defined'))).toMatchObject({ retryable: false });
    expect(serializeError(new RangeError('Maximum call stack size exceeded'))).toMatchObject({ retryable: false });
    const network = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), {}) });
    expect(serializeError(network)).toMatchObject({ name: 'TypeError', retryable: true });
  });
});
