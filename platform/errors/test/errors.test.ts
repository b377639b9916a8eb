import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineErrors, definedErrorCodes, isWowError, type ErrorRegistry, type ErrorSpec } from '../define-errors.ts';
import { createError } from '../errors.ts';
import { restoreError, serializeError } from '../wow-error.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(`${root}docs/errors.md`, 'utf8');

/**
 * Every package's registry, found by name so that a new agent's or domain's `errors.ts` is
 * checked without being listed here.
 */
const registryFiles = globSync('{platform,domains,agents,app,cli,actions}/**/errors.ts', {
  cwd: root,
  exclude: (path) => path.includes('node_modules') || path.includes('/test/'),
}).sort();

const registries = await Promise.all(
  registryFiles.map(async (file) => {
    const mod = (await import(pathToFileURL(root + file).href)) as {
      errors?: ErrorRegistry<Record<string, ErrorSpec>>;
    };
    return { file, registry: mod.errors };
  }),
);

/** Each documented code with the registry file its section names: `## WowSupport (\`agents/…/errors.ts\`)`. */
function documentedCodes(): Map<string, string | undefined> {
  const rows = new Map<string, string | undefined>();
  let section: string | undefined;
  for (const line of doc.split('\n')) {
    if (line.startsWith('## ')) section = /`([^`]+\/errors\.ts)`/.exec(line)?.[1];
    const code = /^\| `(WOW_ERR_[A-Z0-9_]+)` \|/.exec(line)?.[1];
    if (code !== undefined) rows.set(code, section);
  }
  return rows;
}

describe('error registries', () => {
  it('finds the registry of the platform, the doors and every agent that raises its own errors', () => {
    expect(registryFiles).toEqual(
      expect.arrayContaining([
        'platform/errors/errors.ts',
        'app/errors.ts',
        'cli/errors.ts',
        'agents/factory/src/errors.ts',
        'domains/support/src/errors.ts',
      ]),
    );
    for (const { file, registry } of registries)
      expect(registry?.specs, `${file} must export \`errors = defineErrors({...})\``).toBeTypeOf('object');
  });

  it.each(registries.map(({ file, registry }) => [file, registry] as const))(
    '%s: each code is documented in docs/errors.md, in the section naming this file',
    (file, registry) => {
      const documented = documentedCodes();
      for (const code of Object.keys(registry?.specs ?? {})) {
        expect(documented.has(code), `${code} is missing from docs/errors.md`).toBe(true);
        expect(documented.get(code), `${code} is documented under another section`).toBe(file);
      }
    },
  );

  it("documents every code defined, the registries' own included", () => {
    const documented = documentedCodes();
    expect(definedErrorCodes().filter((code) => !code.startsWith('WOW_ERR_TEST_') && !documented.has(code))).toEqual(
      [],
    );
  });

  it('documents no code that no registry defines', () => {
    // serializeError gives an error without a code of its own this one as it crosses the wire.
    const defined = new Set([...definedErrorCodes(), serializeError(new Error('x')).code]);
    expect([...documentedCodes().keys()].filter((code) => !defined.has(code))).toEqual([]);
  });

  it('refuses a code defined a second time, naming both meanings', () => {
    expect(() =>
      defineErrors({ WOW_ERR_AGENT_NOT_FOUND: { message: 'No such agent.', retryable: false, status: 404 } }),
    ).toThrow(
      expect.objectContaining({
        code: 'WOW_ERR_CODE_DUPLICATE',
        message: expect.stringContaining('WOW_ERR_AGENT_NOT_FOUND is defined twice ("No agent "{id}"') as unknown,
      }) as Error,
    );
  });

  it('takes the same definition twice: one module loaded from two paths (a deployed copy beside the checkout)', () => {
    const spec = { message: 'A code defined twice alike.', retryable: false, status: 500 } as const;
    defineErrors({ WOW_ERR_TEST_DEFINED_ALIKE: spec });
    const again = defineErrors({ WOW_ERR_TEST_DEFINED_ALIKE: { ...spec } });
    expect(again.createError('WOW_ERR_TEST_DEFINED_ALIKE').message).toBe('A code defined twice alike.');
  });

  it('fills named parameters and keeps code, status and retryable', () => {
    const err = createError('WOW_ERR_REQUEST_TIMEOUT', { type: 'echo.ping', timeoutMs: 250 });
    expect(err.message).toBe(
      'No reply to "echo.ping" within 250 ms. Is an agent that wakes on it running? (`wow agents list`)',
    );
    expect(err.code).toBe('WOW_ERR_REQUEST_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.retryable).toBe(true);
    expect(isWowError(err, 'WOW_ERR_REQUEST_TIMEOUT')).toBe(true);
    expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(false);
    // A value is inserted as it is: braces in it are not read as placeholders.
    expect(createError('WOW_ERR_BUS_CLOSED', { what: 'publishing {type}' }).message).toBe(
      'The bus is closed; publishing {type} was not done.',
    );
  });

  it('checks parameters and codes at compile time', () => {
    const typed = defineErrors({
      WOW_ERR_TEST_TYPED: { message: 'Agent {id} under {dir}.', retryable: false, status: 400 },
      WOW_ERR_TEST_BARE: { message: 'Nothing to name.', retryable: true, status: 503 },
    });
    expect(typed.createError('WOW_ERR_TEST_TYPED', { id: 'a', dir: 'agents' }).message).toBe('Agent a under agents.');
    expect(typed.createError('WOW_ERR_TEST_BARE').retryable).toBe(true);
    // tsc checks these calls; they never run.
    const compileTimeOnly = (): void => {
      // @ts-expect-error a parameter the message names is missing
      typed.createError('WOW_ERR_TEST_TYPED', { id: 'a' });
      // @ts-expect-error a parameter the message does not name
      typed.createError('WOW_ERR_TEST_TYPED', { id: 'a', dir: 'agents', extra: 1 });
      // @ts-expect-error a code of another registry
      typed.createError('WOW_ERR_CONFIG', { problems: '' });
      // @ts-expect-error a code no registry defines
      isWowError(new Error('x'), 'WOW_ERR_NO_SUCH_CODE');
    };
    expect(compileTimeOnly).toBeTypeOf('function');
  });

  it('survives the wire as plain data', () => {
    const err = createError(
      'WOW_ERR_EVENT_UNDECLARED',
      { agent: 'wow-vision', type: 'vision.review.done' },
      { data: { agent: 'wow-vision' } },
    );
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
