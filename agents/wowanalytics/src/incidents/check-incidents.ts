import { randomUUID } from 'node:crypto';
import type { EventInput, FailureRateReport, GitHubClient, Logger, PgQueryable, Store } from '#platform';
import { createError } from '../errors.ts';
import { healthFigures } from './health-figures.ts';
import { resolutionOf } from './resolution-of.ts';
import { judgeRemedies } from './judge-remedies.ts';
import { closeIncidentIssue, createIncidentIssue, updateIncidentIssue } from './incident-issue.ts';
import {
  claimIncidentCheck,
  claimIncidentIssue,
  closeIncident,
  insertIncident,
  openIncidents,
  queueIncidentNotices,
  recordJudgement,
  setIncidentIssue,
  type Incident,
} from './incident-store.ts';
import {
  defaultHealthPolicy,
  judgeHealth,
  type HealthFigures,
  type HealthPolicy,
  type Signal,
} from './judge-health.ts';
import { sendIncidentNotices, type SendNotice } from './send-incident-notices.ts';

export interface IncidentDeps {
  store: Store;
  log: Logger;
  /**
   * The agent's `ctx.once` and `ctx.emit`: an incident's rows, its notices and its event
   * are written in one transaction, so the event leaves exactly when the incident is kept.
   */
  once<T>(key: string, effect: (tx: PgQueryable) => Promise<T>): Promise<T>;
  emit(event: Omit<EventInput, 'source'>, opts: { tx: PgQueryable }): Promise<void>;
  /**
   * The agent's `ctx.reportFailureRate` (capability errors:report): the platform publishes
   * `error.occurred` for an incident whose failures rose, in the incident's transaction.
   */
  reportFailureRate(report: FailureRateReport, opts: { tx: PgQueryable }): Promise<void>;
  /** The support repository's client; undefined: incidents are kept and told, with no issue. */
  github: { client: GitHubClient; owner: string; repo: string } | undefined;
  send: SendNotice;
  policy?: HealthPolicy;
  /**
   * How long a judgement of an open incident holds before another look may judge it again:
   * half the check's interval, at most 30 seconds (the default), so that a look each
   * interval judges it once however many runtimes look.
   */
  recheckSeconds?: number;
}

export type IncidentOutcome =
  | { agentId: string; did: 'opened'; incidentId: string; signals: Signal[] }
  | { agentId: string; did: 'updated'; incidentId: string; signals: Signal[] }
  | { agentId: string; did: 'recovering'; incidentId: string; healthyChecks: number }
  | { agentId: string; did: 'unrecovered'; incidentId: string; remedy: string }
  | { agentId: string; did: 'remedy-recovered'; incidentId: string; remedy: string }
  | { agentId: string; did: 'closed'; incidentId: string };

/**
 * One look at every agent's health: a regression with no open incident opens one (its
 * issue, a bus event, notices to affected customers); an open incident is updated while
 * it lasts and closed after consecutive healthy windows; then every remedy WowSupport
 * applied is judged over the windows after it (judge-remedies.ts). Any number of runtimes
 * may run this at once: the open incident is unique per agent, each judgement is leased,
 * each issue, notice and verdict claimed before it is made.
 */
export async function checkIncidents(deps: IncidentDeps, now: Date): Promise<IncidentOutcome[]> {
  const policy = deps.policy ?? defaultHealthPolicy;
  const figures = new Map((await healthFigures(deps.store, now, policy)).map((f) => [f.agentId, f]));
  const open = new Map((await openIncidents(deps.store)).map((i) => [i.agentId, i]));
  const outcomes: IncidentOutcome[] = [];
  for (const agentId of new Set([...figures.keys(), ...open.keys()])) {
    const f = figures.get(agentId) ?? {
      agentId,
      baseline: { handled: 0, errorRate: 0, meanMs: 0 },
      current: { handled: 0, errorRate: 0, meanMs: 0 },
    };
    const judged = judgeHealth(f, policy);
    const incident = open.get(agentId);
    const outcome =
      incident === undefined
        ? judged.state === 'regressed'
          ? await openIncident(deps, f, judged.signals, now)
          : undefined
        : await judgeOpenIncident(deps, incident, f, judged, now, policy);
    if (outcome !== undefined) outcomes.push(outcome);
  }
  // After the incidents: a remedy whose incident this look closed is judged by that close.
  outcomes.push(...(await judgeRemedies(deps, now, policy)));
  await sendIncidentNotices(deps.store, deps.send, now, deps.log);
  return outcomes;
}

async function openIncident(
  deps: IncidentDeps,
  f: HealthFigures,
  signals: Signal[],
  now: Date,
): Promise<IncidentOutcome | undefined> {
  const repo = deps.github === undefined ? undefined : { owner: deps.github.owner, repo: deps.github.repo };
  // A fresh id per look: the unique open incident per agent, not the key, makes a second look find it taken.
  const id = randomUUID();
  const incident = await deps.once(`incident:${id}:opened`, async (tx) => {
    const made = await insertIncident(tx, { id, agentId: f.agentId, signals, figures: f, now, repo });
    if (made === undefined) return undefined;
    await queueIncidentNotices(tx, made, 'opened');
    await deps.emit(
      {
        type: 'support.incident.opened',
        subject: made.id,
        partitionkey: f.agentId,
        data: { incidentId: made.id, agentId: f.agentId, signals, figures: f },
      },
      { tx },
    );
    if (signals.includes('errors')) await reportFailureRate(deps, tx, made.id, f, policyOf(deps));
    return made;
  });
  if (incident === undefined) return undefined;
  deps.log.warn({ agent: f.agentId, incident: incident.id, signals }, 'incident opened');
  await ensureIssue(deps, incident, now);
  return { agentId: f.agentId, did: 'opened', incidentId: incident.id, signals };
}

