import { createError } from '../errors/errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createRoleStore, type RoleStore } from '../store/role-store.ts';
import type { Store } from '../store/store.ts';
import { grantsOf } from './capabilities.ts';
import type { AgentManifest } from './manifest-schema.ts';
import { agentRole } from './provision-agent-role.ts';

/** PostgreSQL's SQLSTATE for a privilege the role lacks. */
const insufficientPrivilege = '42501';

/**
 * `ctx.store`: the platform's store as the agent's own role (provisionAgentRole), so
 * PostgreSQL itself refuses what its manifest does not grant. Without `store:read` or
 * `store:write` no statement runs at all. Each refusal is a named error and a security
 * violation, never a silent pass.
 */
export function createAgentStore(platform: Store, opts: { manifest: AgentManifest; metrics: Metrics }): RoleStore {
  const { manifest, metrics } = opts;
  const access = grantsOf(manifest.capabilities).store;
  return createRoleStore(platform, {
    role: agentRole(manifest.id),
    async guard(statement) {
      if (access === 'none') {
        metrics.securityViolation('capability_missing');
        throw createError('WOW_ERR_CAPABILITY_MISSING', {
          agent: manifest.id,
          what: 'the store',
          capability: 'store:read" or "store:write',
        });
      }
      try {
        return await statement();
      } catch (err) {
        if ((err as { code?: unknown }).code !== insufficientPrivilege) throw err;
        metrics.securityViolation('store_forbidden');
        throw createError(
          'WOW_ERR_STORE_FORBIDDEN',
          { agent: manifest.id, reason: (err as Error).message, access: `store:${access}` },
          { cause: err },
        );
      }
    },
  });
}
