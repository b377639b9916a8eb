import { generateKeyPairSync } from 'node:crypto';
import { createAgentHost, createGitHubPort, loadConfig, openRuntime, type AgentHost, type Runtime } from '#platform';
import { quietLog, testGitHubPolicy } from '#platform/testing';

/** The App's key the runtimes sign as toward a GitHub double (any RSA key: the double checks the shape, not the signer). */
export const testAppKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

/**
 * Several runtimes as separate `wow start` processes run them, in one test process: each
 * opens its own store pool, bus connection, cache and outbox relay on the shared PostgreSQL
 * database and Redis prefix of `env`, and hosts only `ids`. What one runtime's agent asks
 * another's answers over Redis, as between machines.
 */
export interface AgentRuntimes {
  start(ids: string[]): Promise<Runtime>;
  stop(): Promise<void>;
}

export function agentRuntimes(opts: {
  env: Record<string, string>;
  agentsDir: string;
  github: typeof fetch;
}): AgentRuntimes {
  const running: { host: AgentHost; runtime: Runtime }[] = [];
  const config = loadConfig({ ...opts.env, AGENTS_DIR: opts.agentsDir, APP_ID: '1', PRIVATE_KEY: testAppKey });
  return {
    async start(ids) {
      const runtime = await openRuntime(config, quietLog);
      const host = await createAgentHost({
        config,
        bus: runtime.bus,
        store: runtime.store,
        log: quietLog,
        metrics: runtime.metrics,
        cache: runtime.cache,
        agentsDir: opts.agentsDir,
        ids,
        identity: runtime.identity,
        signed: runtime.signed,
        // Agents' settings (SUPPORT_*, WOW<AGENT>_*) from the test's environment, never the shell's.
        env: { ...opts.env, APP_ID: '1', PRIVATE_KEY: testAppKey },
        github: createGitHubPort({
          credentials: { appId: '1', privateKey: testAppKey, apiUrl: 'https://api.github.com' },
          fetch: opts.github,
          policy: testGitHubPolicy,
        }),
      }).catch(async (err: unknown) => {
        await runtime.close();
        throw err;
      });
      running.push({ host, runtime });
      await host.start();
      runtime.relay.start();
      return runtime;
    },
    async stop() {
      for (const { host, runtime } of running.splice(0).reverse()) {
        await host.stop({ timeoutMs: 5_000 });
        await runtime.close();
      }
    },
  };
}
