import { z } from 'zod';
import { assertEventTypeValid } from '../bus/envelope.ts';

/**
 * `domains/<name>/domain.yml`: what a domain package declares. A domain's functions write
 * events through the outbox (a ticket opened at intake), so, like an agent, it declares the
 * types it sends. This schema is the only source of the type below.
 */
export const domainSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
    error: 'expected kebab-case, e.g. "support", equal to the folder name',
  }),
  description: z.string().min(1, { error: 'expected one sentence on what the domain holds' }),
  emits: z
    .array(
      z.string().refine(
        (type) => {
          try {
            assertEventTypeValid(type);
            return true;
          } catch {
            return false;
          }
        },
        { error: 'expected an event type, e.g. "support.ticket.opened"' },
      ),
    )
    .default([]),
});

export type DomainManifest = z.infer<typeof domainSchema>;
