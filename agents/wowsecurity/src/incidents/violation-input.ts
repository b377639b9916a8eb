import { z } from 'zod';
import { securityViolationKinds, type SecurityViolationData } from '#platform';

/**
 * A `security.violation`'s data, checked again here though the platform bounds it: what
 * WowSecurity writes to an issue or an audit trail must have a known shape and size.
 */
export const violationInput: z.ZodType<SecurityViolationData> = z.object({
  kind: z.enum(securityViolationKinds),
  agent: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
    .optional(),
  source: z.string().min(1).max(80),
  reason: z.string().min(1).max(300),
  sample: z
    .record(z.string().regex(/^[a-z][a-z_]{0,31}$/), z.string().max(120))
    .refine((s) => Object.keys(s).length <= 4, { error: 'at most 4 sample fields' }),
  at: z.iso.datetime(),
});
