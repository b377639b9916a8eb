import { z } from 'zod';
import { createError } from '../errors.ts';

/** A field and what is wrong with it, in words for the person filling the form. */
export interface AccountFieldError {
  field: string;
  message: string;
}

export const emailField = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, { error: 'Enter your email address' })
  .max(254, { error: 'Enter an email address of at most 254 characters' })
  .regex(/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/, {
    error: 'Enter an email address like name@example.com',
  });

// NIST SP 800-63B: at least 8, better more; no composition rules; a long passphrase welcome.
// The upper bound keeps one request from costing Argon2 megabytes of input.
export const newPasswordField = z
  .string({ error: 'Choose a password' })
  .min(12, { error: 'Choose a password of at least 12 characters (a few words make a good one)' })
  .max(200, { error: 'Choose a password of at most 200 characters' });

/** A line break or other control character: a name lands in mail headers (an invitation's subject) and pages. */
const hasControlCharacter = (text: string) =>
  Array.from(text).some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

export const nameField = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(200, { error: `Enter ${what} of at most 200 characters` })
    .refine((v) => !hasControlCharacter(v), { error: `Enter ${what} on one line, without control characters` });

/** The input parsed, or WOW_ERR_ACCOUNT_INPUT with each field's problem in `data.errors`. */
export function parseAccountInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: AccountFieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.');
    if (!errors.some((e) => e.field === field)) errors.push({ field, message: issue.message });
  }
  throw createError(
    'WOW_ERR_ACCOUNT_INPUT',
    { problems: errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
    { data: { errors } },
  );
}
