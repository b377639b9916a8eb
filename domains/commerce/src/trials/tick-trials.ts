import { createEvent, enqueueOutbox, readSql, type AgentManifest, type Store } from '#platform';
import type { AccountMail } from '../accounts/account-mail.ts';
import { takesWork, type SubscriptionStatus, type SubscriptionStatusOf } from '../entitlements/subscription-status.ts';
import { trialSource } from './request-first-task.ts';
import { trialReminder, type ReminderDay } from './trial-mail.ts';

const sql = {
  due: readSql(import.meta.url, 'due-reminders'),
  claim: readSql(import.meta.url, 'claim-reminder'),
  recipients: readSql(import.meta.url, 'reminder-recipients'),
};

/** How long a sweep holds a reminder it is mailing: one that dies mid-way frees it after this. */
const claimMs = 10 * 60_000;

export interface TrialTickOptions {
  /** Names for the mails (loadManifests'); an agent not among them is named by its id. */
  agents: readonly AgentManifest[];
  subscriptionStatus: SubscriptionStatusOf;
  /** Sends one mail, resolving once the server took it (the platform's mail, SMTP_URL). */
  sendMail: (mail: AccountMail) => Promise<void>;
  /** The origin the mails link to (PUBLIC_URL). */
  publicUrl: string;
  /** At most this many reminders and this many expiries per tick; the next takes the rest (default 200). */
  limit?: number;
}

export interface TrialTick {
  reminded: { trialId: string; day: ReminderDay; mailed: number }[];
  ended: { trialId: string; converted: boolean }[];
  /** Reminders that could not be mailed and trials that could not be ended: the next tick tries them again. */
  failed: { trialId: string; step: ReminderDay | 'end'; error: string }[];
}

interface DueReminder extends Record<string, unknown> {
  id: string;
  organisation_id: string;
  organisation: string;
  agent_id: string;
  started_by: string | null;
  ends_at: Date;
  day: number;
}

/** A subscription that exists and was not cancelled: the trial converted. */
const subscribed = (status: SubscriptionStatus | undefined) => status !== undefined && status !== 'cancelled';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Ends one trial past its end, converted or not, with `commerce.trial.ended`; undefined when
 * another tick ended it first (only the update that finds it still active tells of it).
 */
async function endTrial(
  store: Store,
  trial: { id: string; organisation_id: string; agent_id: string },
  now: Date,
  subscriptionStatus: SubscriptionStatusOf,
): Promise<{ trialId: string; converted: boolean } | undefined> {
  const converted = subscribed(await subscriptionStatus(trial.organisation_id, trial.agent_id));
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ slug: string }>(
      `update commerce_trials t set state = $2, ended_at = $3 from support_customers c
        where t.id = $1 and t.state = 'active' and c.id = t.organisation_id
        returning c.slug`,
      [trial.id, converted ? 'converted' : 'ended', now],
    );
    const slug = rows[0]?.slug;
    if (slug === undefined) return undefined;
    await enqueueOutbox(
      tx,
      createEvent({
        source: trialSource,
        type: 'commerce.trial.ended',
        subject: trial.id,
        partitionkey: trial.organisation_id,
        customer: slug,
        data: { trialId: trial.id, organisationId: trial.organisation_id, agentId: trial.agent_id, converted },
      }),
    );
    return { trialId: trial.id, converted };
  });
}

/**
 * One step of the trials' clock at `now`, for a schedule to call as often as it likes:
 * (1) mails each due reminder (day 5, day 7) to the organisation's owners and the member
 * who started the trial, once — a reminder is claimed before it is mailed and marked after,
 * so ticks running twice or in two processes mail it once, and one whose mail failed is
 * tried again; an organisation that subscribed meanwhile is not reminded; (2) ends each
 * active trial past its end, `converted` if the organisation subscribed, and publishes
 * `commerce.trial.ended`. Only the trial's row changes: nothing it produced is touched.
 */
export async function tickTrials(store: Store, now: Date, opts: TrialTickOptions): Promise<TrialTick> {
  const limit = opts.limit ?? 200;
  const tick: TrialTick = { reminded: [], ended: [], failed: [] };
  const nameOf = (agentId: string) => opts.agents.find((a) => a.id === agentId)?.name ?? agentId;

  const due = await store.query<DueReminder>(sql.due, [now, limit]);
  for (const reminder of due.rows) {
    const day = reminder.day === 5 ? 5 : 7;
    const claimed = await store.query(sql.claim, [reminder.id, day, new Date(now.getTime() + claimMs), now]);
    if (claimed.rows.length === 0) continue;
    try {
      const status = await opts.subscriptionStatus(reminder.organisation_id, reminder.agent_id);
      const recipients = takesWork(status)
        ? []
        : (
            await store.query<{ id: string; email: string; name: string }>(sql.recipients, [
              reminder.organisation_id,
              reminder.started_by,
            ])
          ).rows;
      for (const to of recipients)
        await opts.sendMail(
          trialReminder({
            trialId: reminder.id,
            day,
            to: { userId: to.id, email: to.email, name: to.name },
            organisation: reminder.organisation,
            agent: { id: reminder.agent_id, name: nameOf(reminder.agent_id) },
            endsAt: new Date(reminder.ends_at),
            now,
            publicUrl: opts.publicUrl,
          }),
        );
      await store.query(
        'update commerce_trial_reminders set done_at = $3, outcome = $4 where trial_id = $1 and day = $2',
        [reminder.id, day, now, takesWork(status) ? 'subscribed' : 'mailed'],
      );
      tick.reminded.push({ trialId: reminder.id, day, mailed: recipients.length });
    } catch (err) {
      await store.query(
        'update commerce_trial_reminders set claimed_until = $3 where trial_id = $1 and day = $2 and done_at is null',
        [reminder.id, day, now],
      );
      tick.failed.push({ trialId: reminder.id, step: day, error: messageOf(err) });
    }
  }

  const ending = await store.query<{ id: string; organisation_id: string; agent_id: string }>(
    `select id, organisation_id, agent_id from commerce_trials
      where state = 'active' and ends_at <= $1 order by ends_at limit $2`,
    [now, limit],
  );
  for (const trial of ending.rows) {
    try {
      const ended = await endTrial(store, trial, now, opts.subscriptionStatus);
      if (ended !== undefined) tick.ended.push(ended);
    } catch (err) {
      tick.failed.push({ trialId: trial.id, step: 'end', error: messageOf(err) });
    }
  }
  return tick;
}