async function judgeOpenIncident(
  deps: IncidentDeps,
  incident: Incident,
  f: HealthFigures,
  judged: ReturnType<typeof judgeHealth>,
  now: Date,
  policy: HealthPolicy,
): Promise<IncidentOutcome | undefined> {
  if (!(await claimIncidentCheck(deps.store, incident.id, now, deps.recheckSeconds ?? 30))) return undefined;
  const issue = await ensureIssue(deps, incident, now);
  // Too little traffic to tell: the incident stays as it is.
  if (judged.state === 'unknown') return undefined;
  if (judged.state === 'regressed') {
    await recordJudgement(deps.store, incident.id, f, { healthy: false, signals: judged.signals });
    // Slower first, failing since: the failures are reported once, as when an incident opens with them.
    if (judged.signals.includes('errors') && !incident.signals.includes('errors'))
      await deps.once(`incident:${incident.id}:failure-rate`, (tx) =>
        reportFailureRate(deps, tx, incident.id, f, policy),
      );
    const changed = judged.signals.join() !== incident.signals.join();
    const current = { ...incident, signals: judged.signals };
    if (issue !== undefined && deps.github !== undefined)
      await updateIncidentIssue(
        deps.github.client,
        deps.github,
        issue,
        current,
        f,
        now,
        changed ? `Now: ${judged.summary}.` : undefined,
      );
    return { agentId: incident.agentId, did: 'updated', incidentId: incident.id, signals: judged.signals };
  }
  const healthyChecks = await recordJudgement(deps.store, incident.id, f, { healthy: true });
  if (healthyChecks < policy.healthyChecksToClose) {
    if (issue !== undefined && deps.github !== undefined)
      await updateIncidentIssue(deps.github.client, deps.github, issue, incident, f, now, undefined);
    return { agentId: incident.agentId, did: 'recovering', incidentId: incident.id, healthyChecks };
  }
  // Closed once per incident. A look that finds the close recorded by another (the ledger
  // answers with that look's token, not its own) leaves the issue and the log to that one.
  const token = randomUUID();
  const closedBy = await deps.once(`incident:${incident.id}:resolved`, async (tx) => {
    if (!(await closeIncident(tx, incident.id, now))) return null;
    await queueIncidentNotices(tx, incident, 'resolved');
    const told = await resolutionOf(tx, incident);
    await deps.emit(
      {
        type: 'support.incident.resolved',
        subject: incident.id,
        partitionkey: incident.agentId,
        data: { incidentId: incident.id, agentId: incident.agentId, figures: f, ...told },
      },
      { tx },
    );
    return token;
  });
  if (closedBy !== token) return undefined;
  deps.log.info(
    { agent: incident.agentId, incident: incident.id },
    'incident closed: the agent is back within its baseline',
  );
  if (issue !== undefined && deps.github !== undefined)
    await closeIncidentIssue(deps.github.client, deps.github, issue, incident, f, now);
  return { agentId: incident.agentId, did: 'closed', incidentId: incident.id };
}

const policyOf = (deps: IncidentDeps) => deps.policy ?? defaultHealthPolicy;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/**
 * Asks the platform to publish error.occurred (failure_rate) for the incident: the figures
 * as its sample, WOW_ERR_FAILURE_RATE as its code, the incident so WowSupport's run is the
 * incident's. WowSupport treats it as the incident's failures: whichever of the two
 * arrives first runs the playbook, the other finds the run taken.
 */
async function reportFailureRate(
  deps: IncidentDeps,
  tx: PgQueryable,
  incidentId: string,
  f: HealthFigures,
  policy: HealthPolicy,
): Promise<void> {
  const figures = {
    agent: f.agentId,
    current: `${pct(f.current.errorRate)} of ${f.current.handled}`,
    window: String(policy.windowMinutes),
    baseline: pct(f.baseline.errorRate),
  };
  const error = createError('WOW_ERR_FAILURE_RATE', figures);
  await deps.reportFailureRate(
    {
      agent: f.agentId,
      code: error.code,
      sample: { failed: figures.current, baseline: figures.baseline, message: error.message },
      incidentId,
    },
    { tx },
  );
}

/** The incident's issue number, creating the issue when it has none and this caller takes the claim. */
async function ensureIssue(deps: IncidentDeps, incident: Incident, now: Date): Promise<number | undefined> {
  if (incident.issueNumber !== null) return incident.issueNumber;
  if (deps.github === undefined || incident.repo === undefined) return undefined;
  if (!(await claimIncidentIssue(deps.store, incident.id, now))) return undefined;
  const number = await createIncidentIssue(deps.github.client, incident.repo, incident, now);
  await setIncidentIssue(deps.store, incident.id, number);
  return number;
}
