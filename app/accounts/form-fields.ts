import { isWowError } from '#platform';
import type { FieldProblem } from './account-layout.ts';

/** A parsed form's text fields (app/tickets/read-form-body.ts made them). */
export function formFields(body: unknown): Record<string, string | undefined> {
  if (body === null || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The field problems of WOW_ERR_ACCOUNT_INPUT, or undefined for any other error. */
export function fieldProblems(err: unknown): FieldProblem[] | undefined {
  if (!isWowError(err, 'WOW_ERR_ACCOUNT_INPUT')) return undefined;
  return (err.data?.errors as FieldProblem[] | undefined) ?? [];
}

/**
 * Where to go after signing in: a path of ours only (`/…`, not `//host` or `/\host`, which
 * browsers read as another site), so a crafted sign-in link cannot send people elsewhere.
 */
export function localPath(next: string | undefined): string | undefined {
  if (next === undefined || next.length > 500 || !next.startsWith('/') || /^\/[/\\]/.test(next)) return undefined;
  // A control character or a backslash: browsers strip or rewrite them, so the target is not what it reads.
  return Array.from(next).some((c) => c.charCodeAt(0) < 0x20 || c === '\\') ? undefined : next;
}
