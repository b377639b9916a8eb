import { pruneReplyTokens } from '#domains/support';
import type { ScheduleContext } from '#platform';
import type { NotificationSettings, NotificationState } from '../notification-settings.ts';

/**
 * Every hour, the secret reply addresses of tickets solved or closed more than
 * WOWNOTIFICATION_REPLY_ADDRESS_DAYS ago are forgotten (0: never, and no schedule): the
 * table then holds the addresses customers may still use, not one for every mail the desk
 * ever sent.
 */
export const forgetReplyAddresses = {
  interval: (settings: NotificationSettings) => (settings.replyAddressDays === 0 ? 0 : 3_600_000),
  async handle(ctx: ScheduleContext<NotificationSettings, NotificationState>): Promise<void> {
    const forgotten = await pruneReplyTokens(ctx.store, ctx.clock(), ctx.settings.replyAddressDays);
    if (forgotten > 0) ctx.log.info({ forgotten }, 'forgot the reply addresses of long-solved tickets');
  },
};
