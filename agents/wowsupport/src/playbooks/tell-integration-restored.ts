import { z } from 'zod';
import { recordDeskMessage } from '#domains/support';
import type { Logger, PgQueryable, Store } from '#platform';
import { closeErrorIssue } from './error-issue.ts';
import { readRun, recordStep, type IncidentGitHub } from './playbook-audit.ts';

/** integration.credential.refresh's reply, as the run keeps it: refreshed, and everything kept was sent again. */
const refreshReply = z.object({
  integration: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/),
  refreshed: z.literal(true),
  retried: z.int().min(0),
  succeeded: z.int().min(0),
});

/** What integration.credentials.health told the diagnosis of the credential, before the remedy. */
const credentialSeen = z.object({
  integration: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
});

// A ticket older than this is not "meanwhile", whatever the credential's last success.
const lookBackMs = 24 * 60 * 60 * 1000;
// The last success is the integration's clock, a ticket's opening the database's: a minute's slack between them.
const skewMs = 60_000;
const maxTickets = 100;

export interface TellDeps {
  store: Store;
  github: IncidentGitHub;
  log: Logger;
  clock: () => Date;
  /** WowSupport's `ctx.once`: each ticket is answered once, however often this runs. */
  once<T>(key: string, effect: (tx: PgQueryable) => Promise<T>): Promise<T>;
}

const displayName = (integration: string) =>
  integration
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

function credentialOf(diagnosis: Record<string, unknown>, integration: string) {
  for (const step of Object.values(diagnosis)) {
    const credentials = (step as { value?: { credentials?: unknown } } | null)?.value?.credentials;
    if (!Array.isArray(credentials)) continue;
    for (const c of credentials) {
      const parsed = credentialSeen.safeParse(c);
      if (parsed.success && parsed.data.integration === integration) return parsed.data;
    }
  }
  return undefined;
}

const sqlTickets = `select t.id from support_tickets t
  where t.status in ('new', 'open', 'pending_customer', 'on_hold') and t.created_at >= $1
    and (t.subject ~* $2 or exists (
      select 1 from support_messages m where m.ticket_id = t.id and m.direction = 'inbound' and m.body ~* $2))
  order by t.created_at, t.id limit $3`;

/**
 * After a playbook refreshed an integration's credential and every call kept while it was
 * refused went through again: the customers whose open tickets, opened since it last
 * worked, name that integration ("Salesforce sync failing") are answered that it is
 * restored, and in how long; the step is recorded and the error's issue closed with it.
 * Anything else the run did (a refresh that did not re-send all, another remedy) tells
 * nobody. Safe to run again: each answer is one `once`, the issue's comment is marked.
 */
export async function tellIntegrationRestored(
  deps: TellDeps,
  incidentId: string,
): Promise<{ integration: string; told: number } | undefined> {
  const run = await readRun(deps.store, incidentId);
  const reply = refreshReply.safeParse(run?.result);
  if (run?.state !== 'applied' || !reply.success || reply.data.succeeded !== reply.data.retried) return undefined;
  const { integration, retried } = reply.data;
  const now = deps.clock();
  const seen = credentialOf(run.diagnosis, integration);
  const since = Math.max(now.getTime() - lookBackMs, (Date.parse(seen?.lastSuccessAt ?? '') || 0) - skewMs);
  const failingSince = Date.parse(seen?.lastFailureAt ?? '');
  const minutes = Number.isNaN(failingSince) ? undefined : Math.round((now.getTime() - failingSince) / 60_000);
  const name = displayName(integration);
  const restored =
    minutes === undefined
      ? 'It is restored.'
      : minutes < 1
        ? 'Restored in under a minute.'
        : `Restored in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  const body = [
    `Your ${name} integration is working again. It was failing because its API credential had expired; ` +
      `we refreshed the credential and sent again the ${retried} call${retried === 1 ? '' : 's'} that had failed, so nothing was lost.`,
    restored,
    'If you still see a problem, reply here.',
  ].join('\n\n');
  // A connector's name is kebab-case (checked above): safe inside a pattern, its hyphens matching a space too.
  const word = `\\m${integration.replace(/-/g, '[- ]')}\\M`;
  const { rows } = await deps.store.query<{ id: string }>(sqlTickets, [new Date(since), word, maxTickets]);
  let told = 0;
  for (const { id } of rows) {
    const answered = await deps.once(`integration-restored:${incidentId}:${id}`, async (tx) => {
      await recordDeskMessage(tx, id, {
        direction: 'outbound',
        author: { kind: 'agent', id: 'wowsupport' },
        body,
        autoSubmitted: true,
        action: 'ask_customer',
      });
      return true;
    });
    if (answered) told += 1;
  }
  deps.log.info(
    { incident: incidentId, integration, tickets: rows.length },
    'customers told the integration is restored',
  );
  const summary = [
    `${name} is restored: its credential was refreshed and the ${retried} failed call${retried === 1 ? ' was' : 's were'} sent again.`,
    ...(minutes === undefined ? [] : [restored]),
    `${rows.length} open ticket${rows.length === 1 ? '' : 's'} naming it ${rows.length === 1 ? 'was' : 'were'} answered.`,
  ].join(' ');
  await recordStep(
    deps.store,
    deps.github,
    incidentId,
    'restored',
    summary,
    { integration, tickets: rows.map((r) => r.id) },
    now,
  );
  await closeErrorIssue(deps.store, deps.github, incidentId, summary, now);
  return { integration, told };
}
