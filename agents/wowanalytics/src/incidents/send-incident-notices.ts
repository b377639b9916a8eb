import type { Logger, PgQueryable } from '#platform';
import { claimIncidentNotices, markNoticeSent, type IncidentNotice } from './incident-store.ts';
import { describeHealth } from './judge-health.ts';

/** Sends one notice to one customer; throws when it did not arrive. */
export type SendNotice = (notice: IncidentNotice, event: { type: string; data: unknown }) => Promise<void>;

/**
 * Sends every notice that is due (`incidentId`: only that incident's). Each is claimed
 * first (a two-minute lease), so two runtimes never send the same one at once; one that
 * fails is tried again on a later look.
 */
export async function sendIncidentNotices(
  db: PgQueryable,
  send: SendNotice,
  now: Date,
  log: Logger,
  opts: { incidentId?: string } = {},
): Promise<number> {
  let sent = 0;
  for (const notice of await claimIncidentNotices(db, now, opts.incidentId)) {
    const { incident } = notice;
    const event = {
      type: `support.incident.${notice.kind}`,
      data: {
        incidentId: incident.id,
        agentId: incident.agentId,
        openedAt: incident.openedAt.toISOString(),
        ...(notice.kind === 'resolved'
          ? { resolvedAt: incident.closedAt?.toISOString() ?? null }
          : { signals: incident.signals }),
        summary:
          notice.kind === 'opened'
            ? describeHealth(incident.latest, incident.signals)
            : `${incident.agentId} is back to normal`,
      },
    };
    try {
      await send(notice, event);
      await markNoticeSent(db, notice, now);
      sent += 1;
    } catch (err) {
      log.warn(
        { err, incident: incident.id, customer: notice.customer.id },
        'incident notice not delivered; it is tried again later',
      );
    }
  }
  return sent;
}
