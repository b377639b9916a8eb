import { describe, expect, it } from 'vitest';
import { readAgentSettings } from '#platform';
import { forgetReplyAddresses } from '../src/delivery/forget-reply-addresses.ts';
import { notificationSettings } from '../src/notification-settings.ts';

// What the domain forgets is tested there (domains/support/test/email.test.ts); here, how
// WowNotification's schedule for it is set.
const settingsOf = (env: Record<string, string>) => readAgentSettings('wownotification', notificationSettings, env);

describe("WowNotification's schedule that forgets old reply addresses", () => {
  it('runs hourly, forgetting those of tickets settled a year ago by default, and not at all with 0', () => {
    const byDefault = settingsOf({});
    expect(byDefault.replyAddressDays).toBe(365);
    expect(forgetReplyAddresses.interval(byDefault)).toBe(3_600_000);
    const days30 = settingsOf({ WOWNOTIFICATION_REPLY_ADDRESS_DAYS: '30' });
    expect(days30.replyAddressDays).toBe(30);
    expect(forgetReplyAddresses.interval(settingsOf({ WOWNOTIFICATION_REPLY_ADDRESS_DAYS: '0' }))).toBe(0);
  });

  it('refuses a setting that is not a whole number of days, naming the variable', () => {
    for (const value of ['-1', '1.5', 'a year', '40000'])
      expect(() => settingsOf({ WOWNOTIFICATION_REPLY_ADDRESS_DAYS: value })).toThrow(
        /WOWNOTIFICATION_REPLY_ADDRESS_DAYS.*expected whole days from 0 \(kept for good\) to 36500/s,
      );
  });
});
