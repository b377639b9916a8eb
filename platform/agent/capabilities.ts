/**
 * What an agent's `capabilities` (agent.yml) let it do, read once per agent. The context
 * gives an agent only these: GitHub through tokens limited to the permissions it declares,
 * the model only with `llm:complete`, the store as its own PostgreSQL role with `store:*`,
 * identity changes only with `identity:*:write`.
 * Anything else it calls fails with a named error.
 */
export interface Grants {
  /** GitHub App permissions, e.g. { issues: 'write' }; empty: no GitHub at all. */
  github: Record<string, 'read' | 'write'>;
  llm: boolean;
  /** Suspend, resume and revoke agents (`identity:lifecycle:write`). */
  lifecycle: boolean;
  /** Record approvals of capabilities beyond a tier (`identity:approvals:write`). */
  approvals: boolean;
  /** `ctx.store`: none, SELECT, or SELECT/INSERT/UPDATE/DELETE on the agent's tables (store:write includes read). */
  store: 'none' | 'read' | 'write';
  /** Every event on the bus delivered to the definition's `watch` handler (`bus:watch`). */
  watch: boolean;
  /**
   * The operator runtime's remedies through `ctx.platform`: redrive an agent's dead letters
   * (`platform:bus:redrive`), roll an agent's deploy back and forward (`platform:deploy:rollback`),
   * suspend and resume an agent (`platform:agents:suspend`).
   */
  platform: { redrive: boolean; rollback: boolean; suspend: boolean };
  /** Ask the platform to publish `error.occurred` for an agent failing above its baseline (`errors:report`). */
  errors: boolean;
}

/** The forms a capability takes; the manifest's schema refuses any other. */
export const capabilityPattern =
  /^(github:[a-z_]+:(read|write)|llm:complete|store:(read|write)|identity:(lifecycle|approvals):write|bus:watch|errors:report|platform:(bus:redrive|deploy:rollback|agents:suspend))$/;

/** The same, as people are told it. */
export const capabilityForms =
  '"github:<permission>:read|write" (e.g. "github:checks:write"), "llm:complete", "store:read|write" , "identity:lifecycle|approvals:write", ' +
  '"bus:watch", "errors:report" or "platform:bus:redrive|deploy:rollback|agents:suspend"';

export function grantsOf(capabilities: readonly string[]): Grants {
  const github: Record<string, 'read' | 'write'> = {};
  for (const capability of capabilities) {
    const [resource, permission = '', level] = capability.split(':');
    if (resource !== 'github') continue;
    // write includes read, as GitHub's permission levels do.
    if (level === 'write' || github[permission] === undefined)
      github[permission] = level === 'write' ? 'write' : 'read';
  }
  const store = capabilities.includes('store:write') ? 'write' : capabilities.includes('store:read') ? 'read' : 'none';
  return {
    github,
    llm: capabilities.includes('llm:complete'),
    store,
    lifecycle: capabilities.includes('identity:lifecycle:write'),
    approvals: capabilities.includes('identity:approvals:write'),
    watch: capabilities.includes('bus:watch'),
    platform: {
      redrive: capabilities.includes('platform:bus:redrive'),
      rollback: capabilities.includes('platform:deploy:rollback'),
      suspend: capabilities.includes('platform:agents:suspend'),
    },
    errors: capabilities.includes('errors:report'),
  };
}
