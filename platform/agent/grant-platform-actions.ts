import type { DeadLetterQueue } from '../bus/bus.ts';
import type { AgentDeployed } from '../deploy/agent-release.ts';
import { activateVersion, rollbackVersion } from '../deploy/version-registry.ts';
import { createError } from '../errors/errors.ts';
import type { Identity } from '../identity/create-identity.ts';
import { changeLifecycle, type LifecycleState } from '../identity/lifecycle/agent-lifecycle.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/store.ts';
import { grantsOf } from './capabilities.ts';
import type { AgentManifest } from './manifest-schema.ts';

/** Why an action is taken, as the audit table (platform_actions) keeps it. */
export interface PlatformWhy {
  /** In words, for the audit trail and the lifecycle history: at most 500 characters. */
  reason: string;
  /** The incident (or error event) the action is for. */
  incident?: string | undefined;
  /** The person who approved it, when one did (a GitHub login). */
  approvedBy?: string | undefined;
}

export type PlatformActionName = 'redrive' | 'rollback' | 'roll_forward' | 'suspend' | 'resume';

/**
 * The operator runtime's remedies as one agent may use them (`ctx.platform`), each the same
 * as its `wow` command: `wow bus dlq redrive`, `wow deploy --rollback`, `wow agents suspend`
 * and `resume`. Each needs its capability (`platform:bus:redrive`, `platform:deploy:rollback`,
 * `platform:agents:suspend`), which no tier holds without an approver; every call, refused
 * or not, is kept in platform_actions with who asked, what and why.
 */
export interface PlatformActions {
  /** Sends `agent`'s dead letters (of `eventType` only, when given) back to it alone: at most `limit` (default and at most 100). */
  redrive(
    agent: string,
    why: PlatformWhy & { eventType?: string | undefined; limit?: number | undefined },
  ): Promise<{ redriven: number; ids: string[] }>;
  /** Returns `agent` to the version Active before the current one. */
  rollback(agent: string, why: PlatformWhy): Promise<AgentDeployed>;
  /** Undoes a rollback: makes `treeHash`, a version of `agent` rolled back, Active again. */
  rollForward(agent: string, treeHash: string, why: PlatformWhy): Promise<AgentDeployed>;
  /** Suspends `agent` (identity lifecycle): runtimes stop it and refuse its messages. */
  suspend(agent: string, why: PlatformWhy): Promise<{ state: LifecycleState; previous: LifecycleState }>;
  /** Lifts a suspension. */
  resume(agent: string, why: PlatformWhy): Promise<{ state: LifecycleState; previous: LifecycleState }>;
}

export interface PlatformActionServices {
  deadLetters: Pick<DeadLetterQueue, 'list' | 'redrive'>;
  /** The platform's store, unrestricted: the registry, the lifecycle and platform_actions. */
  store: Store;
  /** With it, a lifecycle change publishes the status lists at once too; without it, the table alone changes. */
  identity: Identity | undefined;
  metrics: Metrics;
  clock?: () => Date;
}

const maxRedrive = 100;
const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const eventTypePattern = /^[a-z][a-z0-9_]*(\.[a-z0-9_*]+)+$/;
const login = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// A control, direction or zero-width character hides what the audit trail says.
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const capabilityOf = {
  redrive: 'platform:bus:redrive',
  rollback: 'platform:deploy:rollback',
  roll_forward: 'platform:deploy:rollback',
  suspend: 'platform:agents:suspend',
  resume: 'platform:agents:suspend',
} as const satisfies Record<PlatformActionName, string>;

const described: Record<PlatformActionName, string> = {
  redrive: "redriving an agent's dead letters",
  rollback: "rolling back an agent's deploy",
  roll_forward: "rolling an agent's deploy forward",
  suspend: 'suspending an agent',
  resume: 'resuming an agent',
};

