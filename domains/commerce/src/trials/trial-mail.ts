import type { AccountMail } from '../accounts/account-mail.ts';
import { dayOf } from './trials.ts';

export type ReminderDay = 5 | 7;

/**
 * The reminder of a trial's day 5 (three days left) or day 7 (its last): when it ends, that
 * new work stops then unless the organisation subscribes, and that nothing it has is lost.
 * `id` is the same for every attempt at the same reminder, so a retried mail keeps its Message-ID.
 */
export function trialReminder(view: {
  trialId: string;
  day: ReminderDay;
  to: { userId: string; email: string; name: string };
  organisation: string;
  agent: { id: string; name: string };
  endsAt: Date;
  now: Date;
  publicUrl: string;
}): AccountMail {
  const origin = view.publicUrl.replace(/\/$/, '');
  const ended = view.now >= view.endsAt;
  const when = `${dayOf(view.endsAt)} at ${view.endsAt.toISOString().slice(11, 16)} UTC`;
  const opening = ended
    ? `${view.organisation}'s free trial of ${view.agent.name} ended on ${when}.`
    : view.day === 7
      ? `Today is the last day of ${view.organisation}'s free trial of ${view.agent.name}: it ends on ${when}.`
      : `${view.organisation}'s free trial of ${view.agent.name} ends on ${when}.`;
  return {
    id: `trial-reminder-${view.trialId}-${view.day}-${view.to.userId}`,
    to: view.to.email,
    subject: `Your free trial of ${view.agent.name} ${ended ? 'has ended' : `ends on ${dayOf(view.endsAt)}`}`,
    body: [
      `Hello ${view.to.name},`,
      '',
      opening,
      `${ended ? 'It takes' : 'After that it takes'} no new work unless ${view.organisation} subscribes. Everything it delivered stays yours to download.`,
      '',
      `Subscribe: ${origin}/agents/${encodeURIComponent(view.agent.id)}`,
      `Your dashboard: ${origin}/dashboard`,
    ].join('\n'),
  };
}
