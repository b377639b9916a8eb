import { describe, expect, it } from 'vitest';
import { createLogger, readAgentSettings } from '#platform';
import { notificationSettings } from '../../src/notification-settings.ts';
import { createOperatorAlerts } from '../../src/alerts/operator-alerts.ts';

// How the operator alerts start: the rules file read once (the shipped one valid), the
// senders opened only where configured, and the Slack token never echoed in an error.
const log = createLogger('silent');
const settingsOf = (env: Record<string, string>) => readAgentSettings('wownotification', notificationSettings, env);
const start = (env: Record<string, string>, email = false) =>
  createOperatorAlerts(
    { settings: settingsOf(env), log, githubApp: undefined },
    { noticeEmail: email ? async () => undefined : undefined },
  );

describe("WowNotification's operator alert settings", () => {
  it('reads the shipped config/alerts.yml by default, and reaches only the channels configured', async () => {
    const alerts = await start({}, true);
    expect(alerts?.rules.rules.map((r) => r.name)).toEqual([
      'security',
      'failed-deploys',
      'incidents',
      'approvals-waiting',
      'sla-breaches',
      'everything-else',
    ]);
    expect(alerts?.reach).toEqual({ slack: false, email: true, newIssues: false });
    const withSlack = await start({ WOWNOTIFICATION_SLACK_TOKEN: 'xoxb-0000-test' });
    expect(withSlack?.reach).toEqual({ slack: true, email: false, newIssues: false });
  });

  it('turns operator alerts off with an empty file setting, and refuses a file it cannot read, naming the variable', async () => {
    expect(await start({ WOWNOTIFICATION_ALERTS_FILE: '' })).toBeUndefined();
    await expect(start({ WOWNOTIFICATION_ALERTS_FILE: 'config/no-such-alerts.yml' })).rejects.toThrow(
      /config\/no-such-alerts\.yml: cannot be read \(ENOENT\); set WOWNOTIFICATION_ALERTS_FILE/,
    );
  });

  it('refuses a malformed Slack token without repeating it', () => {
    const token = 'not-a-token-but-secret-4711';
    let message = '';
    try {
      settingsOf({ WOWNOTIFICATION_SLACK_TOKEN: token });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('WOWNOTIFICATION_SLACK_TOKEN: expected a Slack token (xoxb-…)');
    expect(message).not.toContain(token);
  });
});