export function grantPlatformActions(
  manifest: AgentManifest,
  services: PlatformActionServices,
  withheld: readonly string[] = [],
): PlatformActions {
  const grants = grantsOf(manifest.capabilities.filter((c) => !withheld.includes(c))).platform;
  const held: Record<PlatformActionName, boolean> = {
    redrive: grants.redrive,
    rollback: grants.rollback,
    roll_forward: grants.rollback,
    suspend: grants.suspend,
    resume: grants.suspend,
  };
  const self = manifest.id;
  const clock = services.clock ?? (() => new Date());
  const audit = async (
    action: PlatformActionName,
    target: string,
    why: PlatformWhy,
    outcome: 'done' | 'refused' | 'failed',
    detail: unknown,
  ) => {
    await services.store.query(
      `insert into platform_actions (agent_id, action, target, reason, incident, approved_by, outcome, detail, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        self,
        action,
        target.slice(0, 64),
        why.reason.slice(0, 500),
        why.incident?.slice(0, 100) ?? null,
        why.approvedBy ?? null,
        outcome,
        JSON.stringify(detail ?? {}),
        clock(),
      ],
    );
  };
  const fail = (action: PlatformActionName, target: string, problem: string) =>
    createError('WOW_ERR_PLATFORM_ACTION', { agent: self, action: action.replace('_', ' '), target, problem });
  /** Checks who may act and what was asked, runs the action, and keeps the call in platform_actions. */
  async function act<T>(
    action: PlatformActionName,
    target: string,
    why: PlatformWhy,
    run: () => Promise<T>,
  ): Promise<T> {
    const capability = capabilityOf[action];
    if (!agentId.test(target) || target.length > 64)
      throw fail(action, JSON.stringify(target.slice(0, 64)), 'expected an agent id');
    const reason = why.reason.trim();
    if (reason === '' || reason.length > 500 || hidden.test(reason))
      throw fail(action, target, 'give a reason of 1 to 500 characters without control characters; it is audited');
    if ((why.incident?.length ?? 0) > 100 || hidden.test(why.incident ?? ''))
      throw fail(action, target, 'the incident is an id of at most 100 characters');
    if (why.approvedBy !== undefined && !login.test(why.approvedBy))
      throw fail(action, target, "approvedBy must be the approver's GitHub login");
    const checked = { ...why, reason };
    if (!held[action]) {
      services.metrics.securityViolation('capability_missing', {
        agent: self,
        source: 'agent context',
        reason: `${self} used ${described[action]} without ${capability}`,
        sample: { capability },
      });
      await audit(action, target, checked, 'refused', { capability });
      throw createError(withheld.includes(capability) ? 'WOW_ERR_CAPABILITY_WITHHELD' : 'WOW_ERR_CAPABILITY_MISSING', {
        agent: self,
        what: described[action],
        capability,
      });
    }
    try {
      const result = await run();
      await audit(action, target, checked, 'done', result);
      return result;
    } catch (err) {
      await audit(action, target, checked, 'failed', {
        error: (err instanceof Error ? err.message : '').slice(0, 500),
      });
      throw err;
    }
  }
  // Who acted, as the lifecycle history keeps it: the agent, and the person who approved it.
  const actor = (why: PlatformWhy) => (why.approvedBy === undefined ? self : `${why.approvedBy} via ${self}`);
  const lifecycle = (agent: string, change: 'suspend' | 'resume', why: PlatformWhy) => {
    if (agent === self) throw fail(change, agent, 'an agent does not change its own lifecycle');
    const reason = why.incident === undefined ? why.reason : `${why.reason} (incident ${why.incident})`;
    return services.identity === undefined
      ? changeLifecycle(services.store, agent, change, { actor: actor(why), reason, now: clock() })
      : services.identity.lifecycle.change(agent, change, { actor: actor(why), reason });
  };
  // agent.deployed is the platform's event, as `wow deploy` sends it: signed as the platform, not as this agent.
  const source = 'wow/platform-actions';

  return {
    redrive: (agent, why) =>
      act('redrive', agent, why, async () => {
        const limit = why.limit ?? maxRedrive;
        if (!Number.isInteger(limit) || limit < 1 || limit > maxRedrive)
          throw fail('redrive', agent, `the limit is an integer from 1 to ${maxRedrive}`);
        if (why.eventType !== undefined && (why.eventType.length > 200 || !eventTypePattern.test(why.eventType)))
          throw fail('redrive', agent, 'expected an event type such as "support.ticket.opened"');
        // The queue is read newest-bounded: what one remedy sends again is never the whole backlog.
        const letters = await services.deadLetters.list({ group: agent, limit: maxRedrive * 10 });
        const ids = letters
          .filter((l) => why.eventType === undefined || l.event.type === why.eventType)
          .slice(0, limit)
          .map((l) => l.id);
        const redriven = ids.length === 0 ? 0 : await services.deadLetters.redrive(agent, ids);
        return { redriven, ids };
      }),
    rollback: (agent, why) => act('rollback', agent, why, () => rollbackVersion(services.store, agent, source)),
    rollForward: (agent, treeHash, why) =>
      act('roll_forward', agent, why, async () => {
        if (!/^[0-9a-f]{40}$/.test(treeHash)) throw fail('roll_forward', agent, 'expected a 40-character tree hash');
        const { rows } = await services.store.query<{ state: string }>(
          'select state from agent_versions where agent_id = $1 and tree_hash = $2',
          [agent, treeHash],
        );
        // Only what a rollback retired comes back this way; anything else is a deploy.
        if (rows[0]?.state !== 'RolledBack')
          throw fail('roll_forward', agent, `version ${treeHash.slice(0, 12)} is not one a rollback retired`);
        return activateVersion(services.store, agent, treeHash, source);
      }),
    suspend: (agent, why) => act('suspend', agent, why, () => lifecycle(agent, 'suspend', why)),
    resume: (agent, why) => act('resume', agent, why, () => lifecycle(agent, 'resume', why)),
  };
}
