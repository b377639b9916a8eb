import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { createTestDatabase } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;
const id = '6f1c1a57-5d0e-4e0b-9a57-3c1f0b7c2a11';

beforeAll(async () => {
  database = await createTestDatabase('alerts_cli');
  env = { DATABASE_URL: database.url };
});
afterAll(async () => {
  await database.drop();
});

describe('wow alerts', () => {
  it('lists the open alerts as text or JSON, acknowledges one once, and says so when there is none by that id', async () => {
    expect((await wow(['alerts', 'list'], env)).stdout).toContain('No alerts.');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `insert into operator_alerts (id, rule, alert_key, type, agent, severity, summary, first_at, last_at, fired, notified_at)
         values ($1, 'incidents', 'support.incident.opened:1', 'support.incident.opened', 'wowsupport', 'critical', 'WowSupport 20% slower', now(), now(), 3, now())`,
        [id],
      );
    } finally {
      await client.end();
    }
    const text = await wow(['alerts', 'list'], env);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(
      /6f1c1a57-5d0e-4e0b-9a57-3c1f0b7c2a11 +incidents +support\.incident\.opened +wowsupport +critical +3 +0 +- +WowSupport 20% slower/,
    );
    const json = JSON.parse((await wow(['alerts', 'list', '--json'], env)).stdout) as { id: string; fired: number }[];
    expect(json).toMatchObject([{ id, fired: 3 }]);

    expect(await wow(['alerts', 'ack', id, '--by', 'ada', '--json'], env)).toMatchObject({
      code: 0,
      stdout: `{"id":"${id}","acknowledged":true}\n`,
    });
    expect(await wow(['alerts', 'ack', id], env)).toMatchObject({ code: 1 });
    expect((await wow(['alerts', 'ack', 'nonsense'], env)).stdout).toContain('No open alert "nonsense"');
    expect((await wow(['alerts', 'list'], env)).stdout).toContain('No alerts.');
    const all = JSON.parse((await wow(['alerts', 'list', '--all', '--json'], env)).stdout) as { ackedBy: string }[];
    expect(all).toMatchObject([{ ackedBy: 'ada' }]);
  });
});
