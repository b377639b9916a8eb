import type { PgQueryable } from '#platform';
import type { Judgement } from './judge-health.ts';

/** A playbook's remedy WowSupport applied for an incident, waiting for this agent's verdict. */
export interface AppliedRemedy {
  playbook: string;
  remedy: string;
  appliedAt: Date;
  /** How many windows after it the agent has to be back within its baseline. */
  verifyWindows: number;
}

export type RemedyVerdict =
  { verdict: 'recovered'; window: number } | { verdict: 'unrecovered'; window: number } | { verdict: 'pending' };

/**
 * The rule, over the windows after a remedy in order (the first is the first whole window
 * after it): `healthyChecksToClose` healthy windows in a row are recovery (the incident
 * closes); a window not judged healthy once `verifyWindows` have passed is not. A window with
 * too little traffic to judge is no recovery either. `wow playbooks test --recorded` replays
 * recorded windows through it; the live check applies it a look at a time (`isUnrecovered`).
 */
export function remedyVerdict(
  windows: readonly Judgement['state'][],
  opts: { verifyWindows: number; healthyChecksToClose: number },
): RemedyVerdict {
  let healthy = 0;
  for (const [i, state] of windows.entries()) {
    const window = i + 1;
    healthy = state === 'healthy' ? healthy + 1 : 0;
    if (healthy >= opts.healthyChecksToClose) return { verdict: 'recovered', window };
    if (state !== 'healthy' && window >= opts.verifyWindows) return { verdict: 'unrecovered', window };
  }
  return { verdict: 'pending' };
}

/** The live form of the rule: this look's judgement, `verifyWindows` windows or more after the remedy. */
export function isUnrecovered(
  remedy: AppliedRemedy,
  judged: Judgement['state'],
  now: Date,
  windowMinutes: number,
): boolean {
  const windows = Math.floor((now.getTime() - remedy.appliedAt.getTime()) / (windowMinutes * 60_000));
  return judged !== 'healthy' && windows >= remedy.verifyWindows;
}

/** The remedy applied for the incident and not yet judged (WowSupport's support_playbook_runs), if any. */
export async function appliedRemedyOf(db: PgQueryable, incidentId: string): Promise<AppliedRemedy | undefined> {
  const { rows } = await db.query<{ playbook: string; remedy: string; applied_at: Date; verify_windows: number }>(
    `select playbook, remedy, applied_at, verify_windows from support_playbook_runs
     where incident_id = $1 and state = 'applied' and applied_at is not null and verify_windows is not null`,
    [incidentId],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { playbook: r.playbook, remedy: r.remedy, appliedAt: new Date(r.applied_at), verifyWindows: r.verify_windows };
}
