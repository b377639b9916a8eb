import type { AgentIdentity, Logger, PgQueryable, SecurityViolationData, Store } from '#platform';
import type { SecuritySettings } from '../security-settings.ts';
import { suspendPastThreshold, type SuspensionOutcome } from '../suspension/suspend-past-threshold.ts';
import { closeEndedIssue } from './end-incidents.ts';
import { commentOnIncident, describeViolation, openIncidentIssue, type IssueRepo } from './incident-issue.ts';
import { claimIncidentComment, incidentById, recordViolation, setIncidentIssue } from './incident-store.ts';

export interface ViolationDeps {
  store: Store;
  log: Logger;
  /** The agent's `ctx.once`: a violation is counted once, however often it is delivered. */
  once<T>(key: string, effect: (tx: PgQueryable) => Promise<T>): Promise<T>;
  /** The agent's `ctx.identity`, through which it suspends. */
  identity: AgentIdentity | undefined;
  /** WOWSECURITY_REPO's client; undefined: bursts are kept and acted on with no issue. */
  github: IssueRepo | undefined;
  settings: SecuritySettings;
  /** WowSecurity's own id, which it never suspends. */
  self: string;
}

export interface ViolationOutcome {
  incidentId: string;
  opened: boolean;
  issueNumber: number | null;
  suspension: SuspensionOutcome | undefined;
}

/**
 * One `security.violation`: kept in its offender's burst (a quiet burst ends first), the
 * burst's issue opened when it begins or told of more (a comment a minute at most), and
 * the agent suspended once past the threshold, which its issue then says. The GitHub
 * writes are each made once: the issue found again by its marker, comments and closing
 * claimed in the store.
 */
export async function handleViolation(
  deps: ViolationDeps,
  eventId: string,
  violation: SecurityViolationData,
  now: Date,
): Promise<ViolationOutcome> {
  // The platform's clock said when; never later than now, so a burst cannot be kept open ahead.
  const at = new Date(Math.min(Date.parse(violation.at), now.getTime()));
  const { quietSeconds } = deps.settings;
  const recorded = await deps.once(eventId, (tx) => recordViolation(tx, { eventId, violation, at, quietSeconds }));
  const { github } = deps;
  if (recorded.endedId !== undefined)
    await closeEndedIssue({ db: deps.store, log: deps.log, github, quietSeconds }, recorded.endedId, now);
  let incident = await incidentById(deps.store, recorded.incidentId);
  if (incident === undefined)
    return { incidentId: recorded.incidentId, opened: recorded.opened, issueNumber: null, suspension: undefined };
  if (github !== undefined && recorded.opened && incident.issueNumber === null) {
    const issueNumber = await openIncidentIssue(github, incident, violation, quietSeconds);
    await setIncidentIssue(deps.store, incident.id, issueNumber);
    incident = { ...incident, issueNumber };
  } else if (github !== undefined && !recorded.opened) {
    const due = await claimIncidentComment(deps.store, incident.id, now);
    if (due !== undefined)
      await commentOnIncident(
        github,
        due,
        incident.id,
        `${incident.violations} violations in this burst so far; the latest, at ${at.toISOString()}: ${describeViolation(violation)}`,
      );
  }
  const suspension = await suspendPastThreshold(
    { db: deps.store, identity: deps.identity, settings: deps.settings, self: deps.self },
    incident,
    violation,
    now,
  );
  if (suspension !== undefined)
    deps.log.warn({ ...suspension, incident: incident.id }, 'threshold of security violations reached');
  if (suspension?.did === 'suspended' && github !== undefined && incident.issueNumber !== null)
    await commentOnIncident(
      github,
      incident.issueNumber,
      incident.id,
      `Suspended **${suspension.agentId}**: ${suspension.violations} violations within ${deps.settings.windowSeconds} s. ` +
        `Once the cause is fixed, resume it with \`wow agents resume ${suspension.agentId} --reason "…"\`.`,
    );
  return { incidentId: incident.id, opened: recorded.opened, issueNumber: incident.issueNumber, suspension };
}
