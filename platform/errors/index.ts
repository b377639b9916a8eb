// The platform's errors alone, imported as "#platform/errors" by what must start without
// the rest of the platform (the CLI before it knows which command runs); "#platform"
// exports the same names.
export { createError, errors as platformErrors } from './errors.ts';
export {
  defineErrors,
  isWowError,
  type CodesOf,
  type CreateErrorOptions,
  type ErrorRegistry,
  type ErrorSpec,
  type WowErrorCode,
  type WowErrorCodes,
} from './define-errors.ts';
export { WowError, serializeError, type SerializedError } from './wow-error.ts';
