import type { PgQueryable } from '../../store/store.ts';

/** One approval of a capability beyond an agent's tier, as the audit trail keeps it. */
export interface CapabilityApproval extends Record<string, unknown> {
  capability: string;
  approvedBy: string;
  approvedAt: Date;
  reason: string;
  /** 'wow identity approve', or the pull request comment it came from. */
  via: string;
}

/**
 * Records the approval; with `onceKey`, only if no approval holds that key yet (the same
 * request delivered again). True when it was recorded now.
 */
export async function recordApproval(
  db: PgQueryable,
  agentId: string,
  approval: CapabilityApproval,
  onceKey?: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into identity_capability_approvals (agent_id, capability, approved_by, approved_at, reason, via, once_key)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (once_key) do nothing`,
    [
      agentId,
      approval.capability,
      approval.approvedBy,
      approval.approvedAt,
      approval.reason,
      approval.via,
      onceKey ?? null,
    ],
  );
  return rowCount === 1;
}

/** Every approval given for the agent, oldest first. */
export async function listApprovals(db: PgQueryable, agentId: string): Promise<CapabilityApproval[]> {
  const { rows } = await db.query<{
    capability: string;
    approved_by: string;
    approved_at: Date;
    reason: string;
    via: string;
  }>(
    `select capability, approved_by, approved_at, reason, via from identity_capability_approvals
      where agent_id = $1 order by approved_at, id`,
    [agentId],
  );
  return rows.map((r) => ({
    capability: r.capability,
    approvedBy: r.approved_by,
    approvedAt: new Date(r.approved_at),
    reason: r.reason,
    via: r.via,
  }));
}
