import { WowError } from './wow-error.ts';

/** One code's entry: its message names its parameters in braces, `No agent "{id}" under {dir}.` */
export interface ErrorSpec {
  message: string;
  retryable: boolean;
  status: number;
}

type ErrorSpecs = Record<`WOW_ERR_${string}`, ErrorSpec>;

/** The `{name}` placeholders of a message, as a union of names. */
export type MessageParams<M extends string> = M extends `${string}{${infer Name}}${infer Rest}`
  ? Name | MessageParams<Rest>
  : never;

export interface CreateErrorOptions {
  /** Structured values for callers and the wire (kept apart from the message's wording). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** A message without placeholders takes no parameters; otherwise exactly the ones it names. */
type ParamsArgs<M extends string> = [MessageParams<M>] extends [never]
  ? [params?: Record<string, never>, opts?: CreateErrorOptions]
  : [params: { [Name in MessageParams<M>]: string | number }, opts?: CreateErrorOptions];

type MessageOf<Spec> = Spec extends { message: infer M extends string } ? M : never;

export interface ErrorRegistry<S extends ErrorSpecs> {
  readonly specs: S;
  /** A property, not a method: each registry module exports it on its own (`export const { createError } = errors`). */
  readonly createError: <C extends keyof S & string>(code: C, ...args: ParamsArgs<MessageOf<S[C]>>) => WowError;
}

/**
 * Every code defined so far, across all registries, each with its spec. A code means one thing
 * everywhere: isWowError(err, code) and docs/errors.md would be ambiguous if two packages
 * gave it different meanings, so a second definition fails when its module is imported.
 */
const defined = new Map<string, ErrorSpec>();

/**
 * Declares a package's error codes and returns the `createError` that builds them. Each package
 * (the platform, each domain, each agent, each door) keeps its registry in its own `errors.ts`
 * and extends `WowErrorCodes` so that `isWowError(err, code)` checks the code's spelling.
 */
export function defineErrors<const S extends ErrorSpecs>(specs: S): ErrorRegistry<S> {
  for (const [code, spec] of Object.entries<ErrorSpec>(specs)) {
    const first = defined.get(code);
    // The same definition again is the same module loaded from a second path: a deployed
    // version's copy of an agent beside the checkout's, which another agent imports (a
    // protocol). Only a code given two meanings is an error.
    if (first !== undefined && !sameSpec(first, spec))
      throw registryErrors.createError('WOW_ERR_CODE_DUPLICATE', { code, first: first.message, second: spec.message });
    defined.set(code, spec);
  }
  return {
    specs,
    createError: (code, ...[params, opts = {}]) => {
      const spec = specs[code] as ErrorSpec;
      const values: Record<string, string | number> = params ?? {};
      const message = spec.message.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
        Object.hasOwn(values, name) ? String(values[name]) : placeholder,
      );
      return new WowError(code, message, {
        retryable: spec.retryable,
        status: spec.status,
        data: opts.data,
        cause: opts.cause,
      });
    },
  };
}

const sameSpec = (a: ErrorSpec, b: ErrorSpec) =>
  a.message === b.message && a.retryable === b.retryable && a.status === b.status;

/** The codes defined so far by every registry imported, for the test that checks docs/errors.md. */
export function definedErrorCodes(): string[] {
  return [...defined.keys()];
}

/** The registry's own error, defined here because every other registry depends on this module. */
const registryErrors = defineErrors({
  WOW_ERR_CODE_DUPLICATE: {
    message:
      'Error code {code} is defined twice ("{first}" and "{second}"). A code means one thing across the platform: rename one of them, or import the registry that defines it.',
    retryable: false,
    status: 500,
  },
});

/**
 * The codes of every registry, for `isWowError`. Each registry adds its own:
 * `declare module '#platform' { interface WowErrorCodes extends CodesOf<typeof errors> {} }`.
 */
export interface WowErrorCodes extends CodesOf<typeof registryErrors> {}

export type WowErrorCode = Extract<keyof WowErrorCodes, string>;

/** The code names of a registry, shaped for extending `WowErrorCodes`. */
export type CodesOf<R extends ErrorRegistry<ErrorSpecs>> = { [C in keyof R['specs']]: true };

export function isWowError(err: unknown, code?: WowErrorCode): err is WowError {
  return err instanceof WowError && (code === undefined || err.code === code);
}
