import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWowError, readSharedSettings, sharedVariables } from '#platform';
import { accountSettings } from '#domains/commerce';

const read = (env: Record<string, string>) => readSharedSettings(accountSettings, env);

describe('accountSettings', () => {
  it('reads the defaults, and operators off until the App client and the team are set, naming what is missing', () => {
    expect(read({})).toEqual({
      sessionSeconds: 14 * 86_400,
      operatorSessionSeconds: 8 * 3600,
      verifySeconds: 48 * 3600,
      resetSeconds: 3600,
      inviteSeconds: 7 * 86_400,
      login: { perIp: 30, perAccount: 10, windowSeconds: 900 },
      mailPerIp: 10,
      operators: { missing: ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'ACCOUNTS_OPERATOR_TEAM'] },
    });
    expect(
      read({
        GITHUB_CLIENT_ID: 'Iv23liAbc',
        GITHUB_CLIENT_SECRET: '0123456789abcdef0123456789abcdef',
        ACCOUNTS_OPERATOR_TEAM: 'acme/ops',
        GITHUB_WEB_URL: 'https://ghe.example/',
        GITHUB_API_URL: 'https://ghe.example/api/v3',
      }).operators,
    ).toEqual({
      clientId: 'Iv23liAbc',
      clientSecret: '0123456789abcdef0123456789abcdef',
      webUrl: 'https://ghe.example',
      apiUrl: 'https://ghe.example/api/v3',
      team: { org: 'acme', slug: 'ops' },
    });
  });

  it('refuses a bad value naming its variable', () => {
    let message = '';
    try {
      read({ ACCOUNTS_OPERATOR_TEAM: 'ops', ACCOUNTS_LOGIN_PER_IP: '0' });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_CONFIG')) message = err.message;
    }
    expect(message).toContain('ACCOUNTS_OPERATOR_TEAM: expected org/team-slug');
    expect(message).toContain('ACCOUNTS_LOGIN_PER_IP: expected an integer from 1 to 100000');
  });

  it('has each of its variables documented in .env.example', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of sharedVariables(accountSettings)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
