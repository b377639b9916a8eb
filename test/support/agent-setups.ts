import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from './servers.ts';

/** Where an agent's test runs it: `startTestAgent`'s `postgres` and `redis`, none for the embedded defaults. */
export interface AgentSetup {
  postgres?: { url: string; schema: string };
  redis?: { url: string; keyPrefix: string };
  /** Drops what the runtime made on the servers (after the agent stopped). */
  drop(): Promise<void>;
}

/**
 * The two runtimes an agent's contract is run over (`describe.each`): the embedded
 * PostgreSQL with the in-process bus, as `wow start` runs with nothing configured, and
 * the real servers, as in production: a database of the test's own on the PostgreSQL
 * server (agents' roles and grants are the database's, so a schema is not isolation enough)
 * and the bus on Redis under a fresh key prefix.
 */
export const agentSetups: readonly [string, (name: string) => Promise<AgentSetup>][] = [
  ['embedded PostgreSQL and the in-process bus', () => Promise.resolve({ drop: () => Promise.resolve() })],
  [
    'PostgreSQL and Redis',
    async (name) => {
      const database = await createTestDatabase(name);
      const keyPrefix = `${uniqueName(name)}:`;
      return {
        postgres: { url: database.url, schema: 'public' },
        redis: { url: testRedisUrl, keyPrefix },
        async drop() {
          await database.drop();
          await deleteRedisKeys(keyPrefix);
        },
      };
    },
  ],
];
