import type { PgQueryable, Store } from '../../store/store.ts';
import { createError } from '../errors.ts';

/** Active is the absence of a row; the other two are stored (0027_agent_lifecycle.sql). */
export type LifecycleState = 'active' | 'suspended' | 'revoked';
export type LifecycleChange = 'suspend' | 'resume' | 'revoke';

export interface LifecycleEvent {
  event: 'suspended' | 'resumed' | 'revoked';
  at: Date;
  actor: string;
  reason: string;
}

const maxReason = 500;
// A control, direction or zero-width character hides what the audit trail says.
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const after: Record<LifecycleChange, { from: LifecycleState[]; to: LifecycleState; event: LifecycleEvent['event'] }> = {
  suspend: { from: ['active'], to: 'suspended', event: 'suspended' },
  resume: { from: ['suspended'], to: 'active', event: 'resumed' },
  revoke: { from: ['active', 'suspended'], to: 'revoked', event: 'revoked' },
};

/** The agent's state now. */
export async function lifecycleOf(db: PgQueryable, agentId: string): Promise<LifecycleState> {
  const { rows } = await db.query<{ state: 'suspended' | 'revoked' }>(
    'select state from agent_lifecycle where agent_id = $1',
    [agentId],
  );
  return rows[0]?.state ?? 'active';
}

/** Every agent that is not Active, with its state. */
export async function haltedAgents(db: PgQueryable): Promise<Map<string, 'suspended' | 'revoked'>> {
  const { rows } = await db.query<{ agent_id: string; state: 'suspended' | 'revoked' }>(
    'select agent_id, state from agent_lifecycle',
  );
  return new Map(rows.map((r) => [r.agent_id, r.state]));
}

export async function lifecycleHistory(db: PgQueryable, agentId: string): Promise<LifecycleEvent[]> {
  const { rows } = await db.query<{ event: LifecycleEvent['event']; at: Date; actor: string; reason: string }>(
    'select event, at, actor, reason from agent_lifecycle_events where agent_id = $1 order by id',
    [agentId],
  );
  return rows.map((r) => ({ event: r.event, at: new Date(r.at), actor: r.actor, reason: r.reason }));
}

/**
 * Suspends, resumes or revokes an agent, with who and why kept in the audit trail, in one
 * transaction that locks the agent's row: Active → Suspended → Active again, and either to
 * Revoked, which is final. The agent must be known to the registry. Runtimes stop a halted
 * agent's instances and refuse its messages within a heartbeat; its credentials grant
 * nothing and are not renewed.
 */
export async function changeLifecycle(
  store: Store,
  agentId: string,
  change: LifecycleChange,
  opts: { actor: string; reason: string; now: Date },
): Promise<{ state: LifecycleState; previous: LifecycleState }> {
  const fail = (problem: string) => createError('WOW_ERR_LIFECYCLE', { agent: agentId.slice(0, 64), change, problem });
  const reason = opts.reason.trim();
  if (reason === '') throw fail('give a reason (--reason): it is kept in the audit trail');
  if (reason.length > maxReason) throw fail(`the reason is longer than ${maxReason} characters`);
  if (hidden.test(reason)) throw fail('the reason holds a control, direction or zero-width character');
  const rule = after[change];
  return store.transaction(async (tx) => {
    const known = await tx.query('select 1 from agents where id = $1 for update', [agentId]);
    if (known.rows.length === 0) throw fail('no agent has that id in the registry (`wow agents list`)');
    const previous = await lifecycleOf(tx, agentId);
    if (!rule.from.includes(previous))
      throw fail(
        previous === 'revoked'
          ? 'it is revoked, which is final; deploy it under a new id'
          : `it is ${previous}, and only an agent that is ${rule.from.join(' or ')} can be told to ${change}`,
      );
    if (rule.to === 'active') await tx.query('delete from agent_lifecycle where agent_id = $1', [agentId]);
    else
      await tx.query(
        `insert into agent_lifecycle (agent_id, state, since, actor, reason) values ($1, $2, $3, $4, $5)
         on conflict (agent_id) do update set state = excluded.state, since = excluded.since, actor = excluded.actor, reason = excluded.reason`,
        [agentId, rule.to, opts.now, opts.actor, reason],
      );
    await tx.query(
      'insert into agent_lifecycle_events (agent_id, event, at, actor, reason) values ($1, $2, $3, $4, $5)',
      [agentId, rule.event, opts.now, opts.actor, reason],
    );
    return { state: rule.to, previous };
  });
}
