import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/servers.ts';
import { wow } from '../../test/support/run-wow.ts';

// `wow agents list` beside the registry shows what WowScaling recommends for each agent:
// the open recommendation, its change, and the pull request carrying it.
let database: { url: string; drop: () => Promise<void> };
const recommendation = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase('wowcli_scaling');
  // The first run migrates the fresh database.
  expect((await wow(['agents', 'list', '--json'], { DATABASE_URL: database.url })).code).toBe(0);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const manifest = { id: 'busy', scaling: { minReplicas: 1, maxReplicas: 4, pendingPerReplica: 20 } };
    for (const id of ['busy', 'calm'])
      await db.query(
        `insert into agents (id, name, version, description, manifest) values ($1, $1, '1.0.0', 'x', $2)`,
        [id, JSON.stringify({ ...manifest, id })],
      );
    const current = { minReplicas: 1, maxReplicas: 4, pendingPerReplica: 20 };
    await db.query(
      `insert into scaling_recommendations (id, agent_id, direction, reason, current, proposed, evidence, pull_number, pull_url, created_at)
       values ($1, 'busy', 'up', 'at its maximum of 4 replicas for 5 samples, lag grew from 3 to 90 entries', $2, $3, '[]', 42,
         'https://github.com/acme/waooaw/pull/42', now())`,
      [recommendation, JSON.stringify(current), JSON.stringify({ ...current, maxReplicas: 6 })],
    );
    // A recommendation already applied is history, not shown.
    await db.query(
      `insert into scaling_recommendations (id, agent_id, direction, reason, current, proposed, evidence, state, created_at)
       values ($1, 'calm', 'down', 'idle', $2, $2, '[]', 'applied', now())`,
      [randomUUID(), JSON.stringify(current)],
    );
  } finally {
    await db.end();
  }
}, 60_000);

afterAll(async () => {
  await database.drop();
});

describe('wow agents list: WowScaling’s recommendations', () => {
  it('shows the open recommendation and its pull request in the SCALING column, and nothing for the others', async () => {
    const run = await wow(['agents', 'list'], { DATABASE_URL: database.url });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/SCALING/);
    expect(run.stdout).toMatch(/^busy .* up: maxReplicas 4 → 6 \(#42\)$/m);
    expect(run.stdout).toMatch(/^calm .* -$/m);
  });

  it('gives each agent its open recommendation, or null, in --json', async () => {
    const rows = JSON.parse((await wow(['agents', 'list', '--json'], { DATABASE_URL: database.url })).stdout) as {
      id: string;
      scaling: unknown;
    }[];
    expect(rows.map((r) => [r.id, r.scaling])).toEqual([
      [
        'busy',
        {
          id: recommendation,
          direction: 'up',
          reason: 'at its maximum of 4 replicas for 5 samples, lag grew from 3 to 90 entries',
          current: { minReplicas: 1, maxReplicas: 4, pendingPerReplica: 20 },
          proposed: { minReplicas: 1, maxReplicas: 6, pendingPerReplica: 20 },
          pull: { number: 42, url: 'https://github.com/acme/waooaw/pull/42' },
        },
      ],
      ['calm', null],
    ]);
  });
});
