import { z } from 'zod';
import { defineProtocol, type PgQueryable } from '#platform';
import type { Connector } from '../connectors/connector.ts';
import { connectorsCarrying, countFailed } from '../delivery/deliveries.ts';

const kebab = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected a kebab-case name, e.g. "salesforce"' })
  .max(64);

/** integration.credentials.health: one connector's credential, those carrying one agent's events, or all. */
export const credentialsHealthRequest = z.strictObject({
  integration: kebab.optional(),
  /** The agent an incident names: the connectors that carried its events (all of them for wowintegration itself). */
  agent: kebab.optional(),
});

/**
 * healthy: its last use worked; expired: past the expiry its token endpoint gave, or the
 * API refused its token since its last refresh; failing: its last uses failed otherwise;
 * missing: nothing stored; unused: stored, never used yet.
 */
export const credentialStates = ['healthy', 'expired', 'failing', 'missing', 'unused'] as const;
export type CredentialState = (typeof credentialStates)[number];

const credentialHealth = z.strictObject({
  integration: z.string(),
  authKind: z.enum(['oauth2-client-credentials', 'oauth2-refresh-token']),
  state: z.enum(credentialStates),
  expiresAt: z.string().nullable(),
  refreshedAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  /** An HTTP status and the API's error code, or the token endpoint's refusal: never a secret. */
  lastError: z.string().nullable(),
  consecutiveFailures: z.int(),
  /** Deliveries waiting for a retry. */
  failedDeliveries: z.int(),
});
export type CredentialHealth = z.infer<typeof credentialHealth>;

export const credentialsHealthProtocol = defineProtocol({
  type: 'integration.credentials.health',
  input: credentialsHealthRequest,
  output: z.strictObject({ at: z.string(), credentials: z.array(credentialHealth) }),
});

type Row = {
  integration: string;
  expires_at: Date | null;
  refreshed_at: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_error: string | null;
  token_rejected_at: Date | null;
  consecutive_failures: number;
};

/** The order the credentials are answered in: those a remedy can fix first, the idle last. */
const urgency: readonly CredentialState[] = ['expired', 'failing', 'missing', 'unused', 'healthy'];

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function stateOf(row: Row | undefined, now: Date): CredentialState {
  if (row === undefined) return 'missing';
  if (row.token_rejected_at !== null || (row.expires_at !== null && row.expires_at <= now)) return 'expired';
  if (row.consecutive_failures > 0) return 'failing';
  return row.last_success_at === null ? 'unused' : 'healthy';
}

export async function readCredentialsHealth(
  db: PgQueryable,
  connectors: readonly Connector[],
  request: z.output<typeof credentialsHealthRequest>,
  now: Date,
): Promise<{ at: string; credentials: CredentialHealth[] }> {
  const { rows } = await db.query<Row>(
    `select integration, expires_at, refreshed_at, last_success_at, last_failure_at, last_error, token_rejected_at, consecutive_failures
     from integration_credentials`,
  );
  const byName = new Map(rows.map((r) => [r.integration, r]));
  const failed = await countFailed(db);
  const carrying =
    request.agent === undefined || request.agent === 'wowintegration'
      ? undefined
      : await connectorsCarrying(db, `urn:wow:agent:${request.agent}`);
  const chosen = connectors.filter(
    (c) =>
      (request.integration === undefined || c.name === request.integration) &&
      (carrying === undefined || carrying.has(c.name)),
  );
  return {
    at: now.toISOString(),
    // The most urgent first, so a playbook can act on `credentials.0` (stable within a state).
    credentials: chosen
      .map((c) => {
        const row = byName.get(c.name);
        return {
          integration: c.name,
          authKind: c.auth.kind,
          state: stateOf(row, now),
          expiresAt: iso(row?.expires_at ?? null),
          refreshedAt: iso(row?.refreshed_at ?? null),
          lastSuccessAt: iso(row?.last_success_at ?? null),
          lastFailureAt: iso(row?.last_failure_at ?? null),
          lastError: row?.last_error ?? null,
          consecutiveFailures: row?.consecutive_failures ?? 0,
          failedDeliveries: failed.get(c.name) ?? 0,
        };
      })
      .sort((a, b) => urgency.indexOf(a.state) - urgency.indexOf(b.state)),
  };
}
